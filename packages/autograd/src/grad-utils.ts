/** Small helpers the engine needs without pulling in the whole public API. */
import { full } from '@gqa-lab/tensor';
import { addP } from './primitives/elementwise';
import { Tensor } from './tensor';

/** Sum of two gradients of equal shape (recorded when the backward itself is recorded). */
export function addGrads(a: Tensor, b: Tensor): Tensor {
  return addP([a, b], undefined);
}

/** A constant tensor of ones with t's shape and dtype. */
export function onesLike(t: Tensor): Tensor {
  return new Tensor(full(t.shape, 1, t.dtype), false);
}
