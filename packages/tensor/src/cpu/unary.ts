/** Element-wise unary kernels: one tight loop per op, over rows of a strided walk. */
import { assertNever } from '../assert-never';
import type { UnaryOp } from '../backend';
import { checkUnaryDType } from '../checks/elementwise';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { erf } from './erf';
import { planWalk } from './walk';

/** y = op(x) element-wise; any strided view in, dense array of x's dtype out. */
export function unaryKernel(op: UnaryOp, x: NDArray): NDArray {
  checkUnaryDType(op, x);
  const out = allocate(x.dtype, x.size);
  const { rows, inner, steps, starts } = planWalk(x.shape, [x]);
  const s = steps[0];
  const st = starts[0];
  const src = x.data;
  switch (op) {
    case 'neg':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = -src[p];
      break;
    case 'abs':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = Math.abs(src[p]);
      break;
    case 'exp':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = Math.exp(src[p]);
      break;
    case 'log':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = Math.log(src[p]);
      break;
    case 'sqrt':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = Math.sqrt(src[p]);
      break;
    case 'rsqrt':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = 1 / Math.sqrt(src[p]);
      break;
    case 'sin':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = Math.sin(src[p]);
      break;
    case 'cos':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = Math.cos(src[p]);
      break;
    case 'tanh':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = Math.tanh(src[p]);
      break;
    case 'sigmoid':
      // Two branches so exp never overflows: for v < 0 use e^v / (1 + e^v).
      for (let r = 0, o = 0; r < rows; r++) {
        for (let j = 0, p = st[r]; j < inner; j++, p += s) {
          const v = src[p];
          if (v >= 0) out[o++] = 1 / (1 + Math.exp(-v));
          else {
            const e = Math.exp(v);
            out[o++] = e / (1 + e);
          }
        }
      }
      break;
    case 'relu':
      // v > 0 ? v : 0 keeps NaN as NaN only via the comparison order below.
      for (let r = 0, o = 0; r < rows; r++) {
        for (let j = 0, p = st[r]; j < inner; j++, p += s) {
          const v = src[p];
          out[o++] = v > 0 ? v : Number.isNaN(v) ? v : 0;
        }
      }
      break;
    case 'erf':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = erf(src[p]);
      break;
    case 'sign':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = Math.sign(src[p]);
      break;
    case 'square':
      for (let r = 0, o = 0; r < rows; r++) {
        for (let j = 0, p = st[r]; j < inner; j++, p += s) {
          const v = src[p];
          out[o++] = v * v;
        }
      }
      break;
    case 'reciprocal':
      for (let r = 0, o = 0; r < rows; r++)
        for (let j = 0, p = st[r]; j < inner; j++, p += s) out[o++] = 1 / src[p];
      break;
    default:
      assertNever(op, 'unary kernel');
  }
  return NDArray.of(out, x.shape);
}
