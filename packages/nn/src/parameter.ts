/** Parameters (trained) and buffers (state that is saved but not trained), told apart by class. */
import { Tensor } from '@gqa-lab/autograd';
import type { NDArray } from '@gqa-lab/tensor';

/** A leaf tensor a Module owns and an optimizer updates; requires gradients unless frozen. */
export class Parameter extends Tensor {
  constructor(data: NDArray, requiresGrad = true) {
    super(data, requiresGrad);
  }
}

/**
 * Module state that is not trained (running statistics, caches). Persistent buffers are part of the
 * state dict; non-persistent ones are not.
 */
export class Buffer extends Tensor {
  readonly persistent: boolean;
  constructor(data: NDArray, persistent = true) {
    super(data, false);
    this.persistent = persistent;
  }
}
