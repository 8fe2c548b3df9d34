/**
 * Batched matmul: (..., M, K) @ (..., K, N) -> (..., M, N) with broadcast batch dims.
 * GotoBLAS-style: B is packed into 4-column panels (k-major), A into blocks of MC rows cut into 4-row
 * panels, and a 4x4 register-blocked micro-kernel accumulates the full K in 16 float64 locals.
 * Packing reads through strides, so transposed or sliced operands cost one pack, not a slow path.
 */
import { allocate, type TypedArray } from '../dtype';
import { NDArray } from '../ndarray';
import { broadcastShapes, formatShape, sizeOf } from '../shape';
import { expandView } from '../view';
import { planWalk } from './walk';

const MR = 4;
const NR = 4;
/** Rows of A packed at a time: MC x K float64 values should sit in L2 while all of B streams past. */
const MC = 64;
/** Depth of one packed block: an A panel and a B panel (4 x KC float64 each) sit in L1 together. */
const KC = 256;

/** a @ b for rank >= 2 operands of one dtype; accumulation in float64, stored in the input dtype. */
export function matmulKernel(a: NDArray, b: NDArray): NDArray {
  if (a.rank < 2 || b.rank < 2) {
    throw new RangeError(
      `matmul: operands need rank >= 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `matmul: dtypes ${a.dtype} and ${b.dtype} must be equal (shapes ${formatShape(a.shape)} and ${formatShape(b.shape)})`,
    );
  }
  const M = a.shape[a.rank - 2];
  const K = a.shape[a.rank - 1];
  const N = b.shape[b.rank - 1];
  if (b.shape[b.rank - 2] !== K) {
    throw new RangeError(
      `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not match: inner dims ${K} vs ${b.shape[b.rank - 2]}`,
    );
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batch, M, N];
  const out = allocate(a.dtype, sizeOf(outShape));
  if (out.length === 0 || K === 0) return NDArray.of(out, outShape);
  const aBatch = expandView(
    { shape: a.shape.slice(0, -2), strides: a.strides.slice(0, -2), offset: a.offset },
    batch,
  );
  const bBatch = expandView(
    { shape: b.shape.slice(0, -2), strides: b.strides.slice(0, -2), offset: b.offset },
    batch,
  );
  const aOffsets = batchOffsets(batch, aBatch.strides, a.offset);
  const bOffsets = batchOffsets(batch, bBatch.strides, b.offset);
  const ars = a.strides[a.rank - 2];
  const acs = a.strides[a.rank - 1];
  const brs = b.strides[b.rank - 2];
  const bcs = b.strides[b.rank - 1];
  const nPanels = Math.ceil(N / NR);
  const kcMax = Math.min(KC, K);
  const packedB = new Float64Array(nPanels * NR * kcMax);
  const packedA = new Float64Array(Math.min(MC, Math.ceil(M / MR) * MR) * kcMax);
  // float64 accumulator of one batch matrix, so K blocks add up without float32 rounding in between.
  const acc = new Float64Array(M * N);
  let packedBAt = -1;
  for (let t = 0; t < aOffsets.length; t++) {
    acc.fill(0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      // Broadcast batches reuse the packed B when it is packed whole (e.g. x (B, T, C) @ W (C, N)).
      if (kc !== K || bOffsets[t] !== packedBAt) {
        packB(b.data, bOffsets[t] + k0 * brs, brs, bcs, kc, N, packedB);
        packedBAt = kc === K ? bOffsets[t] : -1;
      }
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        packA(a.data, aOffsets[t] + i0 * ars + k0 * acs, ars, acs, mc, kc, packedA);
        for (let q = 0; q < nPanels; q++) {
          const j = q * NR;
          const nr = Math.min(NR, N - j);
          for (let p = 0; p * MR < mc; p++) {
            const mr = Math.min(MR, mc - p * MR);
            microKernel(
              packedA,
              p * MR * kc,
              packedB,
              q * NR * kc,
              kc,
              acc,
              (i0 + p * MR) * N + j,
              N,
              mr,
              nr,
            );
          }
        }
      }
    }
    out.set(acc, t * M * N);
  }
  return NDArray.of(out, outShape);
}

/** Storage offset of each batch matrix, in row-major batch order. */
function batchOffsets(batch: readonly number[], strides: readonly number[], offset: number): Int32Array {
  if (batch.length === 0) return Int32Array.of(offset);
  const walk = planWalk(batch, [{ strides, offset }]);
  const out = new Int32Array(walk.rows * walk.inner);
  const step = walk.steps[0];
  for (let r = 0, o = 0; r < walk.rows; r++)
    for (let j = 0, p = walk.starts[0][r]; j < walk.inner; j++, p += step) out[o++] = p;
  return out;
}

/** B (K, N) -> panels of NR columns, each K rows of NR values; columns past N are zero. */
function packB(
  src: TypedArray,
  base: number,
  rs: number,
  cs: number,
  K: number,
  N: number,
  dst: Float64Array,
): void {
  for (let j0 = 0, d = 0; j0 < N; j0 += NR) {
    const nr = Math.min(NR, N - j0);
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
    const r1 = r0 + (mr > 1 ? rs : 0);
    const r2 = r0 + (mr > 2 ? 2 * rs : 0);
    const r3 = r0 + (mr > 3 ? 3 * rs : 0);
    for (let k = 0, c = 0; k < K; k++, c += cs) {
      dst[d++] = src[r0 + c];
      dst[d++] = mr > 1 ? src[r1 + c] : 0;
      dst[d++] = mr > 2 ? src[r2 + c] : 0;
      dst[d++] = mr > 3 ? src[r3 + c] : 0;
    }
  }
}

/** C[mr x nr at o, row stride ldc] += A panel (K x 4) . B panel (K x 4), in 16 float64 locals. */
function microKernel(
  A: Float64Array,
  pa: number,
  B: Float64Array,
  pb: number,
  K: number,
  C: Float64Array,
  o: number,
  ldc: number,
  mr: number,
  nr: number,
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
    const b0 = B[pb];
    const b1 = B[pb + 1];
    const b2 = B[pb + 2];
    const b3 = B[pb + 3];
    let a = A[pa];
    c00 += a * b0;
    c01 += a * b1;
    c02 += a * b2;
    c03 += a * b3;
    a = A[pa + 1];
    c10 += a * b0;
    c11 += a * b1;
    c12 += a * b2;
    c13 += a * b3;
    a = A[pa + 2];
    c20 += a * b0;
    c21 += a * b1;
    c22 += a * b2;
    c23 += a * b3;
    a = A[pa + 3];
    c30 += a * b0;
    c31 += a * b1;
    c32 += a * b2;
    c33 += a * b3;
  }
  if (mr === 4 && nr === 4) {
    C[o] += c00;
    C[o + 1] += c01;
    C[o + 2] += c02;
    C[o + 3] += c03;
    o += ldc;
    C[o] += c10;
    C[o + 1] += c11;
    C[o + 2] += c12;
    C[o + 3] += c13;
    o += ldc;
    C[o] += c20;
    C[o + 1] += c21;
    C[o + 2] += c22;
    C[o + 3] += c23;
    o += ldc;
    C[o] += c30;
    C[o + 1] += c31;
    C[o + 2] += c32;
    C[o + 3] += c33;
    return;
  }
  // Edge tile: rows past mr / columns past nr were packed as zeros and are simply not stored.
  const rows = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) C[o + i * ldc + j] += rows[i * 4 + j];
}
