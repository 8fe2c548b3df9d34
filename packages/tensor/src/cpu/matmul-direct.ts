/**
 * The unpacked matmul path for small matrices (attention's (T, 8) @ (8, S) and (T, S) @ (S, 8) per
 * head): packing would copy as much as it computes, so 4x4 register tiles read the strided operands
 * in place and write the output once. Sums run over k in order, in float64.
 */
import type { TypedArray } from '../dtype';
import type { MatmulPlan, UnitBlock } from './matmul-plan-types';

/** The unit's block of batch matrix t (rows i0.., columns j0..), written to out at t * M * N. */
export function directRows(plan: MatmulPlan, u: UnitBlock, out: TypedArray): void {
  const { a: A, b: B, ars, acs, brs, bcs, K, N } = plan;
  const { t, i0, rows, j0, cols } = u;
  const aBase = plan.aOffsets[t] + i0 * ars;
  const bBase = plan.bOffsets[t] + j0 * bcs;
  const oBase = (t * plan.M + i0) * N + j0;
  const rows4 = rows - (rows % 4);
  const cols4 = cols - (cols % 4);
  for (let i = 0; i < rows4; i += 4) {
    const pa = aBase + i * ars;
    const o = oBase + i * N;
    for (let j = 0; j < cols4; j += 4)
      tile4x4(A, pa, ars, acs, B, bBase + j * bcs, brs, bcs, K, out, o + j, N);
    for (let ii = i; ii < i + 4; ii++) {
      for (let j = cols4; j < cols; j++) {
        out[oBase + ii * N + j] = dot(A, aBase + ii * ars, acs, B, bBase + j * bcs, brs, K);
      }
    }
  }
  for (let i = rows4; i < rows; i++) {
    const pa = aBase + i * ars;
    const o = oBase + i * N;
    for (let j = 0; j < cols4; j += 4) row1x4(A, pa, acs, B, bBase + j * bcs, brs, bcs, K, out, o + j);
    for (let j = cols4; j < cols; j++) out[o + j] = dot(A, pa, acs, B, bBase + j * bcs, brs, K);
  }
}

function dot(
  A: TypedArray,
  pa: number,
  acs: number,
  B: TypedArray,
  pb: number,
  brs: number,
  K: number,
): number {
  let s = 0;
  for (let k = 0; k < K; k++, pa += acs, pb += brs) s += A[pa] * B[pb];
  return s;
}

/** out[o .. o+3] = A row (K) . B columns (K x 4). */
function row1x4(
  A: TypedArray,
  pa: number,
  acs: number,
  B: TypedArray,
  pb: number,
  brs: number,
  bcs: number,
  K: number,
  out: TypedArray,
  o: number,
): void {
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  const b1 = bcs;
  const b2 = 2 * bcs;
  const b3 = 3 * bcs;
  for (let k = 0; k < K; k++, pa += acs, pb += brs) {
    const a = A[pa];
    c0 += a * B[pb];
    c1 += a * B[pb + b1];
    c2 += a * B[pb + b2];
    c3 += a * B[pb + b3];
  }
  out[o] = c0;
  out[o + 1] = c1;
  out[o + 2] = c2;
  out[o + 3] = c3;
}

/** out[4 x 4 at o, row stride ldo] = A rows (4 x K) . B columns (K x 4), 16 float64 locals. */
function tile4x4(
  A: TypedArray,
  pa: number,
  ars: number,
  acs: number,
  B: TypedArray,
  pb: number,
  brs: number,
  bcs: number,
  K: number,
  out: TypedArray,
  o: number,
  ldo: number,
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
  out[o] = c00;
  out[o + 1] = c01;
  out[o + 2] = c02;
  out[o + 3] = c03;
  o += ldo;
  out[o] = c10;
  out[o + 1] = c11;
  out[o + 2] = c12;
  out[o + 3] = c13;
  o += ldo;
  out[o] = c20;
  out[o + 1] = c21;
  out[o + 2] = c22;
  out[o + 3] = c23;
  o += ldo;
  out[o] = c30;
  out[o + 1] = c31;
  out[o + 2] = c32;
  out[o + 3] = c33;
}
