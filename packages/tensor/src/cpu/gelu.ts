/**
 * GELU and its gradient as single passes (the composite form takes five element-wise passes forward
 * and about ten backward). Math in float64, stored in the input dtype.
 */
import type { GeluApproximate } from '../backend';
import { checkFloat, checkPair } from '../checks/elementwise';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { erf, geluExactDerivative } from './erf';
import { planWalk } from './walk';

const SQRT1_2 = Math.SQRT1_2;
const C = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/** gelu(x) = 0.5 x (1 + erf(x / sqrt 2)), or 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function geluKernel(x: NDArray, approximate: GeluApproximate): NDArray {
  checkFloat('gelu', x);
  const out = allocate(x.dtype, x.size);
  const { rows, inner, steps, starts } = planWalk(x.shape, [x]);
  const s = steps[0];
  const src = x.data;
  // One loop per form: the per-element work stays branch-free.
  if (approximate === 'none') {
    for (let r = 0, o = 0; r < rows; r++) {
      for (let j = 0, p = starts[0][r]; j < inner; j++, p += s) {
        const v = src[p];
        out[o++] = 0.5 * v * (1 + erf(v * SQRT1_2));
      }
    }
  } else {
    for (let r = 0, o = 0; r < rows; r++) {
      for (let j = 0, p = starts[0][r]; j < inner; j++, p += s) {
        const v = src[p];
        out[o++] = 0.5 * v * (1 + Math.tanh(C * (v + A * v * v * v)));
      }
    }
  }
  return NDArray.of(out, x.shape);
}

/**
 * dx = dy * gelu'(x): exact form Phi(x) + x phi(x); tanh form 0.5 (1 + t) + 0.5 x (1 - t^2) u' with
 * t = tanh(u), u = sqrt(2/pi) (x + 0.044715 x^3).
 */
export function geluBackwardKernel(x: NDArray, dy: NDArray, approximate: GeluApproximate): NDArray {
  checkFloat('geluBackward', x);
  checkPair('geluBackward', x, dy);
  const out = allocate(x.dtype, x.size);
  const { rows, inner, steps, starts } = planWalk(x.shape, [x, dy]);
  const [sx, sg] = steps;
  const X = x.data;
  const G = dy.data;
  if (approximate === 'none') {
    for (let r = 0, o = 0; r < rows; r++) {
      for (let j = 0, p = starts[0][r], q = starts[1][r]; j < inner; j++, p += sx, q += sg)
        out[o++] = G[q] * geluExactDerivative(X[p]);
    }
  } else {
    for (let r = 0, o = 0; r < rows; r++) {
      for (let j = 0, p = starts[0][r], q = starts[1][r]; j < inner; j++, p += sx, q += sg) {
        const v = X[p];
        const t = Math.tanh(C * (v + A * v * v * v));
        out[o++] = G[q] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * C * (1 + 3 * A * v * v));
      }
    }
  }
  return NDArray.of(out, x.shape);
}
