/** Small pieces the composed fallbacks share: constants shaped like an array, and reduction shapes. */
import { NDArray } from './ndarray';

/** `value` as a stride-0 view of x's shape and dtype (int32 stays int32). */
export function constant(value: number, x: NDArray): NDArray {
  const one =
    x.dtype === 'float64'
      ? Float64Array.of(value)
      : x.dtype === 'int32'
        ? Int32Array.of(value)
        : Float32Array.of(value);
  return NDArray.of(one, []).expand(x.shape);
}

/** x's shape with `axis` set to 1 (a keepdims reduction over it). */
export function keptShape(x: NDArray, axis: number): number[] {
  return x.shape.map((d, i) => (i === axis ? 1 : d));
}
