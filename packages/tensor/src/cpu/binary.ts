/** Element-wise binary and comparison kernels on equal shapes: one tight loop per op. */
import { assertNever } from '../assert-never';
import type { BinaryOp, CompareOp } from '../backend';
import { checkPair } from '../checks/elementwise';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { planWalk } from './walk';

/** out = a (op) b element-wise; a and b may be any strided views of equal shape and dtype. */
export function binaryKernel(op: BinaryOp, a: NDArray, b: NDArray): NDArray {
  const { out, rows, inner, da, db, sa, sb, x, y } = pairWalk(op, a, b);
  switch (op) {
    case 'add':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db) out[o++] = x[p] + y[q];
      break;
    case 'sub':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db) out[o++] = x[p] - y[q];
      break;
    case 'mul':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db) out[o++] = x[p] * y[q];
      break;
    case 'div':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db) out[o++] = x[p] / y[q];
      break;
    case 'pow':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db) out[o++] = x[p] ** y[q];
      break;
    case 'maximum':
      // NaN propagates (like torch.maximum): Math.max returns NaN when either side is NaN.
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db)
          out[o++] = Math.max(x[p], y[q]);
      break;
    case 'minimum':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db)
          out[o++] = Math.min(x[p], y[q]);
      break;
    default:
      assertNever(op, 'binary kernel');
  }
  return NDArray.of(out, a.shape);
}

/** 1 where a (op) b holds, else 0, in the inputs' dtype. Comparisons with NaN are false except `ne`. */
export function compareKernel(op: CompareOp, a: NDArray, b: NDArray): NDArray {
  const { out, rows, inner, da, db, sa, sb, x, y } = pairWalk(op, a, b);
  switch (op) {
    case 'eq':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db)
          out[o++] = x[p] === y[q] ? 1 : 0;
      break;
    case 'ne':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db)
          out[o++] = x[p] !== y[q] ? 1 : 0;
      break;
    case 'lt':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db)
          out[o++] = x[p] < y[q] ? 1 : 0;
      break;
    case 'le':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db)
          out[o++] = x[p] <= y[q] ? 1 : 0;
      break;
    case 'gt':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db)
          out[o++] = x[p] > y[q] ? 1 : 0;
      break;
    case 'ge':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = sa[r], q = sb[r]; j < inner; j++, p += da, q += db)
          out[o++] = x[p] >= y[q] ? 1 : 0;
      break;
    default:
      assertNever(op, 'compare kernel');
  }
  return NDArray.of(out, a.shape);
}

/** The checks, output and joint strided walk every two-operand kernel here starts with. */
function pairWalk(op: string, a: NDArray, b: NDArray) {
  checkPair(op, a, b);
  const { rows, inner, steps, starts } = planWalk(a.shape, [a, b]);
  return {
    out: allocate(a.dtype, a.size),
    rows,
    inner,
    da: steps[0],
    db: steps[1],
    sa: starts[0],
    sb: starts[1],
    x: a.data,
    y: b.data,
  };
}
