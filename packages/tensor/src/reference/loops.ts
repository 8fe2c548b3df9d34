/**
 * The few helpers every reference kernel is written with: read a view's elements in row-major order as
 * float64 numbers, walk every multi-index of a shape, and store computed numbers as a fresh dense array.
 */
import { allocate, type DType } from '../dtype';
import { NDArray } from '../ndarray';
import { sizeOf } from '../shape';

/** Every multi-index of `shape`, in row-major order. */
export function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const n = sizeOf(shape);
  for (let flat = 0; flat < n; flat++) {
    const idx = new Array<number>(shape.length);
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
    }
    out.push(idx);
  }
  return out;
}

/** Row-major position of a multi-index in `shape`. */
export function flatIndex(shape: readonly number[], idx: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
  return f;
}

/**
 * The logical elements of any view (strided, expanded, offset), row-major, as float64 numbers: each read by
 * its multi-index through the view's strides (NDArray.get), independently of the copying code in view.ts.
 */
export function elements(x: NDArray): number[] {
  return indices(x.shape).map((idx) => x.get(...idx));
}

/** A fresh dense array of `shape` and `dtype` holding `values` (row-major; stored with the dtype's rounding). */
export function store(values: readonly number[], shape: readonly number[], dtype: DType): NDArray {
  const data = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i];
  return NDArray.of(data, shape);
}
