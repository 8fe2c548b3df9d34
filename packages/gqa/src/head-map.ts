/**
 * Head maps and allocations. A head map says which key/value head each query head reads
 * (`kvHead[h]`, an Int32Array of length Hq). An allocation says how many query heads each KV head
 * serves, as contiguous ranges: heads [0, a0) -> KV 0, [a0, a0 + a1) -> KV 1, ... (a size may be 0).
 */

/** Query head -> key/value head, one entry per query head. */
export type HeadMap = Int32Array;

/** A contiguous run of query heads [start, start + count) that all read KV head `kvHead`. */
export interface HeadRun {
  readonly start: number;
  readonly count: number;
  readonly kvHead: number;
}

function assertCount(op: string, name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${n}`);
  }
}

/** Multi-head attention: query head h reads KV head h. */
export function mhaMap(numHeads: number): HeadMap {
  assertCount('mhaMap', 'numHeads', numHeads, 1);
  return Int32Array.from({ length: numHeads }, (_, h) => h);
}

/** Multi-query attention: every query head reads KV head 0. */
export function mqaMap(numHeads: number): HeadMap {
  assertCount('mqaMap', 'numHeads', numHeads, 1);
  return new Int32Array(numHeads);
}

/** Grouped-query attention with contiguous groups: query head h reads KV head floor(h / (H / G)). */
export function gqaMap(numHeads: number, numKvHeads: number): HeadMap {
  assertCount('gqaMap', 'numHeads', numHeads, 1);
  assertCount('gqaMap', 'numKvHeads', numKvHeads, 1);
  if (numHeads % numKvHeads !== 0) {
    throw new RangeError(
      `gqaMap: numHeads ${numHeads} is not divisible by numKvHeads ${numKvHeads} (H % G = ${numHeads % numKvHeads})`,
    );
  }
  const groupSize = numHeads / numKvHeads;
  return Int32Array.from({ length: numHeads }, (_, h) => Math.floor(h / groupSize));
}

/** The uniform allocation H / G per KV head (H % G must be 0). */
export function uniformAllocation(numHeads: number, numKvHeads: number): Int32Array {
  gqaMap(numHeads, numKvHeads); // validates
  return new Int32Array(numKvHeads).fill(numHeads / numKvHeads);
}

/** Checks an allocation: non-negative integers summing to numHeads (when given). */
export function validateAllocation(sizes: ArrayLike<number>, numHeads?: number): void {
  if (sizes.length === 0) throw new RangeError('validateAllocation: allocation has no KV heads');
  let total = 0;
  for (let g = 0; g < sizes.length; g++) {
    const n = sizes[g];
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(
        `validateAllocation: size ${n} for KV head ${g} must be a non-negative integer (allocation [${Array.from(sizes).join(', ')}])`,
      );
    }
    total += n;
  }
  if (numHeads !== undefined && total !== numHeads) {
    throw new RangeError(
      `validateAllocation: allocation [${Array.from(sizes).join(', ')}] sums to ${total}, expected ${numHeads} query heads`,
    );
  }
}

/** Allocation -> map: contiguous ranges of query heads per KV head, in KV head order. */
export function allocationToMap(sizes: ArrayLike<number>, numHeads?: number): HeadMap {
  validateAllocation(sizes, numHeads);
  let total = 0;
  for (let g = 0; g < sizes.length; g++) total += sizes[g];
  const map = new Int32Array(total);
  let h = 0;
  for (let g = 0; g < sizes.length; g++) for (let i = 0; i < sizes[g]; i++) map[h++] = g;
  return map;
}

/**
 * Map -> allocation, for maps made of contiguous non-decreasing ranges (what allocationToMap makes).
 * Throws for other maps (e.g. [0, 1, 0]) since they have no allocation form.
 */
export function mapToAllocation(map: HeadMap, numKvHeads: number): Int32Array {
  validateMap(map, numKvHeads);
  const sizes = new Int32Array(numKvHeads);
  for (let h = 0; h < map.length; h++) {
    if (h > 0 && map[h] < map[h - 1]) {
      throw new RangeError(
        `mapToAllocation: map [${Array.from(map).join(', ')}] is not made of contiguous ranges (head ${h} reads KV ${map[h]} after KV ${map[h - 1]})`,
      );
    }
    sizes[map[h]]++;
  }
  return sizes;
}

/** Checks that every entry of a map is an integer KV head index in [0, numKvHeads). */
export function validateMap(map: ArrayLike<number>, numKvHeads: number): void {
  assertCount('validateMap', 'numKvHeads', numKvHeads, 1);
  if (map.length === 0) throw new RangeError('validateMap: map has no query heads');
  for (let h = 0; h < map.length; h++) {
    const g = map[h];
    if (!Number.isInteger(g) || g < 0 || g >= numKvHeads) {
      throw new RangeError(
        `validateMap: query head ${h} reads KV head ${g}, outside [0, ${numKvHeads}) (map [${Array.from(map).join(', ')}])`,
      );
    }
  }
}

/** Splits a map into maximal runs of consecutive query heads reading the same KV head. */
export function headRuns(map: HeadMap): HeadRun[] {
  const runs: HeadRun[] = [];
  let start = 0;
  for (let h = 1; h <= map.length; h++) {
    if (h === map.length || map[h] !== map[start]) {
      runs.push({ start, count: h - start, kvHead: map[start] });
      start = h;
    }
  }
  return runs;
}

/** The group size n when `map` is exactly gqaMap(Hq, numKvHeads) (equal contiguous groups), else 0. */
export function uniformGroupSize(map: HeadMap, numKvHeads: number): number {
  if (map.length % numKvHeads !== 0) return 0;
  const n = map.length / numKvHeads;
  for (let h = 0; h < map.length; h++) if (map[h] !== Math.floor(h / n)) return 0;
  return n;
}
