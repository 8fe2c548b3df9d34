/** GELU and its gradient composed from element-wise kernels (exact erf form or the tanh approximation). */
import type { Backend, GeluApproximate } from './backend';
import { checkFloat, checkPair } from './checks/elementwise';
import { constant } from './composed-helpers';
import type { NDArray } from './ndarray';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/** tanh(sqrt(2/pi) (x + 0.044715 x^3)), the tanh form's inner term. */
function tanhInner(be: Backend, x: NDArray): NDArray {
  const c = (v: number) => constant(v, x);
  const cube = be.binary.mul(be.unary.square(x), x);
  return be.unary.tanh(be.binary.mul(c(SQRT_2_OVER_PI), be.binary.add(x, be.binary.mul(c(A), cube))));
}

/** Phi(x) = 0.5 (1 + erf(x / sqrt 2)), the standard normal CDF. */
function normalCdf(be: Backend, x: NDArray): NDArray {
  const c = (v: number) => constant(v, x);
  return be.binary.mul(c(0.5), be.binary.add(c(1), be.unary.erf(be.binary.mul(x, c(Math.SQRT1_2)))));
}

/** gelu(x) = x Phi(x), or 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function composedGelu(be: Backend, x: NDArray, approximate: GeluApproximate): NDArray {
  checkFloat('gelu', x);
  if (approximate === 'none') return be.binary.mul(x, normalCdf(be, x));
  const half = be.binary.mul(constant(0.5, x), x);
  return be.binary.mul(half, be.binary.add(constant(1, x), tanhInner(be, x)));
}

/**
 * dx = dy * gelu'(x): exact form Phi(x) + x phi(x) with phi(x) = exp(-x^2 / 2) / sqrt(2 pi); tanh form
 * 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t the inner tanh.
 */
export function composedGeluBackward(
  be: Backend,
  x: NDArray,
  dy: NDArray,
  approximate: GeluApproximate,
): NDArray {
  checkFloat('geluBackward', x);
  checkPair('geluBackward', x, dy);
  const c = (v: number) => constant(v, x);
  const x2 = be.unary.square(x);
  let slope: NDArray;
  if (approximate === 'none') {
    const pdf = be.binary.mul(be.unary.exp(be.binary.mul(x2, c(-0.5))), c(1 / Math.sqrt(2 * Math.PI)));
    slope = be.binary.add(normalCdf(be, x), be.binary.mul(x, pdf));
  } else {
    const t = tanhInner(be, x);
    const du = be.binary.mul(c(SQRT_2_OVER_PI), be.binary.add(c(1), be.binary.mul(c(3 * A), x2)));
    const left = be.binary.mul(c(0.5), be.binary.add(c(1), t));
    const right = be.binary.mul(
      be.binary.mul(c(0.5), x),
      be.binary.mul(be.binary.sub(c(1), be.unary.square(t)), du),
    );
    slope = be.binary.add(left, right);
  }
  return be.binary.mul(dy, slope);
}
