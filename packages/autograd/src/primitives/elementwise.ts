/**
 * Element-wise primitives on equal shapes (broadcasting happens in ops.ts through `expand`).
 * Each forward is one backend kernel; each backward is one or two lines of public ops.
 */
import type { BinaryOp, CompareOp, UnaryOp } from '@gqa-lab/tensor';
import type { GradOps } from '../grad-ops';
import { type BackwardContext, definePrimitive, type Primitive } from '../primitive';
import type { Tensor } from '../tensor';

type UnaryGrad = (op: GradOps, g: Tensor, x: Tensor, y: Tensor) => Tensor | null;

function unary(name: UnaryOp, grad: UnaryGrad): Primitive<undefined> {
  return definePrimitive({
    name,
    forward: ([x], _a, backend) => backend.unary[name](x),
    backward: (g, { inputs: [x], output: y, op }) => [grad(op, g, x, y)],
  });
}

const SQRT_2_OVER_PI = 2 / Math.sqrt(Math.PI);

export const negP = unary('neg', (op, g) => op.neg(g));
export const absP = unary('abs', (op, g, x) => op.mul(g, op.sign(x)));
export const expP = unary('exp', (op, g, _x, y) => op.mul(g, y));
export const logP = unary('log', (op, g, x) => op.div(g, x));
export const sqrtP = unary('sqrt', (op, g, _x, y) => op.div(g, op.mul(y, 2)));
// d/dx x^-1/2 = -1/2 x^-3/2 = -y / (2x)
export const rsqrtP = unary('rsqrt', (op, g, x, y) => op.mul(g, op.div(op.mul(y, -0.5), x)));
export const sinP = unary('sin', (op, g, x) => op.mul(g, op.cos(x)));
export const cosP = unary('cos', (op, g, x) => op.neg(op.mul(g, op.sin(x))));
export const tanhP = unary('tanh', (op, g, _x, y) => op.mul(g, op.sub(1, op.square(y))));
export const sigmoidP = unary('sigmoid', (op, g, _x, y) => op.mul(g, op.mul(y, op.sub(1, y))));
export const reluP = unary('relu', (op, g, x) => op.mul(g, op.gt(x, 0)));
export const erfP = unary('erf', (op, g, x) =>
  op.mul(g, op.mul(op.exp(op.neg(op.square(x))), SQRT_2_OVER_PI)),
);
export const signP = unary('sign', () => null);
export const squareP = unary('square', (op, g, x) => op.mul(g, op.mul(x, 2)));
export const reciprocalP = unary('reciprocal', (op, g, _x, y) => op.neg(op.mul(g, op.square(y))));

type BinaryGrad = (g: Tensor, ctx: BackwardContext<undefined>) => [Tensor | null, Tensor | null];

function binary(name: BinaryOp, grad: BinaryGrad): Primitive<undefined> {
  return definePrimitive({
    name,
    forward: ([a, b], _a, backend) => backend.binary[name](a, b),
    backward: (g, ctx) => grad(g, ctx),
  });
}

export const addP = binary('add', (g) => [g, g]);
export const subP = binary('sub', (g, { op }) => [g, op.neg(g)]);
export const mulP = binary('mul', (g, { inputs: [a, b], op }) => [op.mul(g, b), op.mul(g, a)]);
export const divP = binary('div', (g, { inputs: [, b], output: y, op }) => [
  op.div(g, b),
  op.neg(op.div(op.mul(g, y), b)),
]);
// d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log a, taken as 0 where a == 0 and b >= 0 (as PyTorch does).
export const powP = binary('pow', (g, { inputs: [a, b], output: y, op }) => [
  op.mul(g, op.mul(b, op.pow(a, op.sub(b, 1)))),
  op.mul(g, op.where(op.mul(op.eq(a, 0), op.ge(b, 0)), 0, op.mul(y, op.log(a)))),
]);
// At ties the gradient is split evenly between the two inputs (PyTorch's convention).
export const maximumP = binary('maximum', (g, { inputs: [a, b], op }) => {
  const toA = op.add(op.gt(a, b), op.mul(op.eq(a, b), 0.5));
  return [op.mul(g, toA), op.mul(g, op.sub(1, toA))];
});
export const minimumP = binary('minimum', (g, { inputs: [a, b], op }) => {
  const toA = op.add(op.lt(a, b), op.mul(op.eq(a, b), 0.5));
  return [op.mul(g, toA), op.mul(g, op.sub(1, toA))];
});

function compare(name: CompareOp): Primitive<undefined> {
  return definePrimitive({ name, forward: ([a, b], _a, backend) => backend.compare[name](a, b) });
}

export const eqP = compare('eq');
export const neP = compare('ne');
export const ltP = compare('lt');
export const leP = compare('le');
export const gtP = compare('gt');
export const geP = compare('ge');
