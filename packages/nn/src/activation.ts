/** Activation layers (no parameters): GELU (exact erf or tanh approximation), ReLU, Tanh, Sigmoid. */
import { gelu, relu, sigmoid, type Tensor, tanh } from '@gqa-lab/autograd';
import { Module } from './module';

export type GeluApproximation = 'none' | 'tanh';

/** GELU like torch.nn.GELU(approximate=...): exact `0.5 x (1 + erf(x / sqrt 2))` by default. */
export class GELU extends Module {
  static override readonly typeName: string = 'GELU';
  readonly approximate: GeluApproximation;

  constructor(approximate: GeluApproximation = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh')
      throw new RangeError(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}

/** max(x, 0). */
export class ReLU extends Module {
  static override readonly typeName: string = 'ReLU';
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class Tanh extends Module {
  static override readonly typeName: string = 'Tanh';
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class Sigmoid extends Module {
  static override readonly typeName: string = 'Sigmoid';
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
