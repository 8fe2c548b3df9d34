// Hostile data files (issue 17, cases 2 and 8): gzip bombs stop at the size the trailer promises or the limit,
// image counts are capped, folders / FIFOs are refused by path, index files cannot leave the data set root.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NotARegularFileError, ReadLimitError } from '@gqa-lab/nn';
import { describe, expect, it } from 'vitest';
import {
  decompressionStreamGunzip,
  type Gunzip,
  loadIdxImages,
  loadTinyImageNet,
  maybeGunzip,
  nodeGunzip,
} from '../../src/data/index';
import { mnistImages } from '../fixtures/bytes';
import { fakeDecoder, writeTinyImageNet } from '../fixtures/tiny-imagenet';

const dir = mkdtempSync(join(tmpdir(), 'untrusted-data-'));

/** A valid IDX image header claiming `count` 28x28 images, followed by `count` zero images. */
function idxImages(count: number): Uint8Array {
  const bytes = new Uint8Array(16 + count * 784);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 2051);
  view.setUint32(4, count);
  view.setUint32(8, 28);
  view.setUint32(12, 28);
  return bytes;
}

describe('gzip bombs', () => {
  it('a bomb promising more than the limit is refused before decompressing', async () => {
    const bomb = gzipSync(new Uint8Array(16 * 1024 * 1024)); // 16 KB of gzip, 16 MiB inside
    const path = join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(path, bomb);
    let inflated = 0;
    const spy: Gunzip = (bytes, name, max) => {
      inflated += 1;
      return nodeGunzip(bytes, name, max);
    };
    const limits = { maxDecompressedBytes: 1024 * 1024 };
    const error = await loadIdxImages(path, spy, limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadLimitError);
    expect(String(error)).toContain('GQA_LAB_MAX_DECOMPRESSED_BYTES');
    expect(inflated).toBe(0);
  });

  it('a bomb whose trailer lies stops at the promised size (zlib and DecompressionStream alike)', async () => {
    const bomb = gzipSync(new Uint8Array(8 * 1024 * 1024));
    bomb.set([0, 4, 0, 0], bomb.length - 4); // ISIZE says 1 KiB
    for (const gunzip of [nodeGunzip, decompressionStreamGunzip])
      await expect(maybeGunzip(bomb, 'lying.gz', gunzip)).rejects.toThrow(/lying\.gz: .*1024/);
  });

  it('an honest file decompresses exactly', async () => {
    const raw = mnistImages(2);
    expect(await maybeGunzip(gzipSync(raw), 'x.gz', nodeGunzip)).toEqual(raw);
  });

  it('a valid IDX file over the image limit is refused naming the count and the limit', async () => {
    const path = join(dir, 'many-images-idx3-ubyte');
    writeFileSync(path, idxImages(30));
    const error = await loadIdxImages(path, nodeGunzip, { maxImages: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadLimitError);
    expect(String(error)).toMatch(/the image count is 30 .*limit of 20.*GQA_LAB_MAX_IMAGES/);
    expect((await loadIdxImages(path, nodeGunzip, { maxImages: 30 })).count).toBe(30);
  });
});

describe('paths that are not regular files', () => {
  it('an images path that is a folder, or a FIFO, is refused naming it', async () => {
    const folder = join(dir, 'folder-images-idx3-ubyte');
    execFileSync('mkdir', [folder]);
    await expect(loadIdxImages(folder)).rejects.toThrow(NotARegularFileError);
    await expect(loadIdxImages(folder)).rejects.toThrow(`${folder}: is a folder`);
    const fifo = join(dir, 'fifo-images-idx3-ubyte');
    execFileSync('mkfifo', [fifo]);
    await expect(loadIdxImages(fifo)).rejects.toThrow(`${fifo}: is a FIFO`);
  });
});

describe('Tiny ImageNet index files', () => {
  it.each(['../../../x.JPEG', '/etc/passwd', '../images/../../wnids.txt', '.'])(
    'val_annotations.txt naming %s is refused: it leaves the data set root',
    async (name) => {
      const root = writeTinyImageNet();
      writeFileSync(join(root, 'val', 'val_annotations.txt'), `${name}\tn01\t0\t0\t10\t10\n`);
      await expect(loadTinyImageNet(root, 'val', { decode: fakeDecoder })).rejects.toThrow(
        /leaves .*val\/images/,
      );
    },
  );
});
