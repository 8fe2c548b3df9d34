/** The [CLS] attention maps: rows of softmax weights, the same logits as without capture, model state untouched. */
import { noGrad } from '@gqa-lab/autograd';
import { NDArray } from '@gqa-lab/tensor';
import { describe, expect, it } from 'vitest';
import { clsAttentionMaps } from '../src/attention-maps';
import { tinyData, tinyModel } from './helpers';

function oneImage(): NDArray {
  const ds = tinyData(2);
  return NDArray.of(ds.images.slice(0, 64), [1, 1, 8, 8]);
}

describe('clsAttentionMaps', () => {
  for (const variant of [{ kind: 'gqa' }, { kind: 'kdgqa' }, { kind: 'dgqa-diff', window: 2 }] as const) {
    it(`${variant.kind}: one grid map per layer and head, weights in (0, 1) summing below 1`, () => {
      const model = tinyModel(variant, 2, 5);
      const image = oneImage();
      const logits = noGrad(() => model.forward(image)).data.values();
      const before = [...model.stateDict()].map(([k, v]) => [k, Array.from(v.values())]);
      const rng = model.rng.getState();
      model.train();
      const maps = clsAttentionMaps(model, image, 3);
      expect(maps.grid).toBe(2);
      expect(maps.layers).toHaveLength(2);
      for (const layer of maps.layers) {
        expect(layer).toHaveLength(4); // heads
        for (const head of layer) {
          expect(head).toHaveLength(4); // 2x2 patches
          const sum = head.reduce((a, b) => a + b, 0);
          // The rest of the row is the weight on [CLS] itself.
          expect(sum).toBeGreaterThan(0);
          expect(sum).toBeLessThan(1);
          for (const x of head) expect(x).toBeGreaterThan(0);
        }
      }
      expect(model.training).toBe(true);
      expect(model.rng.getState()).toEqual(rng);
      expect([...model.stateDict()].map(([k, v]) => [k, Array.from(v.values())])).toEqual(before);
      for (const a of model.attentionLayers()) expect(a.captureWeights).toBe(false);
      model.eval();
      const again = noGrad(() => model.forward(image)).data.values();
      for (let i = 0; i < logits.length; i++) expect(again[i]).toBeCloseTo(logits[i], 5);
    });
  }

  it('rejects a batch of images', () => {
    const ds = tinyData(2);
    expect(() => clsAttentionMaps(tinyModel(), NDArray.of(ds.images, [2, 1, 8, 8]))).toThrow(
      /\(1, C, H, W\)/,
    );
  });
});
