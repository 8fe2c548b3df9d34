/** Reductions and the fused normalisers (softmax, logSoftmax, logsumexp). */
import { formatShape, getBackend, normalizeAxes, normalizeAxis, shapesEqual } from '@gqa-lab/tensor';
import type { Axes } from '../grad-ops';
import { maxP, minP, sumP } from '../primitives/reduce';
import { logsumexpP, softmaxP } from '../primitives/softmax';
import { Tensor } from '../tensor';
import { div, sqrt, square, sub } from './arith';
import { reshape } from './shape';

export type { Axes } from '../grad-ops';

/** Sum over `axes` (all when undefined). */
export function sum(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return sumP([x], { axes: normalizeAxes('sum', axes, x.rank), keepdims });
}

/** Arithmetic mean over `axes` (all when undefined). */
export function mean(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const ax = normalizeAxes('mean', axes, x.rank);
  let n = 1;
  for (const a of ax) n *= x.shape[a];
  return div(sumP([x], { axes: ax, keepdims }), n);
}

export function max(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return maxP([x], { axes: normalizeAxes('max', axes, x.rank), keepdims });
}

export function min(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return minP([x], { axes: normalizeAxes('min', axes, x.rank), keepdims });
}

export interface VarianceOptions {
  /** Bessel's correction: 1 (default, unbiased, like torch.var) or 0 (biased). */
  correction?: number;
  keepdims?: boolean;
}

/** Variance over `axes` with `correction` subtracted from the count (torch.var). */
export function variance(x: Tensor, axes?: Axes, opts: VarianceOptions = {}): Tensor {
  const ax = normalizeAxes('var', axes, x.rank);
  const correction = opts.correction ?? 1;
  let n = 1;
  for (const a of ax) n *= x.shape[a];
  const centered = sub(x, mean(x, ax, true));
  return div(sum(square(centered), ax, opts.keepdims ?? false), Math.max(0, n - correction));
}

/** Standard deviation (sqrt of `variance`). */
export function std(x: Tensor, axes?: Axes, opts: VarianceOptions = {}): Tensor {
  return sqrt(variance(x, axes, opts));
}

/** Index of the first maximum along `axis` (int32, no gradient). */
export function argmax(x: Tensor, axis = -1, keepdims = false): Tensor {
  return argReduce('argmax', x, axis, keepdims);
}

/** Index of the first minimum along `axis` (int32, no gradient). */
export function argmin(x: Tensor, axis = -1, keepdims = false): Tensor {
  return argReduce('argmin', x, axis, keepdims);
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number, keepdims: boolean): Tensor {
  const ax = normalizeAxis(op, axis, x.rank);
  return new Tensor(getBackend().argReduce[op](x.data, ax, keepdims), false);
}

export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxP([x], { axis: normalizeAxis('softmax', axis, x.rank) });
}

export function logsumexp(x: Tensor, axis = -1, keepdims = false): Tensor {
  return logsumexpP([x], { axis: normalizeAxis('logsumexp', axis, x.rank), keepdims });
}

/** log(softmax(x)) computed as x - logsumexp(x), stable for large logits. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return sub(x, logsumexp(x, normalizeAxis('logSoftmax', axis, x.rank), true));
}

/** Sums x down to `shape` (the inverse of broadcasting; expand's backward). */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const lead = x.rank - shape.length;
  if (lead < 0)
    throw new RangeError(`sumTo: cannot sum ${formatShape(x.shape)} to more dims ${formatShape(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && x.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== x.shape[i]) {
      throw new RangeError(`sumTo: cannot sum ${formatShape(x.shape)} to ${formatShape(shape)} (dim ${i})`);
    }
  }
  return reshape(sumP([x], { axes, keepdims: true }), shape);
}
