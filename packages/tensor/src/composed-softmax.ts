/**
 * softmax, its backward and logsumexp along one axis composed from basic kernels (reduce, element-wise):
 * the fallback of a backend without fused row kernels.
 */
import type { Backend } from './backend';
import { checkPair } from './checks/elementwise';
import { constant } from './composed-helpers';
import { NDArray } from './ndarray';
import { normalizeAxis, reducedShape } from './shape';

/** exp(x - max) / sum(exp(x - max)) along `axis` (an empty axis gives an empty result). */
export function composedSoftmax(be: Backend, x: NDArray, axis: number): NDArray {
  const ax = normalizeAxis('softmax', axis, x.rank);
  if (x.shape[ax] === 0) return be.copy(x);
  const max = be.reduce.max(x, [ax], true).expand(x.shape);
  const e = be.unary.exp(be.binary.sub(x, max));
  return be.binary.div(e, be.reduce.sum(e, [ax], true).expand(x.shape));
}

/** dx = y * (dy - sum(dy * y)) along `axis`. */
export function composedSoftmaxBackward(be: Backend, y: NDArray, dy: NDArray, axis: number): NDArray {
  checkPair('softmaxBackward', y, dy);
  const ax = normalizeAxis('softmaxBackward', axis, y.rank);
  const dot = be.reduce.sum(be.binary.mul(dy, y), [ax], true).expand(y.shape);
  return be.binary.mul(y, be.binary.sub(dy, dot));
}

/**
 * log(sum(exp(x))) = m + log(sum(exp(x - m))) with m the row max where it is finite (else 0, so an all
 * -Infinity row gives -Infinity and a +Infinity or NaN row gives itself); an empty axis gives -Infinity.
 */
export function composedLogsumexp(be: Backend, x: NDArray, axis: number, keepdims: boolean): NDArray {
  const ax = normalizeAxis('logsumexp', axis, x.rank);
  const outShape = reducedShape(x.shape, [ax], keepdims);
  if (x.shape[ax] === 0) {
    return be.copy(constant(Number.NEGATIVE_INFINITY, NDArray.empty(outShape, x.dtype)));
  }
  const max = be.reduce.max(x, [ax], true); // (..., 1, ...)
  const finite = be.compare.lt(be.unary.abs(max), constant(Number.POSITIVE_INFINITY, max));
  const shift = be.where(finite, max, constant(0, max));
  const sum = be.reduce.sum(be.unary.exp(be.binary.sub(x, shift.expand(x.shape))), [ax], true);
  const lse = be.binary.add(be.unary.log(sum), shift); // x.shape with axis 1
  return keepdims ? lse : lse.reshape(outShape);
}
