// fast-check generators of valid safetensors content, shared by the round-trip and fuzz tests.
import fc from 'fast-check';
import type { SafeDType, SafeTensor } from '../../src/io';

export const ALL_DTYPES: SafeDType[] = [
  'F32',
  'F16',
  'BF16',
  'F64',
  'I32',
  'I64',
  'U8',
  'BOOL',
  'I8',
  'I16',
  'U16',
  'U32',
  'U64',
  'F8_E4M3',
  'F8_E5M2',
];

/** Shapes of rank 0..4 with small dims, zeros included (so 0-element and rank-0 tensors appear). */
export const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });

function count(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A tensor of `dtype` with random shape and random (any bit pattern) elements. */
export function tensorArb(dtype: SafeDType): fc.Arbitrary<SafeTensor> {
  return shapeArb.chain((shape) => {
    const n = { minLength: count(shape), maxLength: count(shape) };
    const u16 = fc.array(fc.integer({ min: 0, max: 0xffff }), n).map((a) => Uint16Array.from(a));
    const data: Record<SafeDType, fc.Arbitrary<SafeTensor['data']>> = {
      F32: fc.float32Array(n),
      F16: u16,
      BF16: u16,
      F64: fc.float64Array(n),
      I32: fc.int32Array(n),
      I64: fc.bigInt64Array(n),
      U8: fc.uint8Array(n),
      BOOL: fc.array(fc.boolean(), n).map((a) => Uint8Array.from(a, (b) => (b ? 1 : 0))),
      I8: fc.int8Array(n),
      I16: fc.int16Array(n),
      U16: u16,
      U32: fc.uint32Array(n),
      U64: fc.bigUint64Array(n),
      F8_E4M3: fc.uint8Array(n),
      F8_E5M2: fc.uint8Array(n),
    };
    return data[dtype].map((d): SafeTensor => ({ dtype, shape, data: d }));
  });
}

export const anyTensorArb = fc.constantFrom(...ALL_DTYPES).chain(tensorArb);

/** Tensor names: any well-formed Unicode, plus tricky ones (integer-like, __proto__, empty). */
export const nameArb = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.constantFrom('0', '10', '2', '__proto__', 'constructor', ''),
  )
  .filter((s) => s !== '__metadata__');

export const tensorMapArb = fc
  .uniqueArray(fc.tuple(nameArb, anyTensorArb), { selector: ([name]) => name, maxLength: 6 })
  .map((pairs) => new Map(pairs));

export const metadataArb = fc
  .uniqueArray(fc.tuple(nameArb, fc.string({ unit: 'grapheme', maxLength: 12 })), {
    selector: ([k]) => k,
    maxLength: 4,
  })
  .map((pairs): Record<string, string> => Object.fromEntries(pairs));

/** The raw bytes of a tensor's elements. */
export function bytesOf(t: SafeTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** A tensor's elements as a plain array (bigint for I64). */
export function elementsOf(t: SafeTensor): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  for (let i = 0; i < t.data.length; i++) out.push(t.data[i]);
  return out;
}
