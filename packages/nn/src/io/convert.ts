/**
 * Bridges between safetensors tensors and the rest of gqa-lab: plain float32 values, and NDArray.
 */
import { NDArray } from '@gqa-lab/tensor';
import type { SafeTensor } from './dtypes';
import { bf16BitsToFloat32, f16BitsToFloat32 } from './half-float';

/** The elements of `t` as a fresh Float32Array (I64 values beyond 2^24 lose precision, as in any cast). */
export function toFloat32(t: SafeTensor): Float32Array {
  const { data } = t;
  const out = new Float32Array(data.length);
  if (data instanceof BigInt64Array) {
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  } else if (data instanceof Uint16Array) {
    const decode = t.dtype === 'BF16' ? bf16BitsToFloat32 : f16BitsToFloat32;
    for (let i = 0; i < data.length; i++) out[i] = decode(data[i]);
  } else {
    out.set(data);
  }
  return out;
}

/**
 * A fresh NDArray holding `t`: F64 stays float64; I32, U8 and (range-checked) I64 become int32;
 * F32, F16 and BF16 become float32.
 */
export function toNDArray(t: SafeTensor): NDArray {
  const { data, shape } = t;
  if (data instanceof Float64Array) return NDArray.of(data.slice(), shape);
  if (data instanceof Int32Array || data instanceof Uint8Array)
    return NDArray.of(Int32Array.from(data), shape);
  if (data instanceof BigInt64Array) {
    const out = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < -2147483648n || v > 2147483647n) {
        throw new RangeError(
          `toNDArray: I64 element ${i} (${v}) of shape [${shape.join(', ')}] does not fit int32`,
        );
      }
      out[i] = Number(v);
    }
    return NDArray.of(out, shape);
  }
  return NDArray.of(toFloat32(t), shape);
}

/** A SafeTensor (F32, F64 or I32, following the array's dtype) with a dense copy of `a`'s elements. */
export function fromNDArray(a: NDArray): SafeTensor {
  const shape = [...a.shape];
  const values = a.clone().data;
  if (values instanceof Float64Array) return { dtype: 'F64', shape, data: values };
  if (values instanceof Int32Array) return { dtype: 'I32', shape, data: values };
  return { dtype: 'F32', shape, data: values };
}
