/**
 * gather / scatterAdd (torch semantics) and indexSelect / indexAdd. indexSelect and indexAdd are the
 * same walks with the 1-d index expanded (stride 0) over the other dims, so there are two cores.
 * Every index is checked: out of range -> RangeError naming the kernel, the value, the axis and its size.
 */

import {
  checkGather,
  checkIndexAdd,
  checkIndexVector,
  checkScatterAdd,
  outOfRange,
} from '../checks/index-ops';
import { allocate, type DType } from '../dtype';
import { NDArray } from '../ndarray';
import { contiguousStrides, normalizeAxis, type Shape, sizeOf } from '../shape';
import type { View } from '../view';
import { planWalk } from './walk';

/** out[i] = x[i with i[axis] replaced by index[i]], over the shape of `index`. */
function gatherCore(
  op: string,
  x: NDArray,
  axis: number,
  index: View & { data: Int32Array | Float32Array | Float64Array },
  outShape: Shape,
): NDArray {
  const out = allocate(x.dtype, sizeOf(outShape));
  const xStrides = [...x.strides];
  const axisStride = xStrides[axis];
  xStrides[axis] = 0;
  const n = x.shape[axis];
  const { rows, inner, steps, starts } = planWalk(outShape, [index, { strides: xStrides, offset: x.offset }]);
  const [di, dx] = steps;
  const I = index.data;
  const X = x.data;
  for (let r = 0, o = 0; r < rows; r++) {
    for (let j = 0, p = starts[0][r], q = starts[1][r]; j < inner; j++, p += di, q += dx) {
      const v = I[p];
      if (v < 0 || v >= n) throw outOfRange(op, v, axis, n);
      out[o++] = X[q + v * axisStride];
    }
  }
  return NDArray.of(out, outShape);
}

/** zeros(shape) then out[i with i[axis] replaced by index[i]] += src[i], over src's shape; float64 sums. */
function scatterCore(
  op: string,
  shape: Shape,
  axis: number,
  index: View & { data: Int32Array | Float32Array | Float64Array },
  src: NDArray,
  dtype: DType,
): NDArray {
  const acc = new Float64Array(sizeOf(shape));
  const outStrides = contiguousStrides(shape);
  const axisStride = outStrides[axis];
  outStrides[axis] = 0;
  const n = shape[axis];
  const { rows, inner, steps, starts } = planWalk(src.shape, [
    index,
    src,
    { strides: outStrides, offset: 0 },
  ]);
  const [di, ds, dout] = steps;
  const I = index.data;
  const S = src.data;
  for (let r = 0; r < rows; r++) {
    for (
      let j = 0, p = starts[0][r], q = starts[1][r], o = starts[2][r];
      j < inner;
      j++, p += di, q += ds, o += dout
    ) {
      const v = I[p];
      if (v < 0 || v >= n) throw outOfRange(op, v, axis, n);
      acc[o + v * axisStride] += S[q];
    }
  }
  const out = allocate(dtype, acc.length);
  out.set(acc);
  return NDArray.of(out, shape);
}

/** torch.gather: out has index's shape; out[..i..] = x[..index[..i..] along axis..]. */
export function gatherKernel(x: NDArray, axis: number, index: NDArray): NDArray {
  const ax = checkGather(x, axis, index);
  return gatherCore('gather', x, ax, index, index.shape);
}

/** torch.scatter_add into zeros(shape); index and src have one shape. */
export function scatterAddKernel(
  shape: readonly number[],
  axis: number,
  index: NDArray,
  src: NDArray,
): NDArray {
  const ax = checkScatterAdd(shape, axis, index, src);
  return scatterCore('scatterAdd', shape, ax, index, src, src.dtype);
}

/** A 1-d index seen as an array of `shape`, varying only along `axis` (stride 0 elsewhere). */
function expandIndex(
  op: string,
  index: NDArray,
  shape: Shape,
  axis: number,
): View & { data: Int32Array | Float32Array | Float64Array } {
  checkIndexVector(op, index);
  const strides = shape.map((_, d) => (d === axis ? index.strides[0] : 0));
  return { data: index.data, shape, strides, offset: index.offset };
}

/** torch.index_select: the slices index[0], index[1], ... of x along axis. */
export function indexSelectKernel(x: NDArray, axis: number, index: NDArray): NDArray {
  const ax = normalizeAxis('indexSelect', axis, x.rank);
  const outShape = [...x.shape];
  outShape[ax] = index.shape[0] ?? 0;
  return gatherCore('indexSelect', x, ax, expandIndex('indexSelect', index, outShape, ax), outShape);
}

/** torch.index_add into zeros(shape): out[index[i] along axis] += src[i along axis]. */
export function indexAddKernel(
  shape: readonly number[],
  axis: number,
  index: NDArray,
  src: NDArray,
): NDArray {
  const ax = checkIndexAdd(shape, axis, index, src);
  return scatterCore('indexAdd', shape, ax, expandIndex('indexAdd', index, src.shape, ax), src, src.dtype);
}
