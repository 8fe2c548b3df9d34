/** Linear composed from matmul and add: y = x W^T + b. */
import type { Backend } from './backend';
import { checkLinear } from './checks/matmul';
import type { NDArray } from './ndarray';

/** x (..., in), weight (out, in), bias (out) or null -> (..., out). */
export function composedLinear(be: Backend, x: NDArray, weight: NDArray, bias: NDArray | null): NDArray {
  checkLinear(x, weight, bias);
  const x2 = x.rank === 1 ? x.reshape([1, x.shape[0]]) : x; // (..., in)
  let y = be.matmul(x2, weight.transpose(0, 1)); // (..., in) @ (in, out)
  if (bias) y = be.binary.add(y, bias.expand(y.shape));
  return x.rank === 1 ? y.reshape([weight.shape[0]]) : y;
}
