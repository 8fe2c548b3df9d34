/** Argument checks of matmul and linear, shared by every backend. */
import type { NDArray } from '../ndarray';
import { broadcastShapes, formatShape } from '../shape';

/** Sizes of a @ b: (...batch, M, K) @ (...batch, K, N). */
export interface MatmulDims {
  readonly batch: number[];
  readonly M: number;
  readonly K: number;
  readonly N: number;
}

/** Validates a @ b (rank >= 2, one dtype, matching inner dims, broadcastable batches). */
export function checkMatmul(a: NDArray, b: NDArray): MatmulDims {
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
  return { batch, M, K, N };
}

/** Validates x (..., in), weight (out, in) and bias (out) or null of one dtype. */
export function checkLinear(x: NDArray, weight: NDArray, bias: NDArray | null): void {
  const biasOk = bias === null || (bias.rank === 1 && bias.shape[0] === weight.shape[0]);
  if (x.rank < 1 || weight.rank !== 2 || !biasOk) {
    throw new RangeError(
      `linear: x ${formatShape(x.shape)}, weight ${formatShape(weight.shape)} and bias ${bias ? formatShape(bias.shape) : 'null'} must be (..., in), (out, in) and (out)`,
    );
  }
  if (bias !== null && bias.dtype !== x.dtype) {
    throw new TypeError(`linear: bias dtype ${bias.dtype} must equal x dtype ${x.dtype}`);
  }
}
