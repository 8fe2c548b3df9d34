// Conversions between SafeTensor, float32 values and NDArray.
import { NDArray } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { f16BitsToFloat32, fromNDArray, type SafeTensor, toFloat32, toNDArray } from '../../src/io';
import { elementsOf, tensorArb } from './safetensors-arbitraries';

describe('toFloat32', () => {
  it('decodes every dtype to the float32 of each element', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I32', 'I64', 'U8' as const).chain(tensorArb),
        (t) => {
          const got = toFloat32(t);
          expect(got.length).toBe(t.data.length);
          const want = elementsOf(t).map((v) => {
            if (t.dtype === 'F16') return f16BitsToFloat32(Number(v));
            if (t.dtype === 'BF16') return new Float32Array(new Uint32Array([Number(v) << 16]).buffer)[0];
            return Math.fround(Number(v));
          });
          expect(Array.from(got)).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('returns a copy', () => {
    const t: SafeTensor = { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) };
    toFloat32(t)[0] = 5;
    expect(t.data[0]).toBe(1);
  });
});

describe('toNDArray / fromNDArray', () => {
  it('maps dtypes to NDArray dtypes and keeps shape and values', () => {
    const cases: [SafeTensor, string, number[]][] = [
      [{ dtype: 'F64', shape: [2], data: new Float64Array([0.1, -2]) }, 'float64', [0.1, -2]],
      [{ dtype: 'I32', shape: [1, 2], data: new Int32Array([-5, 7]) }, 'int32', [-5, 7]],
      [{ dtype: 'U8', shape: [2], data: new Uint8Array([255, 0]) }, 'int32', [255, 0]],
      [
        { dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 31n), 2n ** 31n - 1n]) },
        'int32',
        [-(2 ** 31), 2 ** 31 - 1],
      ],
      [{ dtype: 'F16', shape: [], data: new Uint16Array([0x3c00]) }, 'float32', [1]],
      [{ dtype: 'F32', shape: [2, 0], data: new Float32Array(0) }, 'float32', []],
    ];
    for (const [t, dtype, values] of cases) {
      const a = toNDArray(t);
      expect(a.dtype, t.dtype).toBe(dtype);
      expect(a.shape, t.dtype).toEqual(t.shape);
      expect(Array.from(a.values()), t.dtype).toEqual(values);
    }
  });

  it('refuses I64 values outside int32, naming the element', () => {
    const t: SafeTensor = { dtype: 'I64', shape: [2], data: new BigInt64Array([0n, 2n ** 31n]) };
    expect(() => toNDArray(t)).toThrow(
      'toNDArray: I64 element 1 (2147483648) of shape [2] does not fit int32',
    );
  });

  it('fromNDArray copies a strided view densely and round-trips through toNDArray', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { minLength: 6, maxLength: 6 }), (xs) => {
        const a = NDArray.of(new Float32Array(xs), [2, 3]).transpose(); // (3, 2), not contiguous
        const t = fromNDArray(a);
        expect(t.dtype).toBe('F32');
        expect(t.shape).toEqual([3, 2]);
        expect(elementsOf(t)).toEqual(Array.from(a.values()));
        expect(toNDArray(t).toArray()).toEqual(a.toArray());
      }),
    );
    expect(fromNDArray(NDArray.of(new Float64Array([1]), [])).dtype).toBe('F64');
    expect(fromNDArray(NDArray.of(new Int32Array([1]), [1])).dtype).toBe('I32');
  });
});
