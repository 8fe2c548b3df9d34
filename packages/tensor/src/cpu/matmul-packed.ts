/**
 * The packed matmul path (GotoBLAS-style) for matrices large enough that packing pays: B is packed into
 * NR-column panels (k-major), a block of A's rows into MR-row panels, and a register-blocked micro-kernel
 * accumulates KC-deep slices in float64 locals. Packing reads through strides, so transposed or sliced
 * operands cost one pack, not a slow path. Scratch buffers are kept between calls (no page faults).
 */
import type { TypedArray } from '../dtype';
import type { MatmulPlan } from './matmul-plan';

/** Output rows per work unit of a matmul plan, and rows of A packed at a time. */
export const MC = 64;
const MR = 4;
const NR = 4;
/** Depth of one packed slice: an A panel and a B panel (4 x KC float64 each) sit in L1 together. */
const KC = 256;

/**
 * Packed A (the first A_REGION values) and packed B (after it) share one buffer: the micro-kernel then
 * reads both panels through one array, which frees a register in its loop (measured ~7 % faster).
 */
const A_REGION = MC * KC;
let panels: Float64Array = new Float64Array(A_REGION);
let acc: Float64Array = new Float64Array(0);
/** Which B slice the panel buffer holds (valid within one runUnits call only: parameters change between calls). */
let packedKey = '';

/** Forgets the packed B slice; called at the start of every matmul (the data may have changed). */
export function resetPackCache(): void {
  packedKey = '';
}

function grow(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
}

/** The shared panel buffer with room for a B slice of n values after the A region. */
function panelsFor(n: number): Float64Array {
  if (panels.length < A_REGION + n) {
    panels = grow(panels, A_REGION + n);
    packedKey = ''; // a new buffer holds no packed B yet
  }
  return panels;
}

/** Output rows [i0, i0 + rows) of batch matrix t, written to out at t * M * N. */
export function packedRows(plan: MatmulPlan, t: number, i0: number, rows: number, out: TypedArray): void {
  const { a, b, ars, acs, brs, bcs, K, N } = plan;
  const nPanels = Math.ceil(N / NR);
  const kcMax = Math.min(KC, K);
  const P = panelsFor(nPanels * NR * kcMax);
  const o0 = (t * plan.M + i0) * N;
  // One K slice: tiles store straight into the output. Several: they add up in a float64 accumulator
  // first (so slices sum without float32 rounding in between), copied out at the end.
  const single = K <= KC;
  if (!single) {
    acc = grow(acc, rows * N);
    acc.fill(0, 0, rows * N);
  }
  const C = single ? out : acc;
  const cBase = single ? o0 : 0;
  const aBase = plan.aOffsets[t] + i0 * ars;
  const bBase = plan.bOffsets[t];
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    // Broadcast batches and neighbouring row blocks reuse a packed B slice (e.g. x (B, T, C) @ W (C, N)).
    const key = `${bBase + k0 * brs}:${kc}`;
    if (key !== packedKey) {
      packB(b, bBase + k0 * brs, brs, bcs, kc, N, P, A_REGION);
      packedKey = key;
    }
    packA(a, aBase + k0 * acs, ars, acs, rows, kc, P);
    for (let q = 0; q < nPanels; q++) {
      const j = q * NR;
      const nr = Math.min(NR, N - j);
      for (let p = 0; p * MR < rows; p++) {
        const mr = Math.min(MR, rows - p * MR);
        microKernel(P, p * MR * kc, A_REGION + q * NR * kc, kc, C, cBase + p * MR * N + j, N, mr, nr, single);
      }
    }
  }
  if (!single) for (let i = 0; i < rows * N; i++) out[o0 + i] = acc[i];
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

/** C[mr x nr at o, row stride ldc] (= or +=) A panel (K x 4 at pa) . B panel (K x 4 at pb), both in P, in 16 float64 locals. */
function microKernel(
  P: Float64Array,
  pa: number,
  pb: number,
  K: number,
  C: TypedArray,
  o: number,
  ldc: number,
  mr: number,
  nr: number,
  assign: boolean,
): void {
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
  for (let k = 0; k < K; k++, pa += 4, pb += 4) {
    const b0 = P[pb];
    const b1 = P[pb + 1];
    const b2 = P[pb + 2];
    const b3 = P[pb + 3];
    let a = P[pa];
    c00 += a * b0;
    c01 += a * b1;
    c02 += a * b2;
    c03 += a * b3;
    a = P[pa + 1];
    c10 += a * b0;
    c11 += a * b1;
    c12 += a * b2;
    c13 += a * b3;
    a = P[pa + 2];
    c20 += a * b0;
    c21 += a * b1;
    c22 += a * b2;
    c23 += a * b3;
    a = P[pa + 3];
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
