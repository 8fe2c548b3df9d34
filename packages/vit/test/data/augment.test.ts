import { Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyRandAugmentOp,
  equalize,
  flipHorizontal,
  type ImageCHW,
  posterize,
  RAND_AUGMENT_OPS,
  randAugment,
  randomCrop,
  resizeBilinear,
  rotateImage,
  translateImage,
} from '../../src/data/index';

const image = fc
  .tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 9 }),
    fc.integer({ min: 1, max: 9 }),
    fc.nat(),
  )
  .map(([channels, height, width, seed]): ImageCHW => {
    const rng = new Rng(seed);
    const data = Float32Array.from({ length: channels * height * width }, () => rng.next());
    return { channels, height, width, data };
  });

const inUnit = (img: ImageCHW) => img.data.every((v) => v >= 0 && v <= 1 + 1e-6);

describe('augmentations', () => {
  it('every RandAugment op keeps the shape and the [0, 1] range', () => {
    fc.assert(
      fc.property(
        image,
        fc.constantFrom(...RAND_AUGMENT_OPS),
        fc.integer({ min: 0, max: 10 }),
        fc.nat(),
        (img, op, m, seed) => {
          for (const mode of ['nearest', 'bilinear'] as const) {
            const out = applyRandAugmentOp(img, op, m, new Rng(seed), mode);
            expect([out.channels, out.height, out.width]).toEqual([img.channels, img.height, img.width]);
            expect(out.data.length).toBe(img.data.length);
            expect(inUnit(out)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('randAugment is deterministic given the rng state', () => {
    fc.assert(
      fc.property(image, fc.nat(), (img, seed) => {
        const aug = randAugment({ n: 3, m: 7 });
        expect(aug(img, new Rng(seed)).data).toEqual(aug(img, new Rng(seed)).data);
      }),
      { numRuns: 40 },
    );
  });

  it('random crop with padding keeps the size and only moves pixels (or pads with 0)', () => {
    fc.assert(
      fc.property(image, fc.integer({ min: 0, max: 3 }), fc.nat(), (img, pad, seed) => {
        const out = randomCrop(pad)(img, new Rng(seed));
        expect([out.channels, out.height, out.width]).toEqual([img.channels, img.height, img.width]);
        const values = new Set(img.data);
        expect(out.data.every((v) => v === 0 || values.has(v))).toBe(true);
      }),
      { numRuns: 60 },
    );
    expect(() =>
      randomCrop(0, 5, 5)({ channels: 1, height: 2, width: 2, data: new Float32Array(4) }, new Rng(0)),
    ).toThrow(/crop 5x5 exceeds padded image 2x2/);
  });

  it('flipping twice is the identity, and the first column becomes the last', () => {
    fc.assert(
      fc.property(image, (img) => {
        expect(flipHorizontal(flipHorizontal(img)).data).toEqual(img.data);
        expect(flipHorizontal(img).data[img.width - 1]).toBe(img.data[0]);
      }),
    );
  });

  it('bilinear resize gives the requested shape, stays in range and keeps constants', () => {
    fc.assert(
      fc.property(image, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), (img, h, w) => {
        const out = resizeBilinear(img, h, w);
        expect([out.channels, out.height, out.width]).toEqual([img.channels, h, w]);
        expect(inUnit(out)).toBe(true);
        const flat = resizeBilinear({ ...img, data: new Float32Array(img.data.length).fill(0.25) }, h, w);
        expect(flat.data.every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);
      }),
    );
  });

  it('hand-checked values: rotate 90, translate, posterize, equalize', () => {
    // 2x2 image [[a, b], [c, d]] rotated 90 degrees counter-clockwise is [[b, d], [a, c]].
    const img = { channels: 1, height: 2, width: 2, data: Float32Array.of(0.1, 0.2, 0.3, 0.4) };
    expect(Array.from(rotateImage(img, 90, 'nearest').data)).toEqual(
      Array.from(Float32Array.of(0.2, 0.4, 0.1, 0.3)),
    );
    expect(Array.from(translateImage(img, 1, 0).data)).toEqual(Array.from(Float32Array.of(0, 0.1, 0, 0.3)));
    expect(posterize({ ...img, data: Float32Array.of(1, 0.4, 0, 0.2) }, 1).data).toEqual(
      Float32Array.of(128 / 255, 0, 0, 0),
    );
    const eq = equalize({ channels: 1, height: 1, width: 4, data: Float32Array.of(0, 0, 1 / 255, 2 / 255) });
    expect(eq.data[3]).toBeGreaterThan(eq.data[2]);
    expect(eq.data[2]).toBeGreaterThan(eq.data[0]);
  });
});
