import { logAllocation, takePooled } from './storage-pool';

/** Element types. float32 is the default everywhere; float64 exists for gradient checks; int32 for indices. */
export type DType = 'float32' | 'float64' | 'int32';

export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Allocates zero-filled storage of `n` elements for `dtype` (a recycled array when one waits: storage-pool.ts). */
export function allocate(dtype: DType, n: number): TypedArray {
  const data = takePooled(dtype, n) ?? fresh(dtype, n);
  logAllocation(data);
  return data;
}

function fresh(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
  }
}

/** The dtype of a typed array. */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'int32';
}

/** Bytes per element. */
export function bytesPer(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/** Result dtype of a binary op: float64 wins over float32, any float wins over int32. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}
