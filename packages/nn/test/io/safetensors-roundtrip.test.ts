// serialize -> parse returns exactly what went in (bit for bit), for every dtype, rank 0 and 0 elements.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, type SafeTensor, SafetensorsError, serializeSafetensors } from '../../src/io';
import { BF16, F16, isNaNPattern, referenceNarrow } from './half-reference';
import { bytesOf, metadataArb, shapeArb, tensorArb, tensorMapArb } from './safetensors-arbitraries';

function expectSameTensor(got: SafeTensor | undefined, want: SafeTensor, name: string): void {
  expect(got, name).toBeDefined();
  expect(got!.dtype, name).toBe(want.dtype);
  expect(got!.shape, name).toEqual(want.shape);
  expect(got!.data.constructor, name).toBe(want.data.constructor);
  expect(bytesOf(got!), name).toEqual(bytesOf(want));
}

describe('safetensors round trip', () => {
  it('random tensors and metadata come back exactly', () => {
    fc.assert(
      fc.property(tensorMapArb, fc.option(metadataArb, { nil: undefined }), (tensors, metadata) => {
        const bytes = serializeSafetensors(tensors, metadata);
        const parsed = parseSafetensors(bytes);
        expect(parsed.tensors.size).toBe(tensors.size);
        for (const [name, t] of tensors) expectSameTensor(parsed.tensors.get(name), t, name);
        expect(parsed.metadata).toEqual(metadata ?? {});
      }),
      { numRuns: 300 },
    );
  });

  it('the header is padded to 8 bytes, data is in name order, and the writer is deterministic', () => {
    fc.assert(
      fc.property(tensorMapArb, metadataArb, (tensors, metadata) => {
        const bytes = serializeSafetensors(tensors, metadata);
        const headerLength = new DataView(bytes.buffer).getBigUint64(0, true);
        expect(headerLength % 8n).toBe(0n);
        const names = [...parseSafetensors(bytes).tensors.keys()];
        // Parsed maps come back in offset order, which is the writer's name order.
        expect(names).toEqual([...tensors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        const fromRecord = serializeSafetensors(Object.fromEntries([...tensors].reverse()), metadata);
        expect(fromRecord).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('F32 -> F16 / BF16 storage matches the reference rounding of every element', () => {
    fc.assert(
      fc.property(tensorArb('F32'), fc.constantFrom(F16, BF16), (t, format) => {
        const parsed = parseSafetensors(serializeSafetensors({ w: t }, undefined, { dtype: format.name }));
        const got = parsed.tensors.get('w')!;
        expect(got.dtype).toBe(format.name);
        expect(got.shape).toEqual(t.shape);
        const src = t.data as Float32Array;
        const bits = Array.from(got.data, Number);
        src.forEach((x, i) => {
          if (Number.isNaN(x)) expect(isNaNPattern(format, bits[i])).toBe(true);
          else expect(bits[i]).toBe(referenceNarrow(format, x));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('the F16 / BF16 option leaves non-F32 tensors as they are', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom<'F64' | 'I32' | 'I64' | 'U8' | 'F16'>('F64', 'I32', 'I64', 'U8', 'F16')
          .chain(tensorArb),
        (t) => {
          const parsed = parseSafetensors(serializeSafetensors({ t }, undefined, { dtype: 'BF16' }));
          expectSameTensor(parsed.tensors.get('t'), t, 't');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rank-0 and 0-element tensors', () => {
    const tensors = {
      scalar: { dtype: 'F32', shape: [], data: new Float32Array([3.5]) },
      none: { dtype: 'I64', shape: [0], data: new BigInt64Array(0) },
      wide: { dtype: 'F16', shape: [3, 0, 2], data: new Uint16Array(0) },
    } satisfies Record<string, SafeTensor>;
    const parsed = parseSafetensors(serializeSafetensors(tensors));
    for (const [name, t] of Object.entries(tensors)) expectSameTensor(parsed.tensors.get(name), t, name);
  });
});

describe('serializeSafetensors rejects bad input with SafetensorsError', () => {
  const bad: [string, Record<string, SafeTensor>, string][] = [
    ['reserved name', { __metadata__: { dtype: 'U8', shape: [1], data: new Uint8Array(1) } }, 'reserved'],
    ['lone surrogate name', { 'a\uD800': { dtype: 'U8', shape: [1], data: new Uint8Array(1) } }, 'surrogate'],
    ['wrong array type', { w: { dtype: 'F32', shape: [2], data: new Float64Array(2) } }, 'Float64Array'],
    ['wrong length', { w: { dtype: 'I32', shape: [2, 3], data: new Int32Array(5) } }, '5 elements'],
    ['negative dim', { w: { dtype: 'U8', shape: [-1], data: new Uint8Array(0) } }, '[-1]'],
    ['fractional dim', { w: { dtype: 'U8', shape: [1.5], data: new Uint8Array(1) } }, '[1.5]'],
  ];
  it.each(bad)('%s', (_label, tensors, fragment) => {
    expect(() => serializeSafetensors(tensors)).toThrow(SafetensorsError);
    expect(() => serializeSafetensors(tensors)).toThrow(fragment);
  });

  it('metadata values must be strings', () => {
    const metadata: Record<string, string> = JSON.parse('{"epoch": 3}');
    expect(() => serializeSafetensors({}, metadata)).toThrow(/INVALID_METADATA.*"epoch"/);
  });

  it('shapes with large dims are accepted when they hold no elements', () => {
    fc.assert(
      fc.property(shapeArb, (shape) => {
        const t: SafeTensor = { dtype: 'F32', shape: [...shape, 0, 2 ** 40], data: new Float32Array(0) };
        const parsed = parseSafetensors(serializeSafetensors({ t }));
        expect(parsed.tensors.get('t')!.shape).toEqual(t.shape);
      }),
    );
  });
});
