// A file with BOOL, I8, I16, U16, U32, U64, F8_E4M3 and F8_E5M2 tensors written by numpy
// (fixtures/safetensors/make_dtypes.py) reads to the values Python computed, and is written back as stored.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, serializeSafetensors, toNDArray } from '../../src/io';

const dir = join(__dirname, '..', 'fixtures', 'safetensors');
const expected: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }> = JSON.parse(
  readFileSync(join(dir, 'dtypes.json'), 'utf8'),
);
const decode = (v: number | string) => (typeof v === 'number' ? v : Number(v));

describe('golden file of the integer, bool and float8 dtypes', () => {
  const bytes = new Uint8Array(readFileSync(join(dir, 'dtypes.safetensors')));
  const { tensors } = parseSafetensors(bytes);

  it.each(Object.entries(expected))('%s reads to the values numpy wrote', (name, want) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`missing tensor ${name}`);
    expect(t.dtype).toBe(want.dtype);
    expect(t.shape).toEqual(want.shape);
    expect([...toNDArray(t).values()]).toEqual(want.values.map(decode));
  });

  it('the writer stores every one of them as given (same dtype, shape and element bytes)', () => {
    const again = parseSafetensors(serializeSafetensors(tensors)).tensors;
    for (const [name, t] of tensors) {
      const u = again.get(name);
      expect(u?.dtype, name).toBe(t.dtype);
      expect(u?.shape, name).toEqual(t.shape);
      expect(u && new Uint8Array(u.data.buffer), name).toEqual(new Uint8Array(t.data.buffer));
    }
  });
});
