/** Creating tensors (leaves). Random ones draw from the seeded generator (`Rng`), never an unseeded source. */

import type { DType, NestedArray, Rng, Shape, TypedArray } from '@gqa-lab/tensor';
import * as nd from '@gqa-lab/tensor';
import { Tensor } from './tensor';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  name?: string;
}

/** From nested arrays, a number, or a typed array plus shape: `tensor([[1, 2]], { requiresGrad: true })`. */
export function tensor(
  values: NestedArray | TypedArray,
  opts: TensorOptions & { shape?: Shape } = {},
): Tensor {
  const arr =
    typeof values === 'number'
      ? nd.full([], values, opts.dtype)
      : nd.fromArray(values, opts.shape, opts.dtype);
  return new Tensor(arr, opts.requiresGrad ?? false, null, opts.name);
}

/** Wraps an NDArray as a leaf tensor. */
export function fromNDArray(arr: nd.NDArray, opts: TensorOptions = {}): Tensor {
  return new Tensor(arr, opts.requiresGrad ?? false, null, opts.name);
}

export function zeros(shape: Shape, opts: TensorOptions = {}): Tensor {
  return fromNDArray(nd.zeros(shape, opts.dtype), opts);
}

export function ones(shape: Shape, opts: TensorOptions = {}): Tensor {
  return fromNDArray(nd.ones(shape, opts.dtype), opts);
}

export function full(shape: Shape, value: number, opts: TensorOptions = {}): Tensor {
  return fromNDArray(nd.full(shape, value, opts.dtype), opts);
}

export function arange(start: number, stop?: number, step = 1, opts: TensorOptions = {}): Tensor {
  return fromNDArray(nd.arange(start, stop, step, opts.dtype), opts);
}

/** Standard normal samples. */
export function randn(shape: Shape, rng?: Rng, opts: TensorOptions = {}): Tensor {
  return fromNDArray(nd.normal(shape, 0, 1, rng, opts.dtype), opts);
}

/** Uniform samples in [0, 1). */
export function rand(shape: Shape, rng?: Rng, opts: TensorOptions = {}): Tensor {
  return fromNDArray(nd.uniform(shape, 0, 1, rng, opts.dtype), opts);
}

export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, { dtype: t.dtype });
}

export function onesLike(t: Tensor): Tensor {
  return ones(t.shape, { dtype: t.dtype });
}
