/** Tiny experiment fixtures for the uptrain / report / cli tests: a 4-head ViT on 8x8 synthetic images. */
import type { ViTConfig } from '../src/config';
import { channelStats } from '../src/data/dataset';
import { makeSyntheticDataset } from '../src/data/synthetic';
import { DEFAULT_UPTRAIN_CONFIG, type UptrainConfig } from '../src/uptrain-config';
import type { ExperimentData } from '../src/uptrain-data';
import { RESULTS_SCHEMA, type UptrainResults, type VariantRun } from '../src/uptrain-results';
import { tinyConfig } from './helpers';

/** 8x8x1 images, 4 patches, 4 heads of width 4, 2 blocks (MHA): the model tests' tiny config. */
export const TINY_VIT: ViTConfig = tinyConfig();

export function tinyExperimentData(train = 96, test = 48): ExperimentData {
  const tr = makeSyntheticDataset({ n: train, classes: 4, height: 8, width: 8, seed: 1, noise: 0.05 });
  const te = makeSyntheticDataset({ n: test, classes: 4, height: 8, width: 8, seed: 2, noise: 0.05 });
  const info = {
    name: 'synthetic',
    source: 'synthetic',
    trainSize: train,
    testSize: test,
    classes: 4,
    imageSize: 8,
    channels: 1,
  };
  return { train: tr, test: te, normalize: channelStats(tr), info };
}

export function tinyUptrainConfig(overrides: Partial<UptrainConfig> = {}): UptrainConfig {
  return {
    ...DEFAULT_UPTRAIN_CONFIG,
    pretrainEpochs: 2,
    epochs: 1,
    batchSize: 16,
    pretrainLr: 3e-3,
    qcqaGenerations: 5,
    calibrationBatches: 2,
    seeds: [42],
    ...overrides,
  };
}

/** A hand-written results document (no training) for report tests. */
export function fixedResults(): UptrainResults {
  const run = (variant: VariantRun['variant'], kvHeads: number, seed: number, acc: number): VariantRun => ({
    variant,
    kvHeads,
    kvHeadsPerLayer: [variant === 'mha' ? 4 : kvHeads, variant === 'mha' ? 4 : kvHeads],
    groupSizes: [],
    seed,
    converted: { testAccuracy: acc - 0.2, testLoss: 1.5 - acc },
    testAccuracy: acc,
    testLoss: 1 - acc,
    params: 1000 + kvHeads,
    kvBytesPerToken: 32 * kvHeads,
    trainSeconds: 1.5,
    history: [1, 2].map((epoch) => ({
      epoch,
      trainLoss: 1.2 / epoch,
      trainAccuracy: acc - 0.1 / epoch,
      testLoss: 1.1 / epoch,
      testAccuracy: acc - 0.05 / epoch,
    })),
    traces:
      variant === 'kdgqa'
        ? [
            {
              layer: 'blocks.0.attn',
              steps: [0, 1, 2],
              keyNorms: [
                [1, 2],
                [1.5, 2.5],
                [2, 1],
              ],
              allocation: [
                [1, 3],
                [2, 2],
                [3, 1],
              ],
            },
          ]
        : [],
  });
  const runs: VariantRun[] = [];
  for (const kv of [1, 2]) {
    for (const seed of [1, 2]) {
      runs.push(
        run('mha', kv, seed, 0.8 + seed / 100),
        run('gqa', kv, seed, 0.7 + kv / 20 + seed / 100),
        run('kdgqa', kv, seed, 0.72 + kv / 20),
      );
    }
  }
  return {
    schema: RESULTS_SCHEMA,
    config: { preset: 'tiny', note: '<b>escaped</b>' },
    dataset: {
      name: 'synthetic',
      source: 'synthetic',
      trainSize: 96,
      testSize: 48,
      classes: 4,
      imageSize: 8,
      channels: 1,
    },
    pretrain: { origin: 'trained', testAccuracy: 0.8, testLoss: 0.5, seconds: 2, history: [] },
    runs,
    totalSeconds: 12.5,
  };
}
