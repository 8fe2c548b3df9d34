/** `gqa-lab train`: train one ViT (any variant) and write a model file plus the training loop's checkpoints. */
import { join } from 'node:path';
import { Rng } from '@gqa-lab/tensor';
import { VARIANT_KINDS, type VariantKind, withVariant } from '../config';
import { VIT_PRESET_NAMES } from '../presets';
import { train } from '../train';
import { loadExperimentData, presetForData } from '../uptrain-data';
import { saveModelFile } from '../uptrain-model-file';
import { createViT } from '../vit';
import type { CommandSpec } from './args';
import { loadCommandConfig, requirePath, usageFromRange } from './common';
import { boolValue, choiceValue, intValue, limitValue, numberValue, pathValue } from './values';

export interface TrainCommandOptions {
  preset: string;
  data: string | null;
  trainLimit: number | null;
  testLimit: number | null;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  warmupSteps: number;
  seed: number;
  variant: VariantKind;
  kvHeads: number;
  fidelity: 'reference' | 'corrected';
  resume: boolean;
  out: string;
}

export const TRAIN_DEFAULTS: Readonly<TrainCommandOptions> = {
  preset: 'vit_micro_patch7_28',
  data: null,
  trainLimit: null,
  testLimit: null,
  epochs: 3,
  batchSize: 64,
  lr: 3e-3,
  weightDecay: 0.01,
  warmupSteps: 100,
  seed: 42,
  variant: 'mha',
  kvHeads: 2,
  fidelity: 'corrected',
  resume: false,
  out: 'runs/train',
};

export const TRAIN_SPEC: CommandSpec<TrainCommandOptions> = {
  name: 'train',
  summary:
    'Train a ViT from scratch; writes DIR/model.safetensors (use it with eval, convert, uptrain --checkpoint),\n' +
    'last.safetensors / best.safetensors checkpoints and metrics.csv / metrics.jsonl to --out.',
  details:
    'Example:\n  gqa-lab train --epochs 5 --out runs/mha && gqa-lab eval --model runs/mha/model.safetensors',
  flags: [
    {
      name: 'preset',
      value: 'NAME',
      help: `model shape: ${VIT_PRESET_NAMES.join(', ')}`,
      apply: (c, r) => {
        c.preset = choiceValue('preset', r, VIT_PRESET_NAMES);
      },
    },
    {
      name: 'data',
      value: 'DIR',
      help: 'IDX or CIFAR folder; default built-in Fashion-MNIST',
      apply: (c, r) => {
        c.data = pathValue('data', r, true);
      },
    },
    {
      name: 'train-limit',
      value: 'N|all',
      help: 'use at most N training images',
      apply: (c, r) => {
        c.trainLimit = limitValue('train-limit', r);
      },
    },
    {
      name: 'test-limit',
      value: 'N|all',
      help: 'use at most N test images',
      apply: (c, r) => {
        c.testLimit = limitValue('test-limit', r);
      },
    },
    {
      name: 'epochs',
      value: 'N',
      help: 'training epochs',
      apply: (c, r) => {
        c.epochs = intValue('epochs', r, 1, 10_000);
      },
    },
    {
      name: 'batch-size',
      value: 'N',
      help: 'batch size',
      apply: (c, r) => {
        c.batchSize = intValue('batch-size', r, 1, 65_536);
      },
    },
    {
      name: 'lr',
      value: 'X',
      help: 'peak learning rate (AdamW, warmup + cosine)',
      apply: (c, r) => {
        c.lr = numberValue('lr', r, 10);
      },
    },
    {
      name: 'weight-decay',
      value: 'X',
      help: 'AdamW weight decay in [0, 1]',
      apply: (c, r) => {
        c.weightDecay = numberValue('weight-decay', r, 1, true);
      },
    },
    {
      name: 'warmup-steps',
      value: 'N',
      help: 'linear warmup steps',
      apply: (c, r) => {
        c.warmupSteps = intValue('warmup-steps', r, 0, 10_000_000);
      },
    },
    {
      name: 'seed',
      value: 'N',
      help: 'seed of init, data order, dropout and noise',
      apply: (c, r) => {
        c.seed = intValue('seed', r, 0, 2 ** 32 - 1);
      },
    },
    {
      name: 'variant',
      value: 'KIND',
      help: `attention variant: ${VARIANT_KINDS.join(', ')}`,
      apply: (c, r) => {
        c.variant = choiceValue('variant', r, VARIANT_KINDS);
      },
    },
    {
      name: 'kv-heads',
      value: 'G',
      help: 'KV heads for grouped variants (a divisor of the head count)',
      apply: (c, r) => {
        c.kvHeads = intValue('kv-heads', r, 1, 4096);
      },
    },
    {
      name: 'fidelity',
      value: 'reference|corrected',
      help: 'published behaviour or the corrected variants',
      apply: (c, r) => {
        c.fidelity = choiceValue('fidelity', r, ['reference', 'corrected'] as const);
      },
    },
    {
      name: 'resume',
      help: 'continue from DIR/last.safetensors',
      apply: (c, r) => {
        c.resume = boolValue('resume', r);
      },
    },
    {
      name: 'out',
      value: 'DIR',
      help: 'output folder',
      apply: (c, r) => {
        c.out = pathValue('out', r);
      },
    },
  ],
};

/** Runs `gqa-lab train argv...`. */
export async function trainCommand(argv: readonly string[], print: (s: string) => void): Promise<void> {
  const opts: TrainCommandOptions = { ...TRAIN_DEFAULTS };
  const { help } = await loadCommandConfig(TRAIN_SPEC, argv, opts, print);
  if (help) return;
  if (opts.data !== null) await requirePath('data', opts.data);
  const data = await loadExperimentData(opts.data, opts.trainLimit, opts.testLimit);
  const config = usageFromRange(
    () =>
      withVariant(
        presetForData(opts.preset, data.info),
        { kind: opts.variant, fidelity: opts.fidelity },
        opts.kvHeads,
      ),
    'gqa-lab train',
  );
  const model = usageFromRange(
    () => createViT(config, new Rng(opts.seed)),
    'gqa-lab train (--variant / --kv-heads)',
  );
  print(
    `training ${opts.preset} (${opts.variant}, ${config.numKvHeads} KV heads) on ${data.info.name}: ${data.info.trainSize} images`,
  );
  const result = await train(model, data, {
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    lr: opts.lr,
    weightDecay: opts.weightDecay,
    warmupSteps: opts.warmupSteps,
    clipNorm: 1,
    seed: opts.seed,
    normalize: data.normalize,
    outDir: opts.out,
    resume: opts.resume,
  });
  const last = result.history.at(-1);
  const path = join(opts.out, 'model.safetensors');
  await saveModelFile(path, model, null, data.normalize, {
    origin: 'gqa-lab train',
    variant: opts.variant,
    testAccuracy: last?.testAccuracy ?? Number.NaN,
  });
  print(
    `test accuracy ${last ? (100 * last.testAccuracy).toFixed(2) : '?'}%; wrote ${path} in ${result.seconds.toFixed(1)} s`,
  );
}
