import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CIFAR_PIXELS,
  type CifarRecord,
  decodeCifar,
  encodeCifar,
  loadCifar10,
  loadCifar100,
} from '../../src/data/index';
import { cifar10Record } from '../fixtures/bytes';

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('CIFAR binary', () => {
  it('decodes hand-built CIFAR-10 records to CHW floats in [0, 1]', () => {
    const rec = cifar10Record(7, 0);
    rec[1] = 255; // R(0, 0)
    rec[1 + 1024 + 33] = 51; // G(1, 1)
    const ds = decodeCifar(concat(rec, cifar10Record(2, 102)), 'mini.bin', 'cifar10');
    expect([ds.n, ds.channels, ds.height, ds.width]).toEqual([2, 3, 32, 32]);
    expect(Array.from(ds.labels)).toEqual([7, 2]);
    expect(ds.images[0]).toBe(1);
    expect(ds.images[1024 + 33]).toBeCloseTo(0.2, 6);
    expect(ds.images[CIFAR_PIXELS + 5]).toBeCloseTo(0.4, 6);
    expect(ds.classes[7]).toBe('horse');
  });

  it('applies per-channel normalisation', () => {
    const ds = decodeCifar(cifar10Record(0, 51), 'n.bin', 'cifar10', {
      normalize: { mean: [0.2, 0.1, 0], std: [0.5, 1, 2] },
    });
    expect(ds.images[0]).toBeCloseTo(0, 6);
    expect(ds.images[1024]).toBeCloseTo(0.1, 6);
    expect(ds.images[2048]).toBeCloseTo(0.1, 6);
  });

  it('rejects a wrong record size, naming the file, size and record size', () => {
    const bytes = concat(cifar10Record(0, 0), new Uint8Array(5));
    expect(() => decodeCifar(bytes, 'odd.bin', 'cifar10')).toThrow(
      /odd\.bin: 3078 bytes .*record size 3073 \(remainder 5\)/,
    );
    expect(() => decodeCifar(cifar10Record(0, 0), 'c100.bin', 'cifar100')).toThrow(
      /c100\.bin: 3073 bytes .*3074/,
    );
  });

  it('requires the canonical size for canonical file names', () => {
    expect(() => decodeCifar(cifar10Record(1, 1), '/x/data_batch_1.bin', 'cifar10')).toThrow(
      /data_batch_1\.bin: canonical cifar10 file must be exactly 30730000 bytes \(10000 records\), got 3073/,
    );
  });

  it('rejects labels out of range with record and byte offset', () => {
    const bytes = concat(cifar10Record(0, 0), cifar10Record(10, 0));
    expect(() => decodeCifar(bytes, 'lab.bin', 'cifar10')).toThrow(
      /lab\.bin: label 10 of record 1 \(byte 3073\) is outside \[0, 10\)/,
    );
    const c100 = encodeCifar([{ pixels: new Uint8Array(CIFAR_PIXELS), label: 5, coarse: 3 }], 'cifar100');
    c100[0] = 20;
    expect(() => decodeCifar(c100, 'co.bin', 'cifar100')).toThrow(
      /co\.bin: coarse label 20 of record 0 \(byte 0\) is outside \[0, 20\)/,
    );
    c100[0] = 1;
    c100[1] = 100;
    expect(() => decodeCifar(c100, 'fi.bin', 'cifar100')).toThrow(
      /fi\.bin: fine label 100 .*\(byte 1\) is outside \[0, 100\)/,
    );
  });

  it('refuses the pickled python version with a clear message', async () => {
    expect(() => decodeCifar(cifar10Record(0, 0), '/d/data_batch_1', 'cifar10')).toThrow(
      /data_batch_1: .*pickled CIFAR "python version"/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'cifar-'));
    writeFileSync(join(dir, 'test_batch'), new Uint8Array([0x80, 2]));
    await expect(loadCifar10(dir, 'test')).rejects.toThrow(
      /test_batch\.bin is missing but .*test_batch exists: .*python version/,
    );
  });

  it('loadCifar100 refuses a canonical name with a non-canonical size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c100-'));
    const recs: CifarRecord[] = [
      { pixels: new Uint8Array(CIFAR_PIXELS).fill(3), label: 99, coarse: 19 },
      { pixels: new Uint8Array(CIFAR_PIXELS), label: 0, coarse: 4 },
    ];
    // loadCifar100 reads <split>.bin; a non-canonical size under a canonical name must be refused.
    writeFileSync(join(dir, 'test.bin'), encodeCifar(recs, 'cifar100'));
    await expect(loadCifar100(dir, 'test')).rejects.toThrow(
      /test\.bin: canonical cifar100 file must be exactly 30740000 bytes/,
    );
  });
});

const record10 = fc.record({
  pixels: fc.uint8Array({ minLength: CIFAR_PIXELS, maxLength: CIFAR_PIXELS }),
  label: fc.integer({ min: 0, max: 9 }),
});
const record100 = fc.record({
  pixels: fc.uint8Array({ minLength: CIFAR_PIXELS, maxLength: CIFAR_PIXELS }),
  label: fc.integer({ min: 0, max: 99 }),
  coarse: fc.integer({ min: 0, max: 19 }),
});

function pixelsBack(images: Float32Array, i: number): Uint8Array {
  return Uint8Array.from(images.subarray(i * CIFAR_PIXELS, (i + 1) * CIFAR_PIXELS), (v) =>
    Math.round(v * 255),
  );
}

describe('CIFAR round trip', () => {
  it('CIFAR-10: decode(encode(records)) gives back labels and pixels', () => {
    fc.assert(
      fc.property(fc.array(record10, { maxLength: 4 }), (recs) => {
        const ds = decodeCifar(encodeCifar(recs, 'cifar10'), 'rt.bin', 'cifar10');
        expect(ds.n).toBe(recs.length);
        recs.forEach((r, i) => {
          expect(ds.labels[i]).toBe(r.label);
          expect(pixelsBack(ds.images, i)).toEqual(r.pixels);
        });
      }),
      { numRuns: 30 },
    );
  });

  it('CIFAR-100: fine and coarse labels both survive', () => {
    fc.assert(
      fc.property(
        fc.array(record100, { maxLength: 4 }),
        fc.constantFrom('fine', 'coarse' as const),
        (recs, kind) => {
          const ds = decodeCifar(encodeCifar(recs, 'cifar100'), 'rt.bin', 'cifar100', { label: kind });
          recs.forEach((r, i) => {
            expect(ds.fineLabels?.[i]).toBe(r.label);
            expect(ds.coarseLabels?.[i]).toBe(r.coarse);
            expect(ds.labels[i]).toBe(kind === 'fine' ? r.label : r.coarse);
            expect(pixelsBack(ds.images, i)).toEqual(r.pixels);
          });
          expect(ds.classes.length).toBe(kind === 'fine' ? 100 : 20);
        },
      ),
      { numRuns: 30 },
    );
  });
});
