/** Linear layer y = x W^T + b with W stored (out, in), as in PyTorch. */
import { linear, type Tensor } from '@gqa-lab/autograd';
import { type DType, defaultRng, type Rng, uniform } from '@gqa-lab/tensor';
import { Module } from './module';
import { Parameter } from './parameter';

export interface LinearOptions {
  bias?: boolean;
  rng?: Rng;
  dtype?: DType;
}

export class Linear extends Module {
  static override readonly typeName: string = 'Linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  /** Initialised like torch.nn.Linear: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias. */
  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [name, n] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(n) || n < 0)
        throw new RangeError(`Linear: ${name} must be a non-negative integer, got ${n}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const rng = opts.rng ?? defaultRng();
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.weight = new Parameter(uniform([outFeatures, inFeatures], -bound, bound, rng, opts.dtype));
    this.bias =
      (opts.bias ?? true) ? new Parameter(uniform([outFeatures], -bound, bound, rng, opts.dtype)) : null;
  }

  /** x (..., in) -> (..., out) */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
