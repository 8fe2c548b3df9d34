/**
 * The small products inside fused attention ((T, D) @ (D, S), (T, S) @ (S, Dv) and their transposes), on
 * one float64 workspace. 4 x 4 register tiles; sums run over k in order, so a result does not depend on how
 * the caller splits work.
 */

/**
 * Every operand of the fused attention kernels lives in this one fixed module-level array, addressed by
 * offsets. Fixed and `const` on purpose (as the packed matmul's panels): V8 then embeds its address and
 * length in the loops instead of re-checking a parameter's map, base and length on every iteration
 * (measured here: 2.28 vs 1.86 GMAC/s for the 4 x 4 tile). 2 MiB; shapes that do not fit take the
 * composed path. Each worker thread has its own module instance, hence its own copy.
 */
export const WORK = new Float64Array(1 << 18);
/** Bounds indices into WORK for V8's range analysis: no int32 overflow checks in the loops. */
const M = 0x3ffffff;

/**
 * C[i, j] (+)= sum_k A[i, k] B[k, j] for i < rows, j < cols, k < K, all in WORK: C row-major at co (row
 * stride ldc), A[i, k] = WORK[ao + i * ars + k * acs], B[k, j] = WORK[bo + k * brs + j * bcs].
 * `accumulate` adds to C instead of overwriting it.
 */
export function gemm64(
  ao: number,
  ars: number,
  acs: number,
  bo: number,
  brs: number,
  bcs: number,
  co: number,
  ldc: number,
  rows: number,
  cols: number,
  K: number,
  accumulate: boolean,
): void {
  const rows4 = rows - (rows % 4);
  const cols4 = cols - (cols % 4);
  for (let i = 0; i < rows4; i += 4) {
    const pa = ao + i * ars;
    const o = co + i * ldc;
    for (let j = 0; j < cols4; j += 4)
      tile4x4(pa, ars, acs, bo + j * bcs, brs, bcs, o + j, ldc, K, accumulate);
    for (let j = cols4; j < cols; j++) tile4x1(pa, ars, acs, bo + j * bcs, brs, o + j, ldc, K, accumulate);
  }
  for (let i = rows4; i < rows; i++) {
    const pa = ao + i * ars;
    const o = co + i * ldc;
    for (let j = 0; j < cols4; j += 4) tile1x4(pa, acs, bo + j * bcs, brs, bcs, o + j, K, accumulate);
    for (let j = cols4; j < cols; j++) {
      let s = 0;
      for (let k = 0, a = pa, b = bo + j * bcs; k < K; k++, a += acs, b += brs)
        s += WORK[a & M] * WORK[b & M];
      WORK[(o + j) & M] = accumulate ? WORK[(o + j) & M] + s : s;
    }
  }
}

/** Four rows of A times one column of B (the column edge of S = 50 keys). */
function tile4x1(
  pa: number,
  ars: number,
  acs: number,
  pb: number,
  brs: number,
  o: number,
  ldc: number,
  K: number,
  acc: boolean,
) {
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let k = 0; k < K; k++, pa += acs, pb += brs) {
    const p = pa & M;
    const b = WORK[pb & M];
    c0 += WORK[p] * b;
    c1 += WORK[(p + ars) & M] * b;
    c2 += WORK[(p + 2 * ars) & M] * b;
    c3 += WORK[(p + 3 * ars) & M] * b;
  }
  o &= M;
  WORK[o] = acc ? WORK[o] + c0 : c0;
  o = (o + ldc) & M;
  WORK[o] = acc ? WORK[o] + c1 : c1;
  o = (o + ldc) & M;
  WORK[o] = acc ? WORK[o] + c2 : c2;
  o = (o + ldc) & M;
  WORK[o] = acc ? WORK[o] + c3 : c3;
}

/** One row of A times four columns of B (the row edge). */
function tile1x4(
  pa: number,
  acs: number,
  pb: number,
  brs: number,
  bcs: number,
  o: number,
  K: number,
  acc: boolean,
) {
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let k = 0; k < K; k++, pa += acs, pb += brs) {
    const a = WORK[pa & M];
    const q = pb & M;
    c0 += a * WORK[q];
    c1 += a * WORK[(q + bcs) & M];
    c2 += a * WORK[(q + 2 * bcs) & M];
    c3 += a * WORK[(q + 3 * bcs) & M];
  }
  o &= M;
  WORK[o] = acc ? WORK[o] + c0 : c0;
  WORK[o + 1] = acc ? WORK[o + 1] + c1 : c1;
  WORK[o + 2] = acc ? WORK[o + 2] + c2 : c2;
  WORK[o + 3] = acc ? WORK[o + 3] + c3 : c3;
}

/** One 4 x 4 block of C from 4 rows of A and 4 columns of B, 16 float64 locals. */
function tile4x4(
  pa: number,
  ars: number,
  acs: number,
  pb: number,
  brs: number,
  bcs: number,
  o: number,
  ldc: number,
  K: number,
  acc: boolean,
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
  const a2 = 2 * ars;
  const a3 = 3 * ars;
  const b2 = 2 * bcs;
  const b3 = 3 * bcs;
  for (let k = 0; k < K; k++, pa += acs, pb += brs) {
    const p = pa & M;
    const q = pb & M;
    const x0 = WORK[p];
    const x1 = WORK[(p + ars) & M];
    const x2 = WORK[(p + a2) & M];
    const x3 = WORK[(p + a3) & M];
    let b = WORK[q];
    c00 += x0 * b;
    c10 += x1 * b;
    c20 += x2 * b;
    c30 += x3 * b;
    b = WORK[(q + bcs) & M];
    c01 += x0 * b;
    c11 += x1 * b;
    c21 += x2 * b;
    c31 += x3 * b;
    b = WORK[(q + b2) & M];
    c02 += x0 * b;
    c12 += x1 * b;
    c22 += x2 * b;
    c32 += x3 * b;
    b = WORK[(q + b3) & M];
    c03 += x0 * b;
    c13 += x1 * b;
    c23 += x2 * b;
    c33 += x3 * b;
  }
  o &= M;
  store4(o, acc, c00, c01, c02, c03);
  o = (o + ldc) & M;
  store4(o, acc, c10, c11, c12, c13);
  o = (o + ldc) & M;
  store4(o, acc, c20, c21, c22, c23);
  o = (o + ldc) & M;
  store4(o, acc, c30, c31, c32, c33);
}

/** WORK[o .. o + 3] = (a, b, c, d), added to what is there when acc (a branch, not 0 * stale: that could be NaN). */
function store4(o: number, acc: boolean, a: number, b: number, c: number, d: number): void {
  WORK[o] = acc ? WORK[o] + a : a;
  WORK[o + 1] = acc ? WORK[o + 1] + b : b;
  WORK[o + 2] = acc ? WORK[o + 2] + c : c;
  WORK[o + 3] = acc ? WORK[o + 3] + d : d;
}
