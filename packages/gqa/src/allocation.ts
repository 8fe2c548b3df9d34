/**
 * Turning per-KV-head scores (key norms) into integer allocations of query heads.
 * Reference functions reproduce the published KDGQA / DGQA code (torch.round is half-to-even, then a
 * fix-up loop); corrected ones use deterministic largest-remainder rounding with a per-group minimum.
 */
import type { Rng } from '@gqa-lab/tensor';

/** Rounds to the nearest integer, ties to even (torch.round / numpy.round); Math.round rounds ties up. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function sumOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function list(a: ArrayLike<number>): string {
  return `[${Array.from(a).join(', ')}]`;
}

/** roundHalfEven(x[g] / sum(x) · H) for every g; throws where the published code would produce NaN. */
export function roundedShares(op: string, x: ArrayLike<number>, numHeads: number): Int32Array {
  const total = sumOf(x);
  const out = new Int32Array(x.length);
  for (let g = 0; g < x.length; g++) {
    const share = (x[g] / total) * numHeads;
    if (!Number.isFinite(share)) {
      throw new RangeError(
        `${op} (reference): share ${x[g]} / ${total} is not finite for scores ${list(x)}; the published code turns this NaN into an integer and its fix-up loop never ends. Use fidelity 'corrected'.`,
      );
    }
    out[g] = roundHalfEven(share);
  }
  return out;
}

/** Published KDGQA fix-up: while sum > H decrement the first argmax; while sum < H increment the first argmin. */
export function fixUpByExtremes(a: Int32Array, numHeads: number): Int32Array {
  while (sumOf(a) > numHeads) a[firstIndexOf(a, Math.max(...a))]--;
  while (sumOf(a) < numHeads) a[firstIndexOf(a, Math.min(...a))]++;
  return a;
}

function firstIndexOf(a: Int32Array, value: number): number {
  return a.indexOf(value);
}

/**
 * Published DGQA fix-up: uniformly random indices (here from a seeded Rng instead of torch's global
 * generator); decrement only where the count is > 0; increment anywhere.
 */
export function fixUpRandomly(a: Int32Array, numHeads: number, rng: Rng): Int32Array {
  while (sumOf(a) > numHeads) {
    const g = rng.int(a.length);
    if (a[g] > 0) a[g]--;
  }
  while (sumOf(a) < numHeads) a[rng.int(a.length)]++;
  return a;
}

/**
 * Published KDGQA allocation from batch-summed key norms m: min-max scale, round shares half-to-even,
 * fix up by argmax / argmin. Throws when max == min (G = 1 or tied norms), where the original divides
 * by zero and never terminates.
 */
export function referenceKeyNormAllocation(norms: ArrayLike<number>, numHeads: number): Int32Array {
  const lo = Math.min(...Array.from(norms));
  const hi = Math.max(...Array.from(norms));
  if (!(hi > lo)) {
    throw new RangeError(
      `KDGQA (reference): key norms ${list(norms)} have max == min, so min-max scaling divides by zero (NaN) and the published fix-up loop never ends. Use fidelity 'corrected' (uniform split on ties).`,
    );
  }
  const scaled = Array.from(norms, (m) => (m - lo) / (hi - lo));
  return fixUpByExtremes(roundedShares('KDGQA', scaled, numHeads), numHeads);
}

/**
 * Deterministic proportional allocation: every group gets `minPerGroup`, the rest is split in
 * proportion to `weights` by largest remainder (ties to the lower index). A zero or non-finite total
 * gives the most uniform split. Always sums to numHeads, never NaN.
 */
export function proportionalAllocation(
  weights: ArrayLike<number>,
  numHeads: number,
  minPerGroup = 0,
): Int32Array {
  const G = weights.length;
  if (!Number.isInteger(minPerGroup) || minPerGroup < 0 || minPerGroup * G > numHeads) {
    throw new RangeError(
      `proportionalAllocation: minPerGroup ${minPerGroup} must be a non-negative integer with minPerGroup · G (${G}) <= H (${numHeads})`,
    );
  }
  const rest = numHeads - minPerGroup * G;
  let total = 0;
  for (let g = 0; g < G; g++) total += Math.max(0, weights[g]);
  const usable = Number.isFinite(total) && total > 0;
  const exact = Array.from({ length: G }, (_, g) =>
    usable ? (Math.max(0, weights[g]) / total) * rest : rest / G,
  );
  const out = Int32Array.from(exact, (e) => minPerGroup + Math.floor(e));
  let left = numHeads - sumOf(out);
  const order = exact
    .map((e, g) => ({ g, frac: e - Math.floor(e) }))
    .sort((a, b) => b.frac - a.frac || a.g - b.g);
  for (let i = 0; left > 0; i = (i + 1) % G, left--) out[order[i].g]++;
  return out;
}

/**
 * Corrected KDGQA allocation: min-max scaled norms split by largest remainder with `minPerGroup`
 * (default 1 where H >= G); tied norms give the uniform split.
 */
export function correctedKeyNormAllocation(
  norms: ArrayLike<number>,
  numHeads: number,
  minPerGroup = numHeads >= norms.length ? 1 : 0,
): Int32Array {
  const lo = Math.min(...Array.from(norms));
  const hi = Math.max(...Array.from(norms));
  const scaled = hi > lo ? Array.from(norms, (m) => (m - lo) / (hi - lo)) : Array.from(norms, () => 1);
  return proportionalAllocation(scaled, numHeads, minPerGroup);
}
