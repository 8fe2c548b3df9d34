/**
 * softmax, its backward and logsumexp along any axis. The axis is moved last by a view permutation
 * so each walk row is one softmax vector (read through its stride, no copy); the output is written
 * through the same permutation of its dense strides. Sums are float64.
 */

import { checkPair } from '../checks/elementwise';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { contiguousStrides, normalizeAxis, reducedShape, sizeOf } from '../shape';
import { permuteView, type View } from '../view';
import { planWalk } from './walk';

/** The permutation that moves `axis` last. */
function axisLast(rank: number, axis: number): number[] {
  const order: number[] = [];
  for (let a = 0; a < rank; a++) if (a !== axis) order.push(a);
  order.push(axis);
  return order;
}

/** A dense row-major view of `shape`, permuted like the inputs. */
function denseOutView(shape: readonly number[], order: readonly number[]): View {
  return permuteView({ shape, strides: contiguousStrides(shape), offset: 0 }, order);
}

/** exp(x - max) / sum(exp(x - max)) along `axis`. */
export function softmaxKernel(x: NDArray, axis: number): NDArray {
  const ax = normalizeAxis('softmax', axis, x.rank);
  const order = axisLast(x.rank, ax);
  const xv = x.permute(order);
  const ov = denseOutView(x.shape, order);
  const { rows, inner, steps, starts } = planWalk(xv.shape, [xv, ov], true);
  const [dx, dout] = steps;
  const src = x.data;
  const out = allocate(x.dtype, x.size);
  // One exp per element: the float64 exponentials wait in a scratch row, then are scaled once.
  const e = rowScratch(inner);
  for (let r = 0; r < rows; r++) {
    const p0 = starts[0][r];
    const o0 = starts[1][r];
    let max = -Infinity;
    for (let j = 0, p = p0; j < inner; j++, p += dx) if (src[p] > max) max = src[p];
    // An all -Infinity row would give NaN from (-Inf) - (-Inf); subtract 0 so it gives 0/0 = NaN the same way torch does.
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (let j = 0, p = p0; j < inner; j++, p += dx) {
      const v = Math.exp(src[p] - max);
      e[j] = v;
      sum += v;
    }
    const inv = 1 / sum;
    for (let j = 0, o = o0; j < inner; j++, o += dout) out[o] = e[j] * inv;
  }
  return NDArray.of(out, x.shape);
}

let scratch: Float64Array = new Float64Array(64);
/** A float64 row of at least n elements, reused between calls. */
function rowScratch(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}

/** dx = y * (dy - sum(dy * y, axis)). */
export function softmaxBackwardKernel(y: NDArray, dy: NDArray, axis: number): NDArray {
  checkPair('softmaxBackward', y, dy);
  const ax = normalizeAxis('softmaxBackward', axis, y.rank);
  const order = axisLast(y.rank, ax);
  const yv = y.permute(order);
  const gv = dy.permute(order);
  const ov = denseOutView(y.shape, order);
  const { rows, inner, steps, starts } = planWalk(yv.shape, [yv, gv, ov], true);
  const [sy, sg, so] = steps;
  const Y = y.data;
  const G = dy.data;
  const out = allocate(y.dtype, y.size);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let j = 0, p = starts[0][r], q = starts[1][r]; j < inner; j++, p += sy, q += sg) dot += Y[p] * G[q];
    for (
      let j = 0, p = starts[0][r], q = starts[1][r], o = starts[2][r];
      j < inner;
      j++, p += sy, q += sg, o += so
    ) {
      out[o] = Y[p] * (G[q] - dot);
    }
  }
  return NDArray.of(out, y.shape);
}

/** log(sum(exp(x), axis)) = max + log(sum(exp(x - max))); -Infinity for an empty axis. */
export function logsumexpKernel(x: NDArray, axis: number, keepdims: boolean): NDArray {
  const ax = normalizeAxis('logsumexp', axis, x.rank);
  const outShape = reducedShape(x.shape, [ax], keepdims);
  const out = allocate(x.dtype, sizeOf(outShape));
  const xv = x.permute(axisLast(x.rank, ax));
  const { rows, inner, steps, starts } = planWalk(xv.shape, [xv], true);
  const d = steps[0];
  const src = x.data;
  for (let r = 0; r < rows; r++) {
    const p0 = starts[0][r];
    let max = -Infinity;
    for (let j = 0, p = p0; j < inner; j++, p += d) {
      const v = src[p];
      if (v > max || Number.isNaN(v)) max = v;
    }
    if (max === -Infinity || max === Infinity || Number.isNaN(max)) {
      out[r] = max;
      continue;
    }
    let sum = 0;
    for (let j = 0, p = p0; j < inner; j++, p += d) sum += Math.exp(src[p] - max);
    out[r] = max + Math.log(sum);
  }
  return NDArray.of(out, outShape);
}
