/**
 * The packed matmul path (GotoBLAS-style) for matrices large enough that packing pays: B is packed into
 * NR-column panels (k-major), a block of A's rows into MR-row panels, and a register-blocked micro-kernel
 * accumulates KC-deep slices in float64 locals. Packing reads through strides, so transposed or sliced
 * operands cost one pack, not a slow path. Scratch buffers are kept between calls (no page faults).
 */
import type { TypedArray } from '../dtype';
import type { MatmulPlan, UnitBlock } from './matmul-plan-types';

/** Output rows per work unit of a matmul plan, and rows of A packed at a time. */
export const MC = 64;
const MR = 4;
const NR = 4;
/** Depth of one packed slice: an A panel and a B panel (4 x KC float64 each) sit in L1 together. */
const KC = 256;
/** Columns of B packed at a time: a KC x NC block (1 MiB of float64) stays in L2. */
const NC = 512;

/**
 * Packed A (MC x KC, first) and packed B (KC x NC, after it) live in one fixed module-level array. Fixed
 * and `const` on purpose: V8 then embeds its address and length in the micro-kernel's machine code instead
 * of reloading and re-checking a parameter's map, base and length on every iteration (measured: 6.2 vs
 * 4.8 GFLOP/s for the same loop). Each worker thread has its own module instance, hence its own copy.
 */
const A_REGION = MC * KC;
const PANELS = new Float64Array(A_REGION + KC * NC);
/** Masks that bound indices into PANELS for V8's range analysis: no int32 overflow checks in the loop. */
const INDEX_MASK = 0x3ffffff;
const DEPTH_MASK = 0xffff;
let acc: Float64Array = new Float64Array(0);
/** Which B block PANELS holds (valid within one runUnits call only: parameters change between calls). */
let packedKey = '';

/** Forgets the packed B block; called at the start of every matmul (the data may have changed). */
export function resetPackCache(): void {
  packedKey = '';
}

function grow(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
}

/** The unit's block of batch matrix t (rows i0.., columns j0..), written to out at t * M * N. */
export function packedRows(plan: MatmulPlan, u: UnitBlock, out: TypedArray): void {
  const { a, b, ars, acs, brs, bcs, K, N } = plan;
  const { rows, cols } = u;
  const o0 = (u.t * plan.M + u.i0) * N + u.j0;
  // One K slice: tiles store straight into the output. Several: they add up in a float64 accumulator
  // (rows x cols, row stride cols) first, so slices sum without float32 rounding in between.
  const single = K <= KC;
  if (!single) {
    acc = grow(acc, rows * cols);
    acc.fill(0, 0, rows * cols);
  }
  const C = single ? out : acc;
  const cBase = single ? o0 : 0;
  const ldc = single ? N : cols;
  const aBase = plan.aOffsets[u.t] + u.i0 * ars;
  const bBase = plan.bOffsets[u.t] + u.j0 * bcs;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    packA(a, aBase + k0 * acs, ars, acs, rows, kc, PANELS);
    for (let j0 = 0; j0 < cols; j0 += NC) {
      const nc = Math.min(NC, cols - j0);
      // Broadcast batches and neighbouring row blocks reuse a packed B block (e.g. x (B, T, C) @ W (C, N)).
      const key = `${bBase + k0 * brs + j0 * bcs}:${kc}:${nc}`;
      if (key !== packedKey) {
        packB(b, bBase + k0 * brs + j0 * bcs, brs, bcs, kc, nc, PANELS, A_REGION);
        packedKey = key;
      }
      for (let q = 0; q * NR < nc; q++) {
        const j = j0 + q * NR;
        const nr = Math.min(NR, cols - j);
        for (let p = 0; p * MR < rows; p++) {
          const mr = Math.min(MR, rows - p * MR);
          microKernel(
            p * MR * kc,
            A_REGION + q * NR * kc,
            kc,
            C,
            cBase + p * MR * ldc + j,
            ldc,
            mr,
            nr,
            single,
          );
        }
      }
    }
  }
  if (!single) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0, o = o0 + i * N, s = i * cols; j < cols; j++) out[o + j] = acc[s + j];
    }
  }
}

/** B (K, N) -> panels of NR columns at dst[at..], each K rows of NR values; columns past N are zero. */
function packB(
  src: TypedArray,
  base: number,
  rs: number,
  cs: number,
  K: number,
  N: number,
  dst: Float64Array,
  at: number,
): void {
  for (let j0 = 0, d = at; j0 < N; j0 += NR) {
    const nr = Math.min(NR, N - j0);
    if (nr === NR) {
      for (let k = 0, row = base + j0 * cs; k < K; k++, row += rs) {
        dst[d++] = src[row];
        dst[d++] = src[row + cs];
        dst[d++] = src[row + 2 * cs];
        dst[d++] = src[row + 3 * cs];
      }
      continue;
    }
    for (let k = 0; k < K; k++) {
      const row = base + k * rs + j0 * cs;
      for (let jj = 0; jj < NR; jj++) dst[d++] = jj < nr ? src[row + jj * cs] : 0;
    }
  }
}

/** mc rows of A (mc, K) -> panels of MR rows, each K columns of MR values; rows past mc are zero. */
function packA(
  src: TypedArray,
  base: number,
  rs: number,
  cs: number,
  mc: number,
  K: number,
  dst: Float64Array,
): void {
  for (let i0 = 0, d = 0; i0 < mc; i0 += MR) {
    const mr = Math.min(MR, mc - i0);
    const r0 = base + i0 * rs;
    if (mr === MR) {
      const r1 = r0 + rs;
      const r2 = r1 + rs;
      const r3 = r2 + rs;
      for (let k = 0, c = 0; k < K; k++, c += cs) {
        dst[d++] = src[r0 + c];
        dst[d++] = src[r1 + c];
        dst[d++] = src[r2 + c];
        dst[d++] = src[r3 + c];
      }
      continue;
    }
    for (let k = 0, c = 0; k < K; k++, c += cs) {
      for (let ii = 0; ii < MR; ii++) dst[d++] = ii < mr ? src[r0 + ii * rs + c] : 0;
    }
  }
}

/** C[mr x nr at o, row stride ldc] (= or +=) A panel (K x 4 at pa) . B panel (K x 4 at pb) of PANELS, in 16 float64 locals. */
function microKernel(
  pa0: number,
  pb0: number,
  K: number,
  C: TypedArray,
  o: number,
  ldc: number,
  mr: number,
  nr: number,
  assign: boolean,
): void {
  const P = PANELS;
  const pa = pa0 & INDEX_MASK;
  const pb = pb0 & INDEX_MASK;
  const end = (K & DEPTH_MASK) * 4;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let k = 0; k < end; k += 4) {
    const ia = pa + k;
    const ib = pb + k;
    const b0 = P[ib];
    const b1 = P[ib + 1];
    const b2 = P[ib + 2];
    const b3 = P[ib + 3];
    let a = P[ia];
    c00 += a * b0;
    c01 += a * b1;
    c02 += a * b2;
    c03 += a * b3;
    a = P[ia + 1];
    c10 += a * b0;
    c11 += a * b1;
    c12 += a * b2;
    c13 += a * b3;
    a = P[ia + 2];
    c20 += a * b0;
    c21 += a * b1;
    c22 += a * b2;
    c23 += a * b3;
    a = P[ia + 3];
    c30 += a * b0;
    c31 += a * b1;
    c32 += a * b2;
    c33 += a * b3;
  }
  // Rows past mr / columns past nr were packed as zeros and are simply not stored.
  storeRow(C, o, nr, assign, c00, c01, c02, c03);
  if (mr > 1) storeRow(C, o + ldc, nr, assign, c10, c11, c12, c13);
  if (mr > 2) storeRow(C, o + 2 * ldc, nr, assign, c20, c21, c22, c23);
  if (mr > 3) storeRow(C, o + 3 * ldc, nr, assign, c30, c31, c32, c33);
}

/** C[o .. o + nr) = (assign) or += the row's values. */
function storeRow(
  C: TypedArray,
  o: number,
  nr: number,
  assign: boolean,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  if (assign) {
    C[o] = v0;
    if (nr > 1) C[o + 1] = v1;
    if (nr > 2) C[o + 2] = v2;
    if (nr > 3) C[o + 3] = v3;
    return;
  }
  C[o] += v0;
  if (nr > 1) C[o + 1] += v1;
  if (nr > 2) C[o + 2] += v2;
  if (nr > 3) C[o + 3] += v3;
}
