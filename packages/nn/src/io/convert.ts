/**
 * Bridges between safetensors tensors and the rest of gqa-lab, whose dtypes are float32, float64 and int32:
 * F32, F16, BF16, F8_E4M3 and F8_E5M2 become float32; F64 stays float64; BOOL (0 / 1), U8, I8, I16, U16 and
 * I32 become int32; U32, I64 and U64 become int32 when every element fits (else a RangeError naming it).
 */
import { NDArray } from '@gqa-lab/tensor';
import type { SafeTensor } from './dtypes';
import { f8e4m3ToFloat32, f8e5m2ToFloat32 } from './float8';
import { bf16BitsToFloat32, f16BitsToFloat32 } from './half-float';

/** The elements of `t` as a fresh Float32Array (64-bit integers beyond 2^24 lose precision, as in any cast). */
export function toFloat32(t: SafeTensor): Float32Array {
  const { data, dtype } = t;
  const out = new Float32Array(data.length);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  } else if (dtype === 'F16' || dtype === 'BF16' || dtype === 'F8_E4M3' || dtype === 'F8_E5M2') {
    const decode = decoderOf(dtype);
    for (let i = 0; i < data.length; i++) out[i] = decode(Number(data[i]));
  } else if (dtype === 'BOOL') {
    for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
  } else {
    out.set(data);
  }
  return out;
}

function decoderOf(dtype: 'F16' | 'BF16' | 'F8_E4M3' | 'F8_E5M2'): (bits: number) => number {
  if (dtype === 'F16') return f16BitsToFloat32;
  if (dtype === 'BF16') return bf16BitsToFloat32;
  return dtype === 'F8_E4M3' ? f8e4m3ToFloat32 : f8e5m2ToFloat32;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** A fresh NDArray holding `t`, with the dtype mapping of the module comment. */
export function toNDArray(t: SafeTensor): NDArray {
  const { data, shape, dtype } = t;
  if (data instanceof Float64Array) return NDArray.of(data.slice(), shape);
  if (data instanceof Float32Array) return NDArray.of(data.slice(), shape);
  if (dtype === 'F16' || dtype === 'BF16' || dtype === 'F8_E4M3' || dtype === 'F8_E5M2')
    return NDArray.of(toFloat32(t), shape);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = fitInt32(dtype, i, shape, data[i]);
    return NDArray.of(out, shape);
  }
  if (data instanceof Uint32Array) {
    const out = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = fitInt32(dtype, i, shape, data[i]);
    return NDArray.of(out, shape);
  }
  // BOOL, U8, I8, I16, U16, I32: every value fits int32 (BOOL bytes other than 0 / 1 are read as 1).
  if (dtype === 'BOOL')
    return NDArray.of(
      Int32Array.from(data, (b) => (b ? 1 : 0)),
      shape,
    );
  return NDArray.of(Int32Array.from(data), shape);
}

function fitInt32(dtype: string, i: number, shape: readonly number[], v: number | bigint): number {
  if (v < INT32_MIN || v > INT32_MAX)
    throw new RangeError(
      `toNDArray: ${dtype} element ${i} (${v}) of shape [${shape.join(', ')}] does not fit int32`,
    );
  return Number(v);
}

/** A SafeTensor (F32, F64 or I32, following the array's dtype) with a dense copy of `a`'s elements. */
export function fromNDArray(a: NDArray): SafeTensor {
  const shape = [...a.shape];
  const values = a.clone().data;
  if (values instanceof Float64Array) return { dtype: 'F64', shape, data: values };
  if (values instanceof Int32Array) return { dtype: 'I32', shape, data: values };
  return { dtype: 'F32', shape, data: values };
}
