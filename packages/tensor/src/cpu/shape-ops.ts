/**
 * Kernels that move or convert elements: copy, cast, where, concat, pad. Each writes every element of its
 * output, so outputs come 'empty' from the storage pool (pad fills its own margins).
 */
import type { Padding } from '../backend';
import { assertSameDType, assertSameShape } from '../checks/elementwise';
import { checkConcat, checkPad } from '../checks/shape-ops';
import { allocate, type DType, type TypedArray } from '../dtype';
import { NDArray } from '../ndarray';
import { contiguousStrides, sizeOf } from '../shape';
import { planWalk, type StridedOperand } from './walk';

/** Copies the elements of `x` (any view) into `dst` laid out by `dstView` (same logical shape). */
function copyInto(x: NDArray, dst: TypedArray, dstView: StridedOperand): void {
  const { rows, inner, steps, starts } = planWalk(x.shape, [x, dstView]);
  const [dx, dd] = steps;
  const src = x.data;
  for (let r = 0; r < rows; r++) {
    const p0 = starts[0][r];
    const o0 = starts[1][r];
    // Same element type and both unit-stride: a native block copy.
    if (dx === 1 && dd === 1 && src.constructor === dst.constructor)
      dst.set(src.subarray(p0, p0 + inner), o0);
    else for (let j = 0, p = p0, o = o0; j < inner; j++, p += dx, o += dd) dst[o] = src[p];
  }
}

/** Dense row-major copy with the same dtype. */
export function copyKernel(x: NDArray): NDArray {
  const out = allocate(x.dtype, x.size, 'empty');
  copyInto(x, out, { strides: contiguousStrides(x.shape), offset: 0 });
  return NDArray.of(out, x.shape);
}

/** Dense copy as `dtype`; to int32 truncates toward zero (NaN -> 0, via the Int32Array store). */
export function castKernel(x: NDArray, dtype: DType): NDArray {
  const out = allocate(dtype, x.size, 'empty');
  copyInto(x, out, { strides: contiguousStrides(x.shape), offset: 0 });
  return NDArray.of(out, x.shape);
}

/** cond != 0 ? a : b element-wise (NaN counts as true, as in torch's bool(NaN)). */
export function whereKernel(cond: NDArray, a: NDArray, b: NDArray): NDArray {
  assertSameShape('where', cond, a);
  assertSameShape('where', a, b);
  assertSameDType('where', a, b);
  const out = allocate(a.dtype, a.size, 'empty');
  const { rows, inner, steps, starts } = planWalk(a.shape, [cond, a, b]);
  const [dc, da, db] = steps;
  const C = cond.data;
  const A = a.data;
  const B = b.data;
  for (let r = 0, o = 0; r < rows; r++) {
    for (
      let j = 0, c = starts[0][r], p = starts[1][r], q = starts[2][r];
      j < inner;
      j++, c += dc, p += da, q += db
    ) {
      out[o++] = C[c] !== 0 ? A[p] : B[q];
    }
  }
  return NDArray.of(out, a.shape);
}

/** Concatenation along `axis`; every other dim and the dtype must agree. */
export function concatKernel(xs: readonly NDArray[], axis: number): NDArray {
  const { axis: ax, shape: outShape } = checkConcat(xs, axis);
  const out = allocate(xs[0].dtype, sizeOf(outShape), 'empty'); // the inputs tile the output
  const strides = contiguousStrides(outShape);
  let at = 0;
  for (const x of xs) {
    copyInto(x, out, { strides, offset: at * strides[ax] });
    at += x.shape[ax];
  }
  return NDArray.of(out, outShape);
}

/** Constant padding with one [before, after] pair (non-negative integers) per dim. */
export function padKernel(x: NDArray, pads: Padding, value: number): NDArray {
  const outShape = checkPad(x, pads);
  // Zeros come zero-filled from allocate (the common case: a slice's backward); any other value (-0 too)
  // fills storage taken as it is. Either way one pass at most before the copy.
  const zero = Object.is(value, 0);
  const out = allocate(x.dtype, sizeOf(outShape), zero ? 'zeros' : 'empty');
  if (!zero) out.fill(value);
  const strides = contiguousStrides(outShape);
  let offset = 0;
  for (let i = 0; i < x.rank; i++) offset += pads[i][0] * strides[i];
  copyInto(x, out, { strides, offset });
  return NDArray.of(out, outShape);
}
