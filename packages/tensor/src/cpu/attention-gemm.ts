/**
 * The small products inside fused attention ((T, D) @ (D, S), (T, S) @ (S, Dv) and their transposes), on
 * float64 scratch only, so every load here sees one array type. 4 x 4 register tiles; sums run over k in
 * order, so a result does not depend on how the caller splits work.
 */

/**
 * C[i, j] (+)= sum_k A[i, k] B[k, j] for i < M, j < N, k < K, with C row-major at co (row stride ldc).
 * A[i, k] = A[ao + i * ars + k * acs], B[k, j] = B[bo + k * brs + j * bcs]; `accumulate` adds to C.
 */
export function gemm64(
  A: Float64Array,
  ao: number,
  ars: number,
  acs: number,
  B: Float64Array,
  bo: number,
  brs: number,
  bcs: number,
  C: Float64Array,
  co: number,
  ldc: number,
  M: number,
  N: number,
  K: number,
  accumulate: boolean,
): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N4; j += 4) {
      tile4x4(A, ao + i * ars, ars, acs, B, bo + j * bcs, brs, bcs, C, co + i * ldc + j, ldc, K, accumulate);
    }
    for (let j = N4; j < N; j++) {
      for (let ii = i; ii < i + 4; ii++) {
        const s = dot(A, ao + ii * ars, acs, B, bo + j * bcs, brs, K);
        const o = co + ii * ldc + j;
        C[o] = accumulate ? C[o] + s : s;
      }
    }
  }
  for (let i = M4; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const s = dot(A, ao + i * ars, acs, B, bo + j * bcs, brs, K);
      const o = co + i * ldc + j;
      C[o] = accumulate ? C[o] + s : s;
    }
  }
}

function dot(A: Float64Array, pa: number, acs: number, B: Float64Array, pb: number, brs: number, K: number) {
  let s = 0;
  for (let k = 0; k < K; k++, pa += acs, pb += brs) s += A[pa] * B[pb];
  return s;
}

/** One 4 x 4 block of C from 4 rows of A and 4 columns of B, 16 float64 locals. */
function tile4x4(
  A: Float64Array,
  pa: number,
  ars: number,
  acs: number,
  B: Float64Array,
  pb: number,
  brs: number,
  bcs: number,
  C: Float64Array,
  o: number,
  ldc: number,
  K: number,
  accumulate: boolean,
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
    const x0 = A[pa];
    const x1 = A[pa + ars];
    const x2 = A[pa + a2];
    const x3 = A[pa + a3];
    let b = B[pb];
    c00 += x0 * b;
    c10 += x1 * b;
    c20 += x2 * b;
    c30 += x3 * b;
    b = B[pb + bcs];
    c01 += x0 * b;
    c11 += x1 * b;
    c21 += x2 * b;
    c31 += x3 * b;
    b = B[pb + b2];
    c02 += x0 * b;
    c12 += x1 * b;
    c22 += x2 * b;
    c32 += x3 * b;
    b = B[pb + b3];
    c03 += x0 * b;
    c13 += x1 * b;
    c23 += x2 * b;
    c33 += x3 * b;
  }
  if (accumulate) {
    store4(C, o, C[o] + c00, C[o + 1] + c01, C[o + 2] + c02, C[o + 3] + c03);
    o += ldc;
    store4(C, o, C[o] + c10, C[o + 1] + c11, C[o + 2] + c12, C[o + 3] + c13);
    o += ldc;
    store4(C, o, C[o] + c20, C[o + 1] + c21, C[o + 2] + c22, C[o + 3] + c23);
    o += ldc;
    store4(C, o, C[o] + c30, C[o + 1] + c31, C[o + 2] + c32, C[o + 3] + c33);
    return;
  }
  store4(C, o, c00, c01, c02, c03);
  o += ldc;
  store4(C, o, c10, c11, c12, c13);
  o += ldc;
  store4(C, o, c20, c21, c22, c23);
  o += ldc;
  store4(C, o, c30, c31, c32, c33);
}

function store4(C: Float64Array, o: number, a: number, b: number, c: number, d: number): void {
  C[o] = a;
  C[o + 1] = b;
  C[o + 2] = c;
  C[o + 3] = d;
}
