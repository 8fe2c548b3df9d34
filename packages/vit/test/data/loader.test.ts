import { Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataLoader, horizontalFlip, makeSyntheticDataset, randomCrop, subset } from '../../src/data/index';

const ds = makeSyntheticDataset({ n: 23, classes: 3, height: 4, width: 4, seed: 1 });

describe('DataLoader', () => {
  it('each shuffled epoch visits every sample exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(1000), fc.nat(50), (batchSize, seed, epoch) => {
        const loader = new DataLoader(ds, { batchSize, shuffle: true, seed });
        const seen = [...loader.epoch(epoch)].flatMap((b) => Array.from(b.indices));
        expect(seen.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: ds.n }, (_, i) => i));
      }),
      { numRuns: 40 },
    );
  });

  it('batch sizes follow dropLast', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.boolean(), (batchSize, dropLast) => {
        const loader = new DataLoader(ds, { batchSize, shuffle: true, dropLast });
        const sizes = [...loader.epoch(0)].map((b) => b.images.shape[0]);
        const full = Math.floor(ds.n / batchSize);
        const rest = ds.n % batchSize;
        const expected = [...Array(full).fill(batchSize), ...(rest > 0 && !dropLast ? [rest] : [])];
        expect(sizes).toEqual(expected);
        expect(loader.numBatches).toBe(expected.length);
      }),
    );
  });

  it('batches carry (B, C, H, W) images and matching labels', () => {
    const loader = new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 3 });
    const b = loader.batch(2, 1);
    expect(b.images.shape).toEqual([5, 1, 4, 4]);
    expect(b.images.dtype).toBe('float32');
    b.indices.forEach((i, j) => {
      expect(b.labels[j]).toBe(ds.labels[i]);
      expect(Array.from(b.images.values().subarray(j * 16, (j + 1) * 16))).toEqual(
        Array.from(ds.images.subarray(i * 16, (i + 1) * 16)),
      );
    });
  });

  it('the order depends only on (seed, epoch); different epochs differ', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(100), (seed, epoch) => {
        const a = new DataLoader(ds, { batchSize: 4, shuffle: true, seed });
        const b = new DataLoader(ds, { batchSize: 4, shuffle: true, seed });
        b.order(epoch + 7); // using other epochs first must not change anything
        expect(b.order(epoch)).toEqual(a.order(epoch));
        expect(a.order(epoch + 1)).not.toEqual(a.order(epoch));
      }),
      { numRuns: 50 },
    );
  });

  it('a resumed epoch reproduces the augmented batches of an uninterrupted one', () => {
    const augment = (img: Parameters<ReturnType<typeof randomCrop>>[0], rng: Rng) =>
      horizontalFlip()(randomCrop(1)(img, rng), rng);
    const make = () => new DataLoader(ds, { batchSize: 4, shuffle: true, rng: new Rng(9), augment });
    const full = [...make().epoch(3)];
    const resumed = [...make().epoch(3, 2)];
    expect(resumed.length).toBe(full.length - 2);
    resumed.forEach((b, k) => {
      expect(b.indices).toEqual(full[k + 2].indices);
      expect(b.images.values()).toEqual(full[k + 2].images.values());
    });
  });

  it('without shuffle the order is 0..N-1; normalize is applied last', () => {
    const loader = new DataLoader(ds, { batchSize: 30, normalize: { mean: [0.5], std: [0.25] } });
    const [b] = [...loader.epoch(0)];
    expect(Array.from(b.indices)).toEqual(Array.from({ length: ds.n }, (_, i) => i));
    expect(b.images.values()[0]).toBeCloseTo((ds.images[0] - 0.5) / 0.25, 5);
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
  });
});

describe('subset and synthetic data', () => {
  it('subset copies the chosen samples and rejects bad indices', () => {
    const s = subset(ds, [4, 0, 4]);
    expect(s.n).toBe(3);
    expect(Array.from(s.labels)).toEqual([ds.labels[4], ds.labels[0], ds.labels[4]]);
    expect(Array.from(s.images.subarray(0, 16))).toEqual(Array.from(ds.images.subarray(64, 80)));
    expect(() => subset(ds, [23])).toThrow(/index 23 at position 0 is outside \[0, 23\)/);
  });

  it('synthetic data is seeded, in [0, 1], and separable by nearest class mean (far above the 25% chance)', () => {
    for (let seed = 0; seed < 5; seed++) {
      const a = makeSyntheticDataset({ n: 200, classes: 4, seed });
      expect(makeSyntheticDataset({ n: 200, classes: 4, seed }).images).toEqual(a.images);
      expect(a.images.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(nearestMeanAccuracy(a)).toBeGreaterThanOrEqual(80);
    }
  });
});

/** Fits class means on the first 100 samples; returns how many of the next 100 the nearest mean labels right. */
function nearestMeanAccuracy(a: ReturnType<typeof makeSyntheticDataset>): number {
  const per = a.channels * a.height * a.width;
  const k = a.classes.length;
  const means = Array.from({ length: k }, () => new Float64Array(per));
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < 100; i++) {
    counts[a.labels[i]]++;
    for (let p = 0; p < per; p++) means[a.labels[i]][p] += a.images[i * per + p];
  }
  means.forEach((m, c) => {
    for (let p = 0; p < per; p++) m[p] /= counts[c];
  });
  let correct = 0;
  for (let i = 100; i < 200; i++) {
    const d = means.map((m) => m.reduce((s, v, p) => s + (v - a.images[i * per + p]) ** 2, 0));
    if (d.indexOf(Math.min(...d)) === a.labels[i]) correct++;
  }
  return correct;
}
