/**
 * Where fused attention on the WebAssembly tier keeps its tiles in the arena, and the strided copies between
 * the NDArrays and those tiles. Every tile is row-major float32 with its rows padded with zeros to whole
 * 8-column panels, so each product is one gemm_f32 call reading its B operand in place: K^T (D, S) and V
 * (S, Dv) for the forward; K, K^T, V^T and the query rows for the backward. Tiles cross to and from dense
 * tensor rows through a dense staging tile W and copy_rows_f32, so each crossing is one TypedArray.set
 * (a set per row, for ~100k rows of attention weights a step, cost more than the softmax itself).
 */
import type { AttentionPlan } from '../checks/attention';
import type { TypedArray } from '../dtype';
import type { NDArray } from '../ndarray';
import { GEMM_NR } from './gemm-kernel';
import type { Arena } from './kernel-module';
import { roundUp } from './row-io';

const F32 = 4;

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
  /** Dense staging: one tile's rows back to back (chunk x S, chunk x D, S x D, ...). */
  readonly W: number;
  readonly bytes: number;
}

/** The tiles for `plan` (any size: the arena grows to fit). */
export function attentionLayout(plan: AttentionPlan): AttentionLayout {
  const { T, S, D, Dv } = plan;
  const chunk = Math.max(1, Math.min(T, ROW_CHUNK));
  const [Dp, Dvp, Sp] = [D, Dv, S].map((n) => roundUp(Math.max(n, 1), GEMM_NR));
  const sizes = [S * Dp, D * Sp, S * Dvp, Dv * Sp, S * Dp, S * Dvp];
  sizes.push(chunk * Dp, chunk * Sp, chunk * Sp, chunk * Dvp, chunk * Dvp, chunk * Dp, chunk, 2 * chunk);
  sizes.push(Math.max(chunk, S) * Math.max(S, D, Dv));
  const at: number[] = [];
  let end = 0;
  for (const n of sizes) {
    at.push(end);
    end += roundUp(n, 16); // 64-byte aligned tiles
  }
  const [K, KT, V, VT, dK, dV, Q, P, dP, O, dO, dQ, L, stats, W] = at;
  const S4 = roundUp(S, 4);
  return { chunk, Dp, Dvp, Sp, S4, K, KT, V, VT, dK, dV, Q, P, dP, O, dO, dQ, L, stats, W, bytes: end * 4 };
}

/**
 * Rows t0 .. t0 + rows of head h in batch b of a (B, H, T, cols) view (or a (B, H, T) one, cols = 1), times
 * `mul`, into the arena at float `at`, rows `ld` floats apart, zeros from cols to ld. `base` is where
 * stageBatch put x's storage in the arena (null: not staged).
 */
export function headRowsIn(
  x: NDArray,
  base: number | null,
  b: number,
  h: number,
  t0: number,
  rows: number,
  cols: number,
  arena: Arena,
  w: AttentionLayout,
  at: number,
  ld: number,
  mul: number,
): void {
  const src = x.data;
  const { f32: dst, kernels } = arena;
  const [rs, cs] = [x.strides[2], x.rank > 3 ? x.strides[3] : 0];
  let p0 = x.offset + b * x.strides[0] + h * x.strides[1] + t0 * rs;
  if (base !== null) {
    kernels.copy_rows_f32((base + p0) * F32, rs * F32, cs * F32, at * F32, ld * F32, rows, cols, ld, mul);
    return;
  }
  if (mul === 1 && rs === cols && (cs === 1 || cols === 1)) {
    // The rows are one block of storage (kept weights, lse): one set, padded in the arena when ld > cols.
    const block = src.subarray(p0, p0 + rows * cols);
    if (ld === cols) dst.set(block, at);
    else {
      dst.set(block, w.W);
      kernels.copy_rows_f32(w.W * F32, cols * F32, F32, at * F32, ld * F32, rows, cols, ld, 1);
    }
    return;
  }
  // Strided rows not staged: a row by set() from about 32 floats, else the loop.
  const whole = cs === 1 && mul === 1 && cols >= 32;
  for (let r = 0, o = at; r < rows; r++, p0 += rs, o += ld) {
    if (whole) dst.set(src.subarray(p0, p0 + cols), o);
    else for (let c = 0, p = p0; c < cols; c++, p += cs) dst[o + c] = src[p] * mul;
    for (let c = cols; c < ld; c++) dst[o + c] = 0;
  }
}

/**
 * Head h of batch b of a (B, H, S, cols) view transposed: arena[at + c * ld + s] = x[b, h, s, c]; zeros
 * from S to ld. `base` as in headRowsIn.
 */
export function headTransposedIn(
  x: NDArray,
  base: number | null,
  b: number,
  h: number,
  S: number,
  cols: number,
  arena: Arena,
  at: number,
  ld: number,
): void {
  const src = x.data;
  const { f32: dst, kernels } = arena;
  const [rs, cs] = [x.strides[2], x.strides[3]];
  const p0 = x.offset + b * x.strides[0] + h * x.strides[1];
  if (base !== null) {
    // Row c of the tile is column c of the head: rows cs apart, floats rs apart.
    kernels.copy_rows_f32((base + p0) * F32, cs * F32, rs * F32, at * F32, ld * F32, cols, S, ld, 1);
    return;
  }
  for (let c = 0; c < cols; c++) {
    const o = at + c * ld;
    for (let s = 0, p = p0 + c * cs; s < S; s++, p += rs) dst[o + s] = src[p];
    dst.fill(0, o + S, o + ld);
  }
}

/**
 * dst[base + r * cols + c] = f32(tile[at + r * ld + c] * mul): a padded tile of the arena into a dense
 * output, compacted (and scaled) in the arena by copy_rows_f32 unless it is dense already, then one set.
 */
export function tileOut(
  arena: Arena,
  w: AttentionLayout,
  at: number,
  ld: number,
  rows: number,
  cols: number,
  dst: TypedArray,
  base: number,
  mul: number,
): void {
  const { f32, kernels } = arena;
  let from = at;
  if (ld !== cols || mul !== 1) {
    kernels.copy_rows_f32(at * F32, ld * F32, F32, w.W * F32, cols * F32, rows, cols, cols, mul);
    from = w.W;
  }
  dst.set(f32.subarray(from, from + rows * cols), base);
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
