/**
 * The safetensors data model: a dtype tag, a shape and the raw elements in a typed array.
 * Half-precision dtypes (F16, BF16) keep their raw 16-bit patterns in a Uint16Array; see `toFloat32`.
 */

export type SafeDType = 'F32' | 'F16' | 'BF16' | 'F64' | 'I32' | 'I64' | 'U8';

export type SafeTensorData =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint8Array
  | BigInt64Array
  | Uint16Array;

export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  data: SafeTensorData;
}

/** Bytes per element of each dtype. */
export const SAFE_DTYPE_BYTES: Readonly<Record<SafeDType, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I32: 4,
  I64: 8,
  U8: 1,
};

/** True when `s` names a dtype this reader understands. */
export function isSafeDType(s: unknown): s is SafeDType {
  return typeof s === 'string' && Object.hasOwn(SAFE_DTYPE_BYTES, s);
}

/** True when `data` is the typed array that holds elements of `dtype`. */
export function dataMatchesDType(dtype: SafeDType, data: SafeTensorData): boolean {
  switch (dtype) {
    case 'F32':
      return data instanceof Float32Array;
    case 'F16':
    case 'BF16':
      return data instanceof Uint16Array;
    case 'F64':
      return data instanceof Float64Array;
    case 'I32':
      return data instanceof Int32Array;
    case 'I64':
      return data instanceof BigInt64Array;
    case 'U8':
      return data instanceof Uint8Array;
  }
}

/** Views the bytes of `buffer` (length a multiple of the element size, offset 0) as `dtype` elements. */
export function typedArrayFor(dtype: SafeDType, buffer: ArrayBuffer): SafeTensorData {
  switch (dtype) {
    case 'F32':
      return new Float32Array(buffer);
    case 'F16':
    case 'BF16':
      return new Uint16Array(buffer);
    case 'F64':
      return new Float64Array(buffer);
    case 'I32':
      return new Int32Array(buffer);
    case 'I64':
      return new BigInt64Array(buffer);
    case 'U8':
      return new Uint8Array(buffer);
  }
}

/** Element count of a shape (1 for rank 0). Callers validate the shape first. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True on little-endian hosts; safetensors is little-endian and we copy typed-array bytes as they are. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
