/** LayerNorm over the last dim, like torch.nn.LayerNorm(normalized_shape=C). */
import { layerNorm, type Tensor } from '@gqa-lab/autograd';
import { type DType, formatShape, ones, zeros } from '@gqa-lab/tensor';
import { Module } from './module';
import { Parameter } from './parameter';

export interface LayerNormOptions {
  eps?: number;
  /** Learn a per-channel weight (init 1) and bias (init 0); default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn the bias (default true). */
  bias?: boolean;
  dtype?: DType;
}

export class LayerNorm extends Module {
  static override readonly typeName: string = 'LayerNorm';
  readonly normalizedShape: number;
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number, opts: LayerNormOptions = {}) {
    super();
    if (!Number.isInteger(normalizedShape) || normalizedShape <= 0)
      throw new RangeError(`LayerNorm: normalizedShape must be a positive integer, got ${normalizedShape}`);
    this.normalizedShape = normalizedShape;
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones([normalizedShape], opts.dtype)) : null;
    this.bias = affine && (opts.bias ?? true) ? new Parameter(zeros([normalizedShape], opts.dtype)) : null;
  }

  /** x (..., C) -> (..., C) normalised over C. */
  forward(x: Tensor): Tensor {
    if (x.rank === 0 || x.shape[x.rank - 1] !== this.normalizedShape) {
      throw new RangeError(
        `LayerNorm: input ${formatShape(x.shape)} does not end in normalizedShape ${this.normalizedShape}`,
      );
    }
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
