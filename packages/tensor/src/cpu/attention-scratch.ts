/**
 * Where the fused attention kernels keep their tiles in WORK, and the strided loads / stores between WORK
 * and the NDArrays. Inputs of any layout and dtype are copied once per (batch, head) into dense float64
 * tiles, so the hot products see one array.
 */

import type { AttentionPlan } from '../checks/attention';
import type { TypedArray } from '../dtype';
import type { NDArray } from '../ndarray';
import { WORK } from './attention-gemm';

/** Query rows handled per step at most: bounds the (rows, S) score tile while keeping the products large. */
const ROW_CHUNK = 64;

/** Offsets into WORK of each tile (rows = `chunk` query rows), or null when they do not fit. */
export interface TileLayout {
  readonly chunk: number;
  /** (S, D), (S, Dv): the KV head's keys and values; dK, dV: their gradients (backward). */
  readonly K: number;
  readonly V: number;
  readonly dK: number;
  readonly dV: number;
  /** (rows, D) scaled queries, (rows, S) scores / p / dS, (rows, S) dP, (rows, Dv) out and dOut, (rows, D) dq. */
  readonly Q: number;
  readonly P: number;
  readonly dP: number;
  readonly O: number;
  readonly dO: number;
  readonly dQ: number;
  /** (rows,) lse or 1 / row sum. */
  readonly L: number;
}

/** Lays the tiles out in WORK, halving the row chunk until they fit; null if even one row does not. */
export function tileLayout(plan: AttentionPlan): TileLayout | null {
  const { T, S, D, Dv } = plan;
  for (let chunk = Math.max(1, Math.min(T, ROW_CHUNK)); chunk >= 1; chunk = Math.floor(chunk / 2)) {
    const sizes = [
      S * D,
      S * Dv,
      S * D,
      S * Dv,
      chunk * D,
      chunk * S,
      chunk * S,
      chunk * Dv,
      chunk * Dv,
      chunk * D,
      chunk,
    ];
    const total = sizes.reduce((a, n) => a + n, 0);
    if (total > WORK.length) continue;
    const at: number[] = [];
    sizes.reduce((o, n) => {
      at.push(o);
      return o + n;
    }, 0);
    const [K, V, dK, dV, Q, P, dP, O, dO, dQ, L] = at;
    return { chunk, K, V, dK, dV, Q, P, dP, O, dO, dQ, L };
  }
  return null;
}

/** WORK[at + r * cols + c] = src[base + r * rs + c * cs] * mul for r < rows, c < cols. */
function loadRows(
  src: TypedArray,
  base: number,
  rs: number,
  cs: number,
  rows: number,
  cols: number,
  at: number,
  mul: number,
): void {
  let o = at;
  for (let r = 0; r < rows; r++) {
    for (let c = 0, p = base + r * rs; c < cols; c++, p += cs) WORK[o++] = src[p] * mul;
  }
}

/**
 * Rows t0 .. t0 + rows of head h in batch b of a (B, H, T, cols) view (or a (B, H, T) one, cols = 1) into
 * WORK at `at`, times `mul`.
 */
export function loadHeadRows(
  x: NDArray,
  b: number,
  h: number,
  t0: number,
  rows: number,
  cols: number,
  at: number,
  mul: number,
): void {
  const base = x.offset + b * x.strides[0] + h * x.strides[1] + t0 * x.strides[2];
  loadRows(x.data, base, x.strides[2], x.rank > 3 ? x.strides[3] : 0, rows, cols, at, mul);
}

/** dst[base + i] = WORK[at + i] * mul for i < n: a tile written into a dense output. */
export function storeRows(at: number, n: number, dst: TypedArray, base: number, mul: number): void {
  for (let i = 0; i < n; i++) dst[base + i] = WORK[at + i] * mul;
}

/** Sets WORK scores [at + r * S + j] to -Infinity where the mask is 0, for query rows t0 .. t0 + rows of head h. */
export function applyMask(
  plan: AttentionPlan,
  b: number,
  h: number,
  t0: number,
  rows: number,
  at: number,
): void {
  const m = plan.mask;
  if (m === null) return;
  const { S } = plan;
  const [sb, sh, st, ss] = m.view.strides;
  const data = m.data;
  for (let r = 0; r < rows; r++) {
    const base = m.view.offset + b * sb + h * sh + (t0 + r) * st;
    const o = at + r * S;
    for (let j = 0; j < S; j++) if (data[base + j * ss] === 0) WORK[o + j] = Number.NEGATIVE_INFINITY;
  }
}
