import { logAllocation, takePooled } from './storage-pool';
import type { DType, TypedArray } from './typed-array';

export { type DType, dtypeOf, type TypedArray } from './typed-array';

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

/** Result dtype of a binary op: float64 wins over float32, any float wins over int32. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}
