/**
 * Where fused attention on the WebAssembly tier keeps its tiles in the arena, and the strided copies between
 * the NDArrays and those tiles. Every tile is row-major float32 with its rows padded with zeros to whole
 * 8-column panels, so each product is one gemm_f32 call reading its B operand in place: K^T (D, S) and V
 * (S, Dv) for the forward; K, K^T, V^T and the query rows for the backward.
 */
import type { AttentionPlan } from '../checks/attention';
import type { TypedArray } from '../dtype';
import type { NDArray } from '../ndarray';
import { GEMM_NR } from './gemm-kernel';
import { roundUp } from './row-io';

/** Query rows per step at most: bounds the (rows, S) score tile. */
const ROW_CHUNK = 64;

/** Float offsets of the tiles, their padded widths, and the arena bytes they need. */
export interface AttentionLayout {
  readonly chunk: number;
  /** Row lengths padded to 8: D, Dv, S; and S padded to 4 (what the softmax rows cover). */
  readonly Dp: number;
  readonly Dvp: number;
  readonly Sp: number;
  readonly S4: number;
  /** (S, Dp) keys, (D, Sp) keys transposed, (S, Dvp) values, (Dv, Sp) values transposed. */
  readonly K: number;
  readonly KT: number;
  readonly V: number;
  readonly VT: number;
  /** (S, Dp), (S, Dvp): the KV head's gradients, summed over its query heads. */
  readonly dK: number;
  readonly dV: number;
  /** (chunk, Dp) scaled queries, (chunk, Sp) scores / p / dS, (chunk, Sp) dP, (chunk, Dvp) out / dOut, (chunk, Dp) dq. */
  readonly Q: number;
  readonly P: number;
  readonly dP: number;
  readonly O: number;
  readonly dO: number;
  readonly dQ: number;
  /** (chunk) lse, (chunk, 2) softmax (max, sum). */
  readonly L: number;
  readonly stats: number;
  readonly bytes: number;
}

/** The tiles for `plan` (any size: the arena grows to fit). */
export function attentionLayout(plan: AttentionPlan): AttentionLayout {
  const { T, S, D, Dv } = plan;
  const chunk = Math.max(1, Math.min(T, ROW_CHUNK));
  const [Dp, Dvp, Sp] = [D, Dv, S].map((n) => roundUp(Math.max(n, 1), GEMM_NR));
  const sizes = [S * Dp, D * Sp, S * Dvp, Dv * Sp, S * Dp, S * Dvp];
  sizes.push(chunk * Dp, chunk * Sp, chunk * Sp, chunk * Dvp, chunk * Dvp, chunk * Dp, chunk, 2 * chunk);
  const at: number[] = [];
  let end = 0;
  for (const n of sizes) {
    at.push(end);
    end += roundUp(n, 16); // 64-byte aligned tiles
  }
  const [K, KT, V, VT, dK, dV, Q, P, dP, O, dO, dQ, L, stats] = at;
  const S4 = roundUp(S, 4);
  return { chunk, Dp, Dvp, Sp, S4, K, KT, V, VT, dK, dV, Q, P, dP, O, dO, dQ, L, stats, bytes: end * 4 };
}

/**
 * Rows t0 .. t0 + rows of head h in batch b of a (B, H, T, cols) view (or a (B, H, T) one, cols = 1), times
 * `mul`, into dst at float `at`, rows `ld` floats apart, zeros from cols to ld.
 */
export function headRowsIn(
  x: NDArray,
  b: number,
  h: number,
  t0: number,
  rows: number,
  cols: number,
  dst: Float32Array,
  at: number,
  ld: number,
  mul: number,
): void {
  const src = x.data;
  const [rs, cs] = [x.strides[2], x.rank > 3 ? x.strides[3] : 0];
  let p0 = x.offset + b * x.strides[0] + h * x.strides[1] + t0 * rs;
  // Contiguous rows copy by set(): faster than the loop from about 32 floats (kept weights' rows of S).
  const whole = cs === 1 && mul === 1 && cols >= 32;
  for (let r = 0, o = at; r < rows; r++, p0 += rs, o += ld) {
    if (whole) dst.set(src.subarray(p0, p0 + cols), o);
    else for (let c = 0, p = p0; c < cols; c++, p += cs) dst[o + c] = src[p] * mul;
    for (let c = cols; c < ld; c++) dst[o + c] = 0;
  }
}

/** Head h of batch b of a (B, H, S, cols) view transposed: dst[at + c * ld + s] = x[b, h, s, c]; zeros from S to ld. */
export function headTransposedIn(
  x: NDArray,
  b: number,
  h: number,
  S: number,
  cols: number,
  dst: Float32Array,
  at: number,
  ld: number,
): void {
  const src = x.data;
  const [rs, cs] = [x.strides[2], x.strides[3]];
  const p0 = x.offset + b * x.strides[0] + h * x.strides[1];
  for (let c = 0; c < cols; c++) {
    const o = at + c * ld;
    for (let s = 0, p = p0 + c * cs; s < S; s++, p += rs) dst[o + s] = src[p];
    dst.fill(0, o + S, o + ld);
  }
}

/** dst[base + r * cols + c] = src[at + r * ld + c] * mul: a padded tile into a dense output. */
export function tileOut(
  src: Float32Array,
  at: number,
  ld: number,
  rows: number,
  cols: number,
  dst: TypedArray,
  base: number,
  mul: number,
): void {
  const whole = mul === 1 && cols >= 32; // as in headRowsIn
  for (let r = 0; r < rows; r++) {
    const i = at + r * ld;
    if (whole) dst.set(src.subarray(i, i + cols), base + r * cols);
    else for (let c = 0, o = base + r * cols; c < cols; c++) dst[o + c] = src[i + c] * mul;
  }
}

/** Score rows at + r * ld for query rows t0 .. t0 + rows of head h: -Infinity where the mask is 0. */
export function maskScores(
  plan: AttentionPlan,
  b: number,
  h: number,
  t0: number,
  rows: number,
  scores: Float32Array,
  at: number,
  ld: number,
): void {
  const { S, mask } = plan;
  if (mask === null) return;
  const [sb, sh, st, ss] = mask.view.strides;
  const data = mask.data;
  for (let r = 0; r < rows; r++) {
    const base = mask.view.offset + b * sb + h * sh + (t0 + r) * st;
    const o = at + r * ld;
    for (let j = 0; j < S; j++) if (data[base + j * ss] === 0) scores[o + j] = Number.NEGATIVE_INFINITY;
  }
}
