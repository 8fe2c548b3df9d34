/** Shapes, strides and broadcasting: metadata only, no data. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides for a shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** `[2, 3]` — the form every error message uses. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless every dim is a non-negative safe integer. */
export function assertValidShape(op: string, shape: Shape): void {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`${op}: shape ${formatShape(shape)} has an invalid size at dim ${i} (${d})`);
    }
  }
}

/**
 * NumPy broadcasting of two shapes, aligned from the right.
 * Error: `add: shapes [2, 3] and [4, 3] are incompatible at dim 0 (2 vs 4)` (dim counted in the result).
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} are incompatible at dim ${i} (${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Broadcast any number of shapes. */
export function broadcastAll(op: string, shapes: readonly Shape[]): number[] {
  let out: number[] = [];
  for (const s of shapes) out = broadcastShapes(op, out, s);
  return out;
}

/** Resolves a possibly negative axis; throws naming the op and the rank. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Resolves a list of axes (undefined = all), sorted and without duplicates. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  const sorted = [...new Set(out)].sort((x, y) => x - y);
  if (sorted.length !== out.length) throw new RangeError(`${op}: repeated axis in [${list.join(', ')}]`);
  return sorted;
}

/** Shape after reducing `axes`, keeping them as size 1 when `keepdims`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepdims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

/** Resolves one `-1` in a reshape target against `size` elements. */
export function inferReshape(op: string, from: Shape, to: readonly number[]): number[] {
  const size = sizeOf(from);
  const unknown = to.indexOf(-1);
  if (unknown !== to.lastIndexOf(-1))
    throw new RangeError(`${op}: only one dimension can be -1 in ${formatShape(to)}`);
  const out = [...to];
  if (unknown >= 0) {
    let known = 1;
    for (let i = 0; i < to.length; i++) if (i !== unknown) known *= to[i];
    if (known === 0 || size % known !== 0) {
      throw new RangeError(
        `${op}: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(to)}`,
      );
    }
    out[unknown] = size / known;
  }
  assertValidShape(op, out);
  if (sizeOf(out) !== size) {
    throw new RangeError(
      `${op}: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(to)} (${sizeOf(out)} elements)`,
    );
  }
  return out;
}
