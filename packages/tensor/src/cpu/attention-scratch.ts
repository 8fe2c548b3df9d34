/**
 * Float64 scratch and strided loads for the fused attention kernels. Inputs of any layout and dtype are
 * copied once per (batch, head) into dense float64 tiles, so the hot products see one array type.
 */
import type { TypedArray } from '../dtype';
import type { AttentionPlan } from './attention-plan';

/** Query rows handled per step: bounds the (rows, S) score tile while keeping the products large. */
export const ROW_CHUNK = 64;

const slots: Float64Array[] = [];

/** Scratch slot `i` with at least n elements, reused between calls (contents are stale). */
export function scratch(i: number, n: number): Float64Array {
  const s = slots[i];
  if (s !== undefined && s.length >= n) return s;
  const fresh = new Float64Array(Math.max(n, 64));
  slots[i] = fresh;
  return fresh;
}

/** dst[r * cols + c] = src[base + r * rs + c * cs] * mul for r < rows, c < cols. */
export function loadRows(
  src: TypedArray,
  base: number,
  rs: number,
  cs: number,
  rows: number,
  cols: number,
  dst: Float64Array,
  mul: number,
): void {
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0, p = base + r * rs; c < cols; c++, p += cs) dst[o++] = src[p] * mul;
  }
}

/** dst[base + r * rs + c] = src[r * cols + c] * mul: a tile written into a dense output. */
export function storeRows(
  src: Float64Array,
  rows: number,
  cols: number,
  dst: TypedArray,
  base: number,
  mul: number,
): void {
  const n = rows * cols;
  for (let i = 0; i < n; i++) dst[base + i] = src[i] * mul;
}

/** Sets scores[r, j] to -Infinity where the mask is 0, for query rows t0 .. t0 + rows of head h. */
export function applyMask(
  plan: AttentionPlan,
  b: number,
  h: number,
  t0: number,
  rows: number,
  scores: Float64Array,
): void {
  const m = plan.mask;
  if (m === null) return;
  const { S } = plan;
  const [sb, sh, st, ss] = m.view.strides;
  const data = m.data;
  for (let r = 0; r < rows; r++) {
    const base = m.view.offset + b * sb + h * sh + (t0 + r) * st;
    const o = r * S;
    for (let j = 0; j < S; j++) if (data[base + j * ss] === 0) scores[o + j] = Number.NEGATIVE_INFINITY;
  }
}
