import type { SweepCellConfig, SweepRow } from '../../src/sweep-report/sweep-row';
import type { UptrainVariant } from '../../src/uptrain-results';

/** A config with the given variant / KV heads / seed and fixed other settings. */
export function cellConfig(variant: UptrainVariant, kvHeads: number, seed: number): SweepCellConfig {
  return {
    variant,
    kvHeads,
    seed,
    pretrainSeed: 0,
    fidelity: 'corrected',
    preset: 'vit_micro_patch7_28',
    dataset: 'fashion-mnist',
    epochs: 2,
    lr: 0.001,
    settings: { batchSize: 64, trainLimit: 6000 },
  };
}

/** A finished cell with the given final accuracy (other metrics derived from it, deterministic). */
export function cellRow(variant: UptrainVariant, kvHeads: number, seed: number, accuracy: number): SweepRow {
  const heads = variant === 'mha' ? 8 : variant === 'mqa' ? 1 : kvHeads;
  return {
    id: `${variant}-${kvHeads}-${seed}`,
    mhaId: 'mha-0',
    config: cellConfig(variant, heads, seed),
    mha: { testAccuracy: 0.75, testLoss: 0.65 },
    metrics: {
      convertedAccuracy: accuracy - 0.1,
      convertedLoss: 1.2,
      testAccuracy: accuracy,
      testLoss: 1 - accuracy,
      kvHeadsPerLayer: [heads, heads],
      groupSizes: [Array(heads).fill(8 / heads), Array(heads).fill(8 / heads)],
      params: 16000 + heads,
      kvBytesPerToken: 2 * 2 * heads * 4 * 4,
      trainSeconds: 1.5,
      history: [
        {
          epoch: 1,
          trainLoss: 1.1,
          trainAccuracy: accuracy - 0.05,
          testLoss: 1.05,
          testAccuracy: accuracy - 0.02,
        },
        {
          epoch: 2,
          trainLoss: 0.9,
          trainAccuracy: accuracy - 0.01,
          testLoss: 1 - accuracy,
          testAccuracy: accuracy,
        },
      ],
      steps: [
        { step: 10, trainLoss: 1.3, trainAccuracy: 0.5 },
        { step: 20, trainLoss: 1.0, trainAccuracy: 0.6 + seed / 100 },
      ],
    },
  };
}

/** mha, mqa once per seed; gqa and kdgqa at 2 and 4 KV heads; seeds 0..2. */
export function sweepFixture(): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const seed of [0, 1, 2]) {
    rows.push(cellRow('mha', 8, seed, 0.75 + seed / 1000));
    rows.push(cellRow('mqa', 1, seed, 0.66 + seed / 500));
    for (const kv of [2, 4]) {
      rows.push(cellRow('gqa', kv, seed, 0.7 + kv / 100 + seed / 200));
      rows.push(cellRow('kdgqa', kv, seed, 0.71 + kv / 100 + seed / 250));
    }
  }
  return rows;
}
