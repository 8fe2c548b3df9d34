/**
 * The public ops a backward rule is written with. Backward rules receive them through their context
 * (BackwardContext.op) instead of importing ops.ts, which is built on the primitives: ops.ts installs them
 * once, so the primitives never import the layer above them.
 */
import type { DType, NDArray, Padding, SliceRange } from '@gqa-lab/tensor';
import type { Tensor } from './tensor';

/** A tensor or a number (broadcast as a constant of the other operand's dtype). */
export type TensorLike = Tensor | number;
/** Indices: an int32 tensor or array, or a plain list. */
export type IndexLike = Tensor | NDArray | readonly number[] | Int32Array;
/** One axis, a list of axes, or undefined for all. */
export type Axes = number | readonly number[] | undefined;

type Binary = (a: TensorLike, b: TensorLike) => Tensor;
type Unary = (x: Tensor) => Tensor;

export interface GradOps {
  readonly add: Binary;
  readonly sub: Binary;
  readonly mul: Binary;
  readonly div: Binary;
  readonly pow: Binary;
  readonly eq: Binary;
  readonly lt: Binary;
  readonly gt: Binary;
  readonly ge: Binary;
  readonly neg: Unary;
  readonly exp: Unary;
  readonly log: Unary;
  readonly rsqrt: Unary;
  readonly sin: Unary;
  readonly cos: Unary;
  readonly tanh: Unary;
  readonly sign: Unary;
  readonly square: Unary;
  where(cond: Tensor | NDArray, a: TensorLike, b: TensorLike): Tensor;
  maskedFill(x: Tensor, mask: Tensor | NDArray, value: number): Tensor;
  sum(x: Tensor, axes?: Axes, keepdims?: boolean): Tensor;
  mean(x: Tensor, axes?: Axes, keepdims?: boolean): Tensor;
  sumTo(x: Tensor, shape: readonly number[]): Tensor;
  softmax(x: Tensor, axis?: number): Tensor;
  matmul(a: Tensor, b: Tensor): Tensor;
  transpose(x: Tensor, a?: number, b?: number): Tensor;
  permute(x: Tensor, axes: readonly number[]): Tensor;
  reshape(x: Tensor, shape: readonly number[]): Tensor;
  expand(x: Tensor, shape: readonly number[]): Tensor;
  unsqueeze(x: Tensor, axis: number): Tensor;
  slice(x: Tensor, ranges: readonly SliceRange[]): Tensor;
  pad(x: Tensor, pads: Padding, value?: number): Tensor;
  cast(x: Tensor, dtype: DType): Tensor;
  indexSelect(x: Tensor, axis: number, index: IndexLike): Tensor;
  indexAdd(shape: readonly number[], axis: number, index: IndexLike, src: Tensor): Tensor;
}

let installed: GradOps | null = null;

/** Called once by ops.ts when it loads. */
export function installGradOps(ops: GradOps): void {
  installed = ops;
}

/** The installed ops (ops.ts is loaded before any op records a graph, so they are always there). */
export function gradOps(): GradOps {
  if (installed === null)
    throw new Error('backward: the public ops were not installed (import ops.ts first)');
  return installed;
}
