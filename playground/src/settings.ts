/** What the user chooses before training, its defaults (seconds per variant on a laptop) and its limits. */
import type { Fidelity } from '@gqa-lab/gqa';
import type { UptrainVariant } from '@gqa-lab/vit/browser';

/** The presets that take the bundled 28x28 grey Fashion-MNIST images. */
export const PLAYGROUND_PRESETS = [
  'vit_micro_patch7_28',
  'vit_tiny_patch7_28',
  'vit_tiny_patch4_28',
] as const;
export type PlaygroundPreset = (typeof PLAYGROUND_PRESETS)[number];

export type BackendChoice = 'cpu' | 'webgl2';

export interface Settings {
  preset: PlaygroundPreset;
  /** Each is converted from the same pretrained MHA model and fine-tuned with the same seed and budget. */
  variants: UptrainVariant[];
  /** KV heads per layer (a divisor of the preset's 8 query heads). */
  kvHeads: number;
  fidelity: Fidelity;
  /** Epochs of MHA pretraining (skipped when an MHA model file was loaded). */
  pretrainEpochs: number;
  /** Fine-tuning epochs per variant. */
  epochs: number;
  /** Fine-tuning learning rate (pretraining uses 3x this). */
  lr: number;
  seed: number;
  /** Training images used (a seeded subset of the bundled 10,000). */
  trainImages: number;
  /** Test images used (a seeded subset of the bundled 2,000). */
  testImages: number;
  batchSize: number;
  backend: BackendChoice;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  preset: 'vit_micro_patch7_28',
  variants: ['gqa', 'kdgqa', 'dgqa-diff'],
  kvHeads: 2,
  fidelity: 'corrected',
  pretrainEpochs: 2,
  epochs: 1,
  lr: 1e-3,
  seed: 42,
  trainImages: 2000,
  testImages: 500,
  batchSize: 32,
  backend: 'cpu',
};

/** Checks a Settings object; the message names the control and the accepted values. */
export function settingsProblem(s: Settings): string | null {
  if (s.variants.length === 0) return 'Variants: choose at least one';
  if (![1, 2, 4, 8].includes(s.kvHeads)) return 'KV heads: must divide the 8 query heads (1, 2, 4 or 8)';
  const ints: [string, number, number, number][] = [
    ['Pretraining epochs', s.pretrainEpochs, 0, 50],
    ['Fine-tuning epochs', s.epochs, 0, 50],
    ['Seed', s.seed, 0, 2 ** 32 - 1],
    ['Training images', s.trainImages, s.batchSize, 10_000],
    ['Test images', s.testImages, 1, 2_000],
    ['Batch size', s.batchSize, 1, 512],
  ];
  for (const [name, v, lo, hi] of ints)
    if (!Number.isInteger(v) || v < lo || v > hi) return `${name}: an integer in [${lo}, ${hi}], got ${v}`;
  if (!(Number.isFinite(s.lr) && s.lr > 0 && s.lr <= 1))
    return `Learning rate: a number in (0, 1], got ${s.lr}`;
  return null;
}
