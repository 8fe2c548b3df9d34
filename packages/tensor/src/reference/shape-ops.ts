/** Kernels that move or convert elements: copy, cast, where, concat, pad. */
import type { Padding } from '../backend';
import { assertSameDType, assertSameShape } from '../checks/elementwise';
import { checkConcat, checkPad } from '../checks/shape-ops';
import type { DType } from '../dtype';
import type { NDArray } from '../ndarray';
import { elements, indices, store } from './loops';

export function copy(x: NDArray): NDArray {
  return store(elements(x), x.shape, x.dtype);
}

/** To int32 truncates toward zero (the Int32Array store does it; NaN becomes 0). */
export function cast(x: NDArray, dtype: DType): NDArray {
  return store(elements(x), x.shape, dtype);
}

/** cond != 0 ? a : b (NaN counts as true, as torch's bool(NaN)). */
export function where(cond: NDArray, a: NDArray, b: NDArray): NDArray {
  assertSameShape('where', cond, a);
  assertSameShape('where', a, b);
  assertSameDType('where', a, b);
  const C = elements(cond);
  const A = elements(a);
  const B = elements(b);
  return store(
    C.map((c, i) => (c !== 0 ? A[i] : B[i])),
    a.shape,
    a.dtype,
  );
}

/** Each output element comes from the input whose slab along `axis` holds it. */
export function concat(xs: readonly NDArray[], axis: number): NDArray {
  const { axis: ax, shape } = checkConcat(xs, axis);
  const values = indices(shape).map((idx) => {
    let k = idx[ax];
    for (const x of xs) {
      if (k < x.shape[ax]) return x.get(...idx.map((v, d) => (d === ax ? k : v)));
      k -= x.shape[ax];
    }
    throw new Error('concat: unreachable (the output shape sums the inputs along the axis)');
  });
  return store(values, shape, xs[0].dtype);
}

/** Each output element is the input element it lands on, or `value` in the padding. */
export function pad(x: NDArray, pads: Padding, value: number): NDArray {
  const shape = checkPad(x, pads);
  const values = indices(shape).map((idx) => {
    const at = idx.map((v, d) => v - pads[d][0]);
    return at.every((v, d) => v >= 0 && v < x.shape[d]) ? x.get(...at) : value;
  });
  return store(values, shape, x.dtype);
}
