/** Matrix products as the triple loop of their definition, sums in float64. */
import { checkLinear, checkMatmul } from '../checks/matmul';
import type { NDArray } from '../ndarray';
import { sizeOf } from '../shape';
import { elements, store } from './loops';

/** a (..., M, K) @ b (..., K, N) -> (..., M, N); batch dims broadcast (expand makes them equal first). */
export function matmul(a: NDArray, b: NDArray): NDArray {
  const { batch, M, K, N } = checkMatmul(a, b);
  const A = elements(a.expand([...batch, M, K])); // (batch, M, K) row-major
  const B = elements(b.expand([...batch, K, N])); // (batch, K, N) row-major
  const out: number[] = [];
  for (let n = 0; n < sizeOf(batch); n++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += A[(n * M + i) * K + k] * B[(n * K + k) * N + j];
        out.push(sum);
      }
    }
  }
  return store(out, [...batch, M, N], a.dtype);
}

/** y = x W^T + b: x (..., in), weight (out, in), bias (out) or null. */
export function linear(x: NDArray, weight: NDArray, bias: NDArray | null): NDArray {
  checkLinear(x, weight, bias);
  checkMatmul(x.rank === 1 ? x.reshape([1, x.shape[0]]) : x, weight.transpose(0, 1)); // in-dims and dtypes
  const [outDim, inDim] = weight.shape;
  const X = elements(x); // (rows, in)
  const W = elements(weight); // (out, in)
  const Bias = bias ? elements(bias) : null;
  const rows = sizeOf(x.shape.slice(0, -1));
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      let sum = 0;
      for (let i = 0; i < inDim; i++) sum += X[r * inDim + i] * W[o * inDim + i];
      out.push(sum + (Bias ? Bias[o] : 0));
    }
  }
  return store(out, [...x.shape.slice(0, -1), outDim], x.dtype);
}
