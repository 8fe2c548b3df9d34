/** Argument checks of the element-wise kernels, shared by every backend so all of them fail alike. */
import type { UnaryOp } from '../backend';
import type { NDArray } from '../ndarray';
import { formatShape } from '../shape';

/** Unary ops that are defined on int32 as well as on floats. */
export const INT_UNARY_OPS: ReadonlySet<UnaryOp> = new Set<UnaryOp>(['neg', 'abs', 'sign', 'square']);

/** Throws unless `a` and `b` have equal shapes (broadcasting happens above the backend). */
export function assertSameShape(op: string, a: NDArray, b: NDArray): void {
  const sa = a.shape;
  const sb = b.shape;
  let same = sa.length === sb.length;
  for (let i = 0; same && i < sa.length; i++) same = sa[i] === sb[i];
  if (!same) {
    throw new RangeError(
      `${op}: shapes ${formatShape(sa)} and ${formatShape(sb)} must be equal (broadcast with expand first)`,
    );
  }
}

/** Throws unless `a` and `b` share a dtype. */
export function assertSameDType(op: string, a: NDArray, b: NDArray): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `${op}: dtypes ${a.dtype} and ${b.dtype} must be equal (shapes ${formatShape(a.shape)} and ${formatShape(b.shape)})`,
    );
  }
}

/** Equal shapes and dtypes: the check every two-operand element-wise kernel starts with. */
export function checkPair(op: string, a: NDArray, b: NDArray): void {
  assertSameShape(op, a, b);
  assertSameDType(op, a, b);
}

/** Throws for int32 input to a float-only unary op. */
export function checkUnaryDType(op: UnaryOp, x: NDArray): void {
  if (x.dtype === 'int32' && !INT_UNARY_OPS.has(op)) {
    throw new TypeError(
      `${op}: int32 input ${formatShape(x.shape)} is not supported (float32 or float64 only)`,
    );
  }
}

/** Throws for int32 input to a float-only kernel (gelu and its backward). */
export function checkFloat(op: string, x: NDArray): void {
  if (x.dtype === 'int32') throw new TypeError(`${op}: int32 input ${formatShape(x.shape)} is not supported`);
}
