import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTinyImageNet, parseValAnnotations, parseWnids, toRgbCHW } from '../../src/data/index';
import { fakeDecoder, fakeImage, writeTinyImageNet } from '../fixtures/tiny-imagenet';

describe('Tiny ImageNet', () => {
  it('labels follow wnids.txt order; grayscale becomes RGB; files are sorted', async () => {
    const root = writeTinyImageNet();
    const ds = await loadTinyImageNet(root, 'train', { decode: fakeDecoder });
    expect(ds.classes).toEqual(['n02', 'n01']);
    expect([ds.n, ds.channels, ds.height, ds.width]).toEqual([4, 3, 64, 64]);
    expect(Array.from(ds.labels)).toEqual([0, 0, 1, 1]);
    const per = 3 * 64 * 64;
    // n02_0 (RGB, 20) sorts before n02_1 (gray, 10); every channel of the gray image is 10.
    expect(ds.images[0]).toBeCloseTo(20 / 255, 6);
    for (const c of [0, 1, 2]) expect(ds.images[per + c * 4096 + 7]).toBeCloseTo(10 / 255, 6);
  });

  it('val labels come from val_annotations.txt (RGBA alpha dropped)', async () => {
    const ds = await loadTinyImageNet(writeTinyImageNet(), 'val', { decode: fakeDecoder });
    expect(Array.from(ds.labels)).toEqual([1, 0, 1]);
    expect(ds.images[3 * 4096 * 2]).toBeCloseTo(32 / 255, 6);
  });

  it('writes a packed cache atomically and reads it back identically', async () => {
    const root = writeTinyImageNet();
    const cachePath = join(root, 'train.cache');
    const first = await loadTinyImageNet(root, 'train', { decode: fakeDecoder, cachePath });
    expect(first.fromCache).toBe(false);
    expect(existsSync(cachePath)).toBe(true);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const failing = () => {
      throw new Error('decoder must not run when the cache exists');
    };
    const second = await loadTinyImageNet(root, 'train', { decode: failing, cachePath });
    expect(second.fromCache).toBe(true);
    expect(second.images).toEqual(first.images);
    expect(second.labels).toEqual(first.labels);
    writeFileSync(cachePath, new Uint8Array([1, 2, 3]));
    await expect(loadTinyImageNet(root, 'train', { decode: fakeDecoder, cachePath })).rejects.toThrow(
      /train\.cache: not a gqa-lab Tiny ImageNet cache/,
    );
  });

  it('rejects non-64x64 images and bad annotation lines, naming the file', async () => {
    expect(() => toRgbCHW(fakeDecoder(fakeImage(1, 3, 32), 'x.JPEG'), 'x.JPEG')).toThrow(
      /x\.JPEG: expected a 64x64 image, decoder returned 32x32/,
    );
    expect(() => parseValAnnotations('a.JPEG n01 0 0 1 1\n', 'ann.txt')).toThrow(
      /ann\.txt: line 1 has 1 tab-separated fields/,
    );
    expect(() => parseWnids('n1\nn2\nn1\n', 'w.txt')).toThrow(/w\.txt: duplicate wnid n1 on line 3/);
    const root = writeTinyImageNet();
    writeFileSync(join(root, 'val', 'val_annotations.txt'), 'val_0.JPEG\tn99\t0\t0\t1\t1\n');
    await expect(loadTinyImageNet(root, 'val', { decode: fakeDecoder })).rejects.toThrow(
      /val_0\.JPEG has wnid n99, which is not in wnids\.txt/,
    );
  });
});
