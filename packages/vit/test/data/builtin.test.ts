import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_SUBSET_DIR,
  findDebianFashionMnist,
  loadBuiltinFashionMnist,
  parseSha256Sums,
} from '../../src/data/index';

describe('built-in Fashion-MNIST', () => {
  it('the committed subset verifies and is class-balanced (1,000 / 200 per class)', async () => {
    for (const [split, per] of [
      ['train', 1000],
      ['test', 200],
    ] as const) {
      const ds = await loadBuiltinFashionMnist(split, { forceSubset: true });
      expect(ds.source).toBe('builtin-subset');
      expect([ds.n, ds.channels, ds.height, ds.width]).toEqual([10 * per, 1, 28, 28]);
      const counts = new Array<number>(10).fill(0);
      for (const y of ds.labels) counts[y]++;
      expect(counts).toEqual(new Array(10).fill(per));
      expect(ds.classes[9]).toBe('Ankle boot');
    }
  });

  it('SHA256SUMS lists all four files', () => {
    const sums = parseSha256Sums(
      `${'a'.repeat(64)}  train-images-idx3-ubyte.gz\n${'b'.repeat(64)} *t10k-labels-idx1-ubyte.gz\nnot a line\n`,
    );
    expect([...sums.keys()]).toEqual(['train-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    expect(existsSync(join(BUILTIN_SUBSET_DIR, 'SHA256SUMS'))).toBe(true);
  });

  it('uses the full Debian dataset exactly when it is installed', async () => {
    const full = findDebianFashionMnist();
    const ds = await loadBuiltinFashionMnist('test');
    expect(ds.source).toBe(full ? 'debian-full' : 'builtin-subset');
    expect(ds.n).toBe(full ? 10_000 : 2_000);
  });
});
