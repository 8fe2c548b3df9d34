/** Element-wise kernels: each op is one formula on float64 numbers, applied to every element. */
import type { BinaryOp, CompareOp, GeluApproximate, UnaryOp } from '../backend';
import { checkFloat, checkPair, checkUnaryDType } from '../checks/elementwise';
import type { NDArray } from '../ndarray';
import { referenceErf } from './erf';
import { elements, store } from './loops';

/** y = f(x) for each unary op. */
export const UNARY_FORMULAS: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sqrt: (x) => Math.sqrt(x),
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  erf: referenceErf,
  sign: (x) => Math.sign(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
};

/** y = a (op) b for each binary op (NaN propagates through maximum / minimum, as in torch). */
export const BINARY_FORMULAS: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
};

/** 1 where a (op) b holds, else 0 (any comparison with NaN is false, except `ne`). */
export const COMPARE_FORMULAS: Record<CompareOp, (a: number, b: number) => number> = {
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/** gelu(x) = x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), or its tanh approximation. */
export function geluFormula(x: number, approximate: GeluApproximate): number {
  if (approximate === 'tanh') return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_A * x ** 3)));
  return 0.5 * x * (1 + referenceErf(x / Math.SQRT2));
}

/** gelu'(x): Phi(x) + x phi(x), or the derivative of the tanh form. */
export function geluDerivative(x: number, approximate: GeluApproximate): number {
  if (approximate === 'tanh') {
    const t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_A * x ** 3));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_A * x * x);
  }
  const pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  return 0.5 * (1 + referenceErf(x / Math.SQRT2)) + x * pdf;
}

export function unary(op: UnaryOp, x: NDArray): NDArray {
  checkUnaryDType(op, x);
  return store(elements(x).map(UNARY_FORMULAS[op]), x.shape, x.dtype);
}

export function binary(op: BinaryOp, a: NDArray, b: NDArray): NDArray {
  checkPair(op, a, b);
  const B = elements(b);
  return store(
    elements(a).map((v, i) => BINARY_FORMULAS[op](v, B[i])),
    a.shape,
    a.dtype,
  );
}

export function compare(op: CompareOp, a: NDArray, b: NDArray): NDArray {
  checkPair(op, a, b);
  const B = elements(b);
  return store(
    elements(a).map((v, i) => COMPARE_FORMULAS[op](v, B[i])),
    a.shape,
    a.dtype,
  );
}

export function gelu(x: NDArray, approximate: GeluApproximate): NDArray {
  checkFloat('gelu', x);
  return store(
    elements(x).map((v) => geluFormula(v, approximate)),
    x.shape,
    x.dtype,
  );
}

export function geluBackward(x: NDArray, dy: NDArray, approximate: GeluApproximate): NDArray {
  checkFloat('geluBackward', x);
  checkPair('geluBackward', x, dy);
  const G = elements(dy);
  return store(
    elements(x).map((v, i) => G[i] * geluDerivative(v, approximate)),
    x.shape,
    x.dtype,
  );
}
