/**
 * The Backend interface: one table of kernels per backend (tinygrad's ops_cpu / ops_gpu pattern).
 * Tables are `Record<Op, Kernel>`, so a backend that lacks a kernel does not compile.
 *
 * Contract shared by every kernel:
 * - inputs may be any strided view (non-contiguous, expanded with stride 0, offset); kernels never mutate inputs;
 * - outputs are fresh, dense, row-major NDArrays (offset 0, no storage shared with inputs);
 * - element-wise binary kernels take equal shapes (broadcasting is done above, by `expand` views) and equal dtypes;
 * - the output dtype equals the input dtype unless stated (argmax / argmin give int32);
 * - errors name the kernel and the shapes involved.
 */
import type { DType } from './dtype';
import type { NDArray } from './ndarray';

export const UNARY_OPS = [
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'erf',
  'sign',
  'square',
  'reciprocal',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** Comparisons give 1 where true and 0 where false, in the inputs' dtype. */
export const COMPARE_OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export const REDUCE_OPS = ['sum', 'max', 'min', 'mean'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export const ARG_REDUCE_OPS = ['argmax', 'argmin'] as const;
export type ArgReduceOp = (typeof ARG_REDUCE_OPS)[number];

/** GELU form: exact `0.5 x (1 + erf(x / sqrt 2))` or the tanh approximation. */
export type GeluApproximate = 'none' | 'tanh';

/** Per-dim padding: [before, after], both >= 0. */
export type Padding = readonly (readonly [number, number])[];

/** Saved statistics of a layer-norm forward, used by its backward. Shapes: (..., 1) like x without its last dim. */
export interface LayerNormResult {
  /** Same shape as x. */
  readonly out: NDArray;
  /** Mean over the last dim; shape x.shape with the last dim set to 1. */
  readonly mean: NDArray;
  /** 1 / sqrt(var + eps) over the last dim (biased variance); same shape as mean. */
  readonly rstd: NDArray;
}

export interface LayerNormGrads {
  readonly dx: NDArray;
  /** Gradient of the weight (shape (C,)); null when there was no weight. */
  readonly dweight: NDArray | null;
  /** Gradient of the bias (shape (C,)); null when there was no bias. */
  readonly dbias: NDArray | null;
}

/** The inputs of one attention call; the forward and its backward take the same. */
export interface AttentionArgs {
  /** Queries (B, Hq, T, D). */
  readonly q: NDArray;
  /** Keys (B, Hkv, S, D); one float dtype with q and v. */
  readonly k: NDArray;
  /** Values (B, Hkv, S, Dv). */
  readonly v: NDArray;
  /** Int32Array(Hq): the KV head each query head reads, values in [0, Hkv) (GQA without repeating K / V). */
  readonly kvHead: Int32Array;
  /** Factor of the scores q k^T (finite). */
  readonly scale: number;
  /** Broadcasts to the scores (B, Hq, T, S) (rank <= 4, any dtype): nonzero = may attend; null = no mask. */
  readonly mask: NDArray | null;
}

/** Result of the fused attention forward. */
export interface AttentionKernelResult {
  /** softmax(q k^T * scale, masked) v: (B, Hq, T, Dv). */
  readonly out: NDArray;
  /** Per-row logsumexp of the masked, scaled scores: (B, Hq, T); -Infinity for a fully blocked row. */
  readonly lse: NDArray;
  /**
   * The softmax weights (B, Hq, T, S) when `keepWeights` was asked and the backend keeps them (else null),
   * for attentionBackward to read instead of recomputing them. A fully blocked row's weights are NaN.
   */
  readonly weights: NDArray | null;
}

/** Gradients of the fused attention; dk / dv of a KV head sum over the query heads mapped to it. */
export interface AttentionKernelGrads {
  /** (B, Hq, T, D) */
  readonly dq: NDArray;
  /** (B, Hkv, S, D) */
  readonly dk: NDArray;
  /** (B, Hkv, S, Dv) */
  readonly dv: NDArray;
}

export interface Backend {
  /** Short name used in messages and benchmark tables, e.g. `cpu`, `gpujs-webgpu`. */
  readonly name: string;

  /** y = f(x), element-wise; float dtypes (neg / abs / sign / square also int32). */
  readonly unary: Record<UnaryOp, (x: NDArray) => NDArray>;
  /** y = a (op) b, element-wise on equal shapes and dtypes. `pow` with a negative base and non-integer exponent gives NaN. */
  readonly binary: Record<BinaryOp, (a: NDArray, b: NDArray) => NDArray>;
  /** 1 where a (op) b holds, else 0; equal shapes. */
  readonly compare: Record<CompareOp, (a: NDArray, b: NDArray) => NDArray>;
  /**
   * Reduction over `axes` (sorted, unique, already normalised; may be empty = copy).
   * The sum of an empty axis is 0, its mean is NaN, max / min of an empty axis throw.
   */
  readonly reduce: Record<ReduceOp, (x: NDArray, axes: readonly number[], keepdims: boolean) => NDArray>;
  /** Index (int32) of the first max / min along `axis` (normalised). */
  readonly argReduce: Record<ArgReduceOp, (x: NDArray, axis: number, keepdims: boolean) => NDArray>;

  /**
   * Batched matrix product: a (..., M, K) @ b (..., K, N) -> (..., M, N), batch dims broadcast.
   * Both operands have rank >= 2 (1-d promotion is done above the backend).
   */
  matmul(a: NDArray, b: NDArray): NDArray;

  /**
   * y = x W^T + b (Linear): x (..., in), weight (out, in), bias (out) or null, one dtype; as
   * matmul(x, weight^T) + bias but without the separate bias pass.
   */
  linear(x: NDArray, weight: NDArray, bias: NDArray | null): NDArray;

  /** Dense copy with a new dtype (to int32 truncates toward zero). */
  cast(x: NDArray, dtype: DType): NDArray;
  /** Dense row-major copy with the same dtype. */
  copy(x: NDArray): NDArray;

  /** cond != 0 ? a : b, element-wise on equal shapes; a and b share a dtype, cond any dtype. */
  where(cond: NDArray, a: NDArray, b: NDArray): NDArray;

  /** torch.gather: out[..i..] = x[..index[..i..] along axis..]; index is int32 with x's rank. */
  gather(x: NDArray, axis: number, index: NDArray): NDArray;
  /** torch.scatter_add into zeros(shape): out[..index[i] along axis..] += src[i]; index has src's shape. */
  scatterAdd(shape: readonly number[], axis: number, index: NDArray, src: NDArray): NDArray;
  /** torch.index_select: picks the slices `index` (int32, 1-d) along axis. */
  indexSelect(x: NDArray, axis: number, index: NDArray): NDArray;
  /** torch.index_add into zeros(shape): out[index[i] along axis] += src[i along axis]. */
  indexAdd(shape: readonly number[], axis: number, index: NDArray, src: NDArray): NDArray;

  /** Concatenation along an axis; all other dims equal, dtypes equal. */
  concat(xs: readonly NDArray[], axis: number): NDArray;
  /** Constant padding; `pads` has one [before, after] pair per dim. */
  pad(x: NDArray, pads: Padding, value: number): NDArray;

  /** Numerically stable softmax along `axis` (max subtracted). */
  softmax(x: NDArray, axis: number): NDArray;
  /** Gradient of softmax: dx = y * (dy - sum(dy * y, axis)). */
  softmaxBackward(y: NDArray, dy: NDArray, axis: number): NDArray;
  /** log(sum(exp(x), axis)) computed stably. */
  logsumexp(x: NDArray, axis: number, keepdims: boolean): NDArray;

  /** GELU element-wise (float dtypes), exact (erf) or tanh form. */
  gelu(x: NDArray, approximate: GeluApproximate): NDArray;
  /** dx = dy * gelu'(x) element-wise; x and dy of equal shapes and dtypes. */
  geluBackward(x: NDArray, dy: NDArray, approximate: GeluApproximate): NDArray;

  /** Layer norm over the last dim: (x - mean) * rstd * weight + bias; weight / bias shape (C,) or null. */
  layerNorm(x: NDArray, weight: NDArray | null, bias: NDArray | null, eps: number): LayerNormResult;
  /** Gradients of layerNorm given dy, the input and the saved statistics. */
  layerNormBackward(
    dy: NDArray,
    x: NDArray,
    weight: NDArray | null,
    mean: NDArray,
    rstd: NDArray,
    hasBias: boolean,
  ): LayerNormGrads;

  /**
   * Fused scaled-dot-product attention (FlashAttention style, no (T, S) scores materialised):
   * out[b, h] = softmax(q[b, h] k[b, kvHead[h]]^T * scale, masked) v[b, kvHead[h]] (see AttentionArgs).
   * A fully blocked row gives NaN outputs and lse -Infinity (as torch's softmax does). `keepWeights` asks for
   * the (B, Hq, T, S) weights as well (a backward then skips recomputing them: for short sequences that saves
   * a product and the exps; long ones should not keep them).
   */
  attention(args: AttentionArgs, keepWeights: boolean): AttentionKernelResult;
  /**
   * Gradients of `attention(args)` for the output gradient dOut (B, Hq, T, Dv), from the forward's `saved`
   * out and lse, and its weights when kept (else p = exp(s - lse) is recomputed); D_i = dOut_i . out_i,
   * dS = p (dP - D_i). Masked positions get dS = 0, so a fully blocked row gives dq = 0 while its NaN weights
   * reach dv of its KV head, as the unfused masked softmax's backward does.
   */
  attentionBackward(args: AttentionArgs, saved: AttentionKernelResult, dOut: NDArray): AttentionKernelGrads;
}
