import { isSharedStorage, logAllocation, takePooled } from './storage-pool';
import { type DType, dtypeOf, type TypedArray } from './typed-array';

export { type DType, dtypeOf, type TypedArray } from './typed-array';

/**
 * What a new array holds: zeros, or (like torch.empty) whatever a recycled array held before, for outputs
 * whose every element the caller writes (it saves a pass over the memory).
 */
export type Contents = 'zeros' | 'empty';

/** Allocates storage of `n` elements for `dtype` (a recycled array when one waits: storage-pool.ts). */
export function allocate(dtype: 'float32', n: number, contents?: Contents): Float32Array;
export function allocate(dtype: DType, n: number, contents?: Contents): TypedArray;
export function allocate(dtype: DType, n: number, contents: Contents = 'zeros'): TypedArray {
  const data = takePooled(dtype, n, false, contents === 'zeros') ?? fresh(dtype, n, false);
  logAllocation(data);
  return data;
}

/**
 * Storage of `n` elements on a SharedArrayBuffer, which the worker pool's threads read and
 * write in place: the pool's results live there, so a job needs no copy out (nor a copy in, for operands
 * that are earlier results).
 */
export function allocateShared(dtype: 'float32', n: number, contents?: Contents): Float32Array;
export function allocateShared(dtype: DType, n: number, contents?: Contents): TypedArray;
export function allocateShared(dtype: DType, n: number, contents: Contents = 'zeros'): TypedArray {
  const data = takePooled(dtype, n, true, contents === 'zeros') ?? fresh(dtype, n, true);
  logAllocation(data);
  return data;
}

/** `data` itself when it is on a SharedArrayBuffer, else a shared copy of it. */
export function sharedCopyOf(data: Float32Array): Float32Array;
export function sharedCopyOf(data: TypedArray): TypedArray;
export function sharedCopyOf(data: TypedArray): TypedArray {
  if (isSharedStorage(data)) return data;
  const copy = allocateShared(dtypeOf(data), data.length, 'empty');
  copy.set(data);
  return copy;
}

function fresh(dtype: DType, n: number, shared: boolean): TypedArray {
  const bytes = (dtype === 'float64' ? 8 : 4) * n;
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
  }
}

/** Result dtype of a binary op: float64 wins over float32, any float wins over int32. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}
