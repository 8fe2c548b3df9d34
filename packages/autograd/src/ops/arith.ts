/** Element-wise public ops with NumPy broadcasting and number operands (`add(x, 1)`). */
import { broadcastShapes, NDArray, shapesEqual } from '@gqa-lab/tensor';
import type { Primitive } from '../primitive';
import * as P from '../primitives/elementwise';
import { whereP } from '../primitives/indexing';
import type { Tensor } from '../tensor';
import { alignOperands, expandTo, lift, type TensorLike } from './lift';

function binary(name: string, prim: Primitive<undefined>) {
  return (a: TensorLike, b: TensorLike): Tensor => prim(alignOperands(name, [a, b]), undefined);
}

export const add = binary('add', P.addP);
export const sub = binary('sub', P.subP);
export const mul = binary('mul', P.mulP);
export const div = binary('div', P.divP);
export const pow = binary('pow', P.powP);
export const maximum = binary('maximum', P.maximumP);
export const minimum = binary('minimum', P.minimumP);
/** Comparisons give 1 / 0 in the operands' dtype and carry no gradient. */
export const eq = binary('eq', P.eqP);
export const ne = binary('ne', P.neP);
export const lt = binary('lt', P.ltP);
export const le = binary('le', P.leP);
export const gt = binary('gt', P.gtP);
export const ge = binary('ge', P.geP);

function unary(prim: Primitive<undefined>) {
  return (x: Tensor): Tensor => prim([x], undefined);
}

export const neg = unary(P.negP);
export const abs = unary(P.absP);
export const exp = unary(P.expP);
export const log = unary(P.logP);
export const sqrt = unary(P.sqrtP);
export const rsqrt = unary(P.rsqrtP);
export const sin = unary(P.sinP);
export const cos = unary(P.cosP);
export const tanh = unary(P.tanhP);
export const sigmoid = unary(P.sigmoidP);
export const relu = unary(P.reluP);
export const erf = unary(P.erfP);
export const sign = unary(P.signP);
export const square = unary(P.squareP);
export const reciprocal = unary(P.reciprocalP);

/** cond != 0 ? a : b, broadcasting all three; `cond` is a constant (no gradient) and does not affect the dtype. */
export function where(cond: Tensor | NDArray, a: TensorLike, b: TensorLike): Tensor {
  const c = cond instanceof NDArray ? cond : cond.data;
  const [aa, bb] = alignOperands('where', [a, b]);
  const shape = broadcastShapes('where', c.shape, aa.shape);
  return whereP([expandTo(aa, shape), expandTo(bb, shape)], {
    cond: shapesEqual(c.shape, shape) ? c : c.expand(shape),
  });
}

/** Limits x to [min, max]; the gradient passes where min <= x <= max (PyTorch's clamp). */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  let out = x;
  if (min !== undefined) out = where(lt(x, min), lift(min, x.dtype), out);
  if (max !== undefined) out = where(gt(x, max), lift(max, x.dtype), out);
  return out;
}

/** x with `value` wherever mask != 0 (mask broadcasts against x). */
export function maskedFill(x: Tensor, mask: Tensor | NDArray, value: number): Tensor {
  return where(mask, value, x);
}
