import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeIdxImages,
  decodeIdxLabels,
  decompressionStreamGunzip,
  encodeIdx,
  type IdxTensor,
  loadIdxImages,
  loadMnistLike,
  parseIdx,
} from '../../src/data/index';
import { IDX_I16, IDX_U8_2x2x3, MNIST_LABELS_3, mnistImages } from '../fixtures/bytes';

describe('parseIdx', () => {
  it('reads a hand-built uint8 rank-3 file', () => {
    const t = parseIdx(IDX_U8_2x2x3, 'a.idx');
    expect(t.type).toBe('uint8');
    expect(t.shape).toEqual([2, 2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
  });

  it('reads big-endian int16', () => {
    const t = parseIdx(IDX_I16, 'b.idx');
    expect(t.type).toBe('int16');
    expect(Array.from(t.data)).toEqual([-2, 258]);
  });

  it('rejects a truncated file, naming the file and both byte counts', () => {
    expect(() => parseIdx(IDX_U8_2x2x3.subarray(0, 27), 'trunc.idx')).toThrow(
      /trunc\.idx: .*needs 28 bytes .*file has 27/,
    );
    expect(() => parseIdx(IDX_U8_2x2x3.subarray(0, 10), 'hdr.idx')).toThrow(
      /hdr\.idx: .*needs 16 bytes, file has 10/,
    );
  });

  it('rejects trailing bytes (strict element count)', () => {
    const longer = new Uint8Array([...IDX_U8_2x2x3, 0]);
    expect(() => parseIdx(longer, 'long.idx')).toThrow(/long\.idx: .*needs 28 bytes .*file has 29/);
  });

  it('rejects wrong magic and unknown types', () => {
    const bad = IDX_U8_2x2x3.slice();
    bad[0] = 1;
    expect(() => parseIdx(bad, 'm.idx')).toThrow(/m\.idx: bad IDX magic 0x01000803.*got 1, 0/);
    const badType = IDX_U8_2x2x3.slice();
    badType[2] = 0x0a;
    expect(() => parseIdx(badType, 't.idx')).toThrow(/t\.idx: bad IDX type byte 0xa/);
  });
});

const idxTensor = fc
  .tuple(
    fc.constantFrom<IdxTensor['type']>('uint8', 'int8', 'int16', 'int32', 'float32', 'float64'),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
    fc.integer(),
  )
  .map(([type, shape, seed]): IdxTensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    const vals = Array.from({ length: n }, (_, i) => Math.imul(seed + i, 2654435761) | 0);
    const data = {
      uint8: () => Uint8Array.from(vals),
      int8: () => Int8Array.from(vals),
      int16: () => Int16Array.from(vals),
      int32: () => Int32Array.from(vals),
      float32: () => Float32Array.from(vals, (v) => v / 7),
      float64: () => Float64Array.from(vals, (v) => v / 7),
    }[type]();
    return { type, shape, data };
  });

describe('IDX round trip', () => {
  it('parseIdx(encodeIdx(t)) === t for every type and rank', () => {
    fc.assert(
      fc.property(idxTensor, (t) => {
        const back = parseIdx(encodeIdx(t), 'rt');
        expect(back.type).toBe(t.type);
        expect(back.shape).toEqual(t.shape);
        expect(back.data).toEqual(t.data);
      }),
    );
  });

  it('any truncation of an encoded tensor with elements is rejected', () => {
    fc.assert(
      fc.property(
        idxTensor.filter((t) => t.data.length > 0),
        fc.nat(),
        (t, cut) => {
          const bytes = encodeIdx(t);
          const len = cut % bytes.length;
          expect(() => parseIdx(bytes.subarray(0, len), 'cut.idx')).toThrow(/cut\.idx/);
        },
      ),
    );
  });
});

describe('MNIST checks', () => {
  it('decodes images and labels', () => {
    const img = decodeIdxImages(mnistImages(3), 'i');
    expect([img.count, img.rows, img.cols]).toEqual([3, 28, 28]);
    expect(Array.from(decodeIdxLabels(MNIST_LABELS_3, 'l'))).toEqual([3, 0, 9]);
  });

  it('rejects label magic for images and vice versa, naming expected and actual', () => {
    expect(() => decodeIdxImages(MNIST_LABELS_3, 'imgs')).toThrow(
      /imgs: expected image magic 2051 .*got 2049/,
    );
    expect(() => decodeIdxLabels(mnistImages(1), 'labs')).toThrow(
      /labs: expected label magic 2049 .*got 2051/,
    );
  });

  it('rejects non-28x28 images and out-of-range labels', () => {
    expect(() => decodeIdxImages(mnistImages(1, 27, 28), 'small')).toThrow(
      /small: expected 28x28 images, got 27x28/,
    );
    const bad = MNIST_LABELS_3.slice();
    bad[9] = 10;
    expect(() => decodeIdxLabels(bad, 'lab')).toThrow(/lab: label 10 at index 1 is outside \[0, 10\)/);
  });

  it('loads a gzipped split from a directory and checks the counts agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(mnistImages(3)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), MNIST_LABELS_3);
    const ds = await loadMnistLike(dir, 'train');
    expect([ds.n, ds.channels, ds.height, ds.width]).toEqual([3, 1, 28, 28]);
    expect(Array.from(ds.labels)).toEqual([3, 0, 9]);
    expect(ds.images[28 * 28 + 1]).toBeCloseTo(2 / 255, 6);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(mnistImages(2)));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(MNIST_LABELS_3));
    await expect(loadMnistLike(dir, 'test')).rejects.toThrow(
      /t10k-images-idx3-ubyte\.gz holds 2 images but .*3 labels/,
    );
  });

  it('names the file on bad gzip data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gz-'));
    const notGz = join(dir, 'plain.gz');
    writeFileSync(notGz, mnistImages(1));
    await expect(loadIdxImages(notGz)).rejects.toThrow(
      /plain\.gz: not gzip data: expected magic 1f 8b, got 00 00/,
    );
    const corrupt = gzipSync(mnistImages(1));
    corrupt[corrupt.length - 6] ^= 0xff; // break the CRC
    const broken = join(dir, 'broken.gz');
    writeFileSync(broken, corrupt);
    await expect(loadIdxImages(broken)).rejects.toThrow(/broken\.gz: gzip decompression failed/);
  });

  it('the DecompressionStream gunzip agrees with zlib', async () => {
    const raw = mnistImages(2);
    const out = await decompressionStreamGunzip(new Uint8Array(gzipSync(raw)), 'x.gz', raw.length);
    expect(out).toEqual(raw);
  });
});
