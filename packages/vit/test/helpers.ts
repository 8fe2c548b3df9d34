/** Tiny ViT configs and data for the model / training tests (seconds on 2 cores). */
import { Rng } from '@gqa-lab/tensor';
import { type VariantConfig, type ViTConfig, withVariant } from '../src/config';
import { makeSyntheticDataset } from '../src/data/index';
import { createViT, type ViT } from '../src/vit';

/** 8x8x1 images, 4 patches of 4x4, 4 heads of width 4, 2 blocks. */
export function tinyConfig(overrides: Partial<ViTConfig> = {}): ViTConfig {
  return {
    imageSize: 8,
    patchSize: 4,
    inChannels: 1,
    numClasses: 4,
    dim: 16,
    depth: 2,
    numHeads: 4,
    numKvHeads: 4,
    mlpRatio: 2,
    qkvBias: true,
    dropout: 0,
    attnDropout: 0,
    variant: { kind: 'mha' },
    ...overrides,
  };
}

export function tinyModel(
  variant: VariantConfig = { kind: 'mha' },
  kv = 2,
  seed = 0,
  overrides: Partial<ViTConfig> = {},
): ViT {
  return createViT(withVariant(tinyConfig(overrides), variant, kv), new Rng(seed));
}

export function tinyData(n: number, seed = 1) {
  return makeSyntheticDataset({ n, classes: 4, height: 8, width: 8, seed, noise: 0.05 });
}
