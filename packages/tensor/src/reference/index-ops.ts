/** gather / scatterAdd (torch semantics) and indexSelect / indexAdd, one output element at a time. */
import {
  checkGather,
  checkIndexAdd,
  checkIndexVector,
  checkScatterAdd,
  outOfRange,
} from '../checks/index-ops';
import type { NDArray } from '../ndarray';
import { normalizeAxis, sizeOf } from '../shape';
import { flatIndex, indices, store } from './loops';

/** index value i, checked against the axis size. */
function checked(op: string, i: number, axis: number, size: number): number {
  if (i < 0 || i >= size) throw outOfRange(op, i, axis, size);
  return i;
}

/** out[..i..] = x[..index[..i..] along axis..]; out has index's shape. */
export function gather(x: NDArray, axis: number, index: NDArray): NDArray {
  const ax = checkGather(x, axis, index);
  const values = indices(index.shape).map((idx) => {
    const i = checked('gather', index.get(...idx), ax, x.shape[ax]);
    return x.get(...idx.map((v, d) => (d === ax ? i : v)));
  });
  return store(values, index.shape, x.dtype);
}

/** zeros(shape), then out[..index[..i..] along axis..] += src[..i..]; sums in float64. */
export function scatterAdd(shape: readonly number[], axis: number, index: NDArray, src: NDArray): NDArray {
  const ax = checkScatterAdd(shape, axis, index, src);
  const acc = new Array<number>(sizeOf(shape)).fill(0);
  for (const idx of indices(src.shape)) {
    const i = checked('scatterAdd', index.get(...idx), ax, shape[ax]);
    acc[
      flatIndex(
        shape,
        idx.map((v, d) => (d === ax ? i : v)),
      )
    ] += src.get(...idx);
  }
  return store(acc, shape, src.dtype);
}

/** The slices x[index[0]], x[index[1]], ... along axis. */
export function indexSelect(x: NDArray, axis: number, index: NDArray): NDArray {
  const ax = normalizeAxis('indexSelect', axis, x.rank);
  checkIndexVector('indexSelect', index);
  const shape = x.shape.map((d, i) => (i === ax ? index.shape[0] : d));
  const values = indices(shape).map((idx) => {
    const i = checked('indexSelect', index.get(idx[ax]), ax, x.shape[ax]);
    return x.get(...idx.map((v, d) => (d === ax ? i : v)));
  });
  return store(values, shape, x.dtype);
}

/** zeros(shape), then out[index[i] along axis] += src[i along axis]; sums in float64. */
export function indexAdd(shape: readonly number[], axis: number, index: NDArray, src: NDArray): NDArray {
  const ax = checkIndexAdd(shape, axis, index, src);
  checkIndexVector('indexAdd', index);
  const acc = new Array<number>(sizeOf(shape)).fill(0);
  for (const idx of indices(src.shape)) {
    const i = checked('indexAdd', index.get(idx[ax]), ax, shape[ax]);
    acc[
      flatIndex(
        shape,
        idx.map((v, d) => (d === ax ? i : v)),
      )
    ] += src.get(...idx);
  }
  return store(acc, shape, src.dtype);
}
