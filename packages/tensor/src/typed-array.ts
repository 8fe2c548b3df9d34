/** Element types and the typed arrays that store them (the storage pool and dtype.ts build on these). */

/** Element types. float32 is the default everywhere; float64 exists for gradient checks; int32 for indices. */
export type DType = 'float32' | 'float64' | 'int32';

export type TypedArray = Float32Array | Float64Array | Int32Array;

/** The dtype of a typed array. */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'int32';
}
