/**
 * The safetensors data model: a dtype tag, a shape and the raw elements in a typed array. Every dtype of the
 * format is read and written as stored: BOOL and the float8 types keep their raw bytes in a Uint8Array,
 * F16 / BF16 their raw 16-bit patterns in a Uint16Array (see `toFloat32` / `toNDArray` for the conversions).
 */

export type SafeDType =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

export type SafeTensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  data: SafeTensorData;
}

/** Bytes per element of each dtype. */
export const SAFE_DTYPE_BYTES: Readonly<Record<SafeDType, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** True when `s` names a dtype this reader understands. */
export function isSafeDType(s: unknown): s is SafeDType {
  return typeof s === 'string' && Object.hasOwn(SAFE_DTYPE_BYTES, s);
}

/** True when `data` is the typed array that holds elements of `dtype`. */
export function dataMatchesDType(dtype: SafeDType, data: SafeTensorData): boolean {
  switch (dtype) {
    case 'BOOL':
    case 'U8':
    case 'F8_E5M2':
    case 'F8_E4M3':
      return data instanceof Uint8Array;
    case 'I8':
      return data instanceof Int8Array;
    case 'I16':
      return data instanceof Int16Array;
    case 'U16':
    case 'F16':
    case 'BF16':
      return data instanceof Uint16Array;
    case 'I32':
      return data instanceof Int32Array;
    case 'U32':
      return data instanceof Uint32Array;
    case 'F32':
      return data instanceof Float32Array;
    case 'F64':
      return data instanceof Float64Array;
    case 'I64':
      return data instanceof BigInt64Array;
    case 'U64':
      return data instanceof BigUint64Array;
  }
}

/** Views the bytes of `buffer` (length a multiple of the element size, offset 0) as `dtype` elements. */
export function typedArrayFor(dtype: SafeDType, buffer: ArrayBuffer): SafeTensorData {
  switch (dtype) {
    case 'BOOL':
    case 'U8':
    case 'F8_E5M2':
    case 'F8_E4M3':
      return new Uint8Array(buffer);
    case 'I8':
      return new Int8Array(buffer);
    case 'I16':
      return new Int16Array(buffer);
    case 'U16':
    case 'F16':
    case 'BF16':
      return new Uint16Array(buffer);
    case 'I32':
      return new Int32Array(buffer);
    case 'U32':
      return new Uint32Array(buffer);
    case 'F32':
      return new Float32Array(buffer);
    case 'F64':
      return new Float64Array(buffer);
    case 'I64':
      return new BigInt64Array(buffer);
    case 'U64':
      return new BigUint64Array(buffer);
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
