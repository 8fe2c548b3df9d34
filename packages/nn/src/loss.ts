/** Losses: the functional forms from autograd, and module forms like torch.nn.CrossEntropyLoss / MSELoss. */
import {
  type CrossEntropyOptions,
  crossEntropy,
  type IndexLike,
  mse,
  type Reduction,
  type Tensor,
} from '@gqa-lab/autograd';
import { Module } from './module';

export { type CrossEntropyOptions, crossEntropy, mse, type Reduction } from '@gqa-lab/autograd';

/** Cross entropy of logits (N, C) against class indices (N), with optional label smoothing. */
export class CrossEntropyLoss extends Module {
  static override readonly typeName: string = 'CrossEntropyLoss';
  readonly options: CrossEntropyOptions;

  constructor(opts: CrossEntropyOptions = {}) {
    super();
    this.options = { ...opts };
  }

  forward(logits: Tensor, targets: IndexLike): Tensor {
    return crossEntropy(logits, targets, this.options);
  }
}

/** Mean (or summed) squared error between two equal-shape tensors. */
export class MSELoss extends Module {
  static override readonly typeName: string = 'MSELoss';
  readonly reduction: Reduction;

  constructor(reduction: Reduction = 'mean') {
    super();
    this.reduction = reduction;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mse(input, target, this.reduction);
  }
}
