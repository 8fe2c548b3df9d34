// Files written by an independent Python writer (fixtures/safetensors/make_golden.py) must parse to the
// values it recorded, and the canonical one must be reproduced byte for byte by our writer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  float32ToBf16Bits,
  float32ToF16Bits,
  parseSafetensors,
  serializeSafetensors,
  toFloat32,
} from '../../src/io';
import { float32FromBits } from '../../src/io/half-float';

import { elementsOf } from './safetensors-arbitraries';

const FIXTURES = join(import.meta.dirname, '../fixtures/safetensors');

type JsonValue = number | string;
interface ExpectedTensor {
  dtype: string;
  shape: number[];
  values: JsonValue[];
  bits?: number[];
}
interface ExpectedFile {
  metadata: Record<string, string>;
  tensors: Record<string, ExpectedTensor>;
  source_f32_bits?: number[];
}
const expected: Record<string, ExpectedFile> = JSON.parse(
  readFileSync(join(FIXTURES, 'expected.json'), 'utf8'),
);

function decodeNumber(v: JsonValue): number {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof v !== 'number') throw new Error(`expected.json: unexpected value ${v}`);
  return v;
}

function load(name: string) {
  return parseSafetensors(new Uint8Array(readFileSync(join(FIXTURES, name))));
}

describe('golden safetensors files from an independent writer', () => {
  it('lists the four fixtures in expected.json', () => {
    expect(Object.keys(expected).sort()).toEqual([
      'canonical.safetensors',
      'empty.safetensors',
      'mixed.safetensors',
      'rounding.safetensors',
    ]);
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`${file}: dtypes, shapes, values and metadata match`, () => {
      const { tensors, metadata } = load(file);
      expect(metadata).toEqual(want.metadata);
      expect([...tensors.keys()].sort()).toEqual(Object.keys(want.tensors).sort());
      for (const [name, w] of Object.entries(want.tensors)) {
        const t = tensors.get(name)!;
        expect(t.dtype, name).toBe(w.dtype);
        expect(t.shape, name).toEqual(w.shape);
        if (w.dtype === 'I64') {
          expect(elementsOf(t).map(String), name).toEqual(w.values);
          continue;
        }
        if (w.bits !== undefined) expect(elementsOf(t), name).toEqual(w.bits);
        const got = w.dtype === 'F64' || w.dtype === 'I32' || w.dtype === 'U8' ? elementsOf(t) : toFloat32(t);
        // Object.is through toEqual semantics: -0 vs 0 and NaN are told apart / matched exactly.
        expect(Array.from(got, Number), name).toEqual(w.values.map(decodeNumber));
      }
    });
  }

  it('mixed.safetensors keeps an F32 tensor at an unaligned offset readable, in offset order', () => {
    const { tensors } = load('mixed.safetensors');
    expect([...tensors.keys()]).toEqual(['u8', 'f32', 'f16', 'bf16', 'empty', 'f64', 'i32', 'i64', 'scalar']);
    expect(tensors.get('f32')!.data).toBeInstanceOf(Float32Array);
    expect(tensors.get('i64')!.data).toBeInstanceOf(BigInt64Array);
  });

  it('our F16 / BF16 rounding matches numpy and the Python integer rounding bit for bit', () => {
    const want = expected['rounding.safetensors'];
    const source = want.source_f32_bits!.map(float32FromBits);
    expect(source.map(float32ToF16Bits)).toEqual(want.tensors.f16.bits);
    expect(source.map(float32ToBf16Bits)).toEqual(want.tensors.bf16.bits);
  });

  it('canonical.safetensors is reproduced byte for byte by serializeSafetensors', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'canonical.safetensors')));
    const { tensors, metadata } = parseSafetensors(bytes);
    // Insertion order deliberately differs from the sorted order the writer must produce.
    const reordered = new Map([...tensors].reverse());
    expect(serializeSafetensors(reordered, metadata)).toEqual(bytes);
  });

  it('empty.safetensors is reproduced byte for byte (no tensors, no metadata)', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'empty.safetensors')));
    expect(serializeSafetensors({})).toEqual(bytes);
  });
});
