/** `gqa-lab uptrain`: the up-training experiment from flags and an optional JSON config file. */
import { VIT_PRESET_NAMES } from '../presets';
import { runUptrain } from '../uptrain';
import { DEFAULT_UPTRAIN_CONFIG, type UptrainConfig, validateUptrainConfig } from '../uptrain-config';
import { summaryMarkdown, UPTRAIN_VARIANTS } from '../uptrain-results';
import type { CommandSpec } from './args';
import { loadCommandConfig, requirePath, usageFromRange } from './common';
import {
  boolValue,
  choiceListValue,
  choiceValue,
  intListValue,
  intValue,
  limitValue,
  numberValue,
  pathValue,
} from './values';

/** The experiment's settings plus how the command shows progress. */
export type UptrainCliOptions = UptrainConfig & { progress: boolean };

export const UPTRAIN_SPEC: CommandSpec<UptrainCliOptions> = {
  name: 'uptrain',
  summary:
    'Pretrain (or load) an MHA ViT, convert it to each grouped variant, fine-tune each with the same seed and\n' +
    'budget, evaluate, and write results.json, results.csv, summary.md and report.html to --out.',
  details: [
    'Examples:',
    '  gqa-lab uptrain                                   # defaults: built-in Fashion-MNIST, a few minutes on 2 cores',
    '  gqa-lab uptrain --variants mha,gqa,kdgqa --kv-heads 1,2,4 --seeds 1,2,3',
    '  gqa-lab uptrain --data ~/cifar --preset vit_tiny_patch4_32 --pretrain-epochs 20 --epochs 5',
    `Defaults: ${JSON.stringify(DEFAULT_UPTRAIN_CONFIG)}`,
  ].join('\n'),
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
      help: 'IDX folder (MNIST-like) or CIFAR binary folder; default built-in Fashion-MNIST',
      apply: (c, r) => {
        c.data = pathValue('data', r, true);
      },
    },
    {
      name: 'train-limit',
      value: 'N|all',
      help: 'use at most N training images (a fixed seeded subset)',
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
      name: 'checkpoint',
      value: 'PATH',
      help: 'load the MHA model from this model file instead of pretraining',
      apply: (c, r) => {
        c.checkpoint = pathValue('checkpoint', r, true);
      },
    },
    {
      name: 'pretrain-epochs',
      value: 'N',
      help: 'MHA pretraining epochs (0 with --checkpoint)',
      apply: (c, r) => {
        c.pretrainEpochs = intValue('pretrain-epochs', r, 0, 10_000);
      },
    },
    {
      name: 'epochs',
      value: 'N',
      help: 'fine-tuning epochs per variant (0: evaluate the conversions as they are)',
      apply: (c, r) => {
        c.epochs = intValue('epochs', r, 0, 10_000);
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
      name: 'pretrain-lr',
      value: 'X',
      help: 'peak learning rate of pretraining (AdamW, warmup + cosine)',
      apply: (c, r) => {
        c.pretrainLr = numberValue('pretrain-lr', r, 10);
      },
    },
    {
      name: 'lr',
      value: 'X',
      help: 'peak learning rate of fine-tuning',
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
      name: 'variants',
      value: 'a,b|all',
      help: `variants to compare: ${UPTRAIN_VARIANTS.join(', ')}`,
      apply: (c, r) => {
        c.variants = choiceListValue('variants', r, UPTRAIN_VARIANTS);
      },
    },
    {
      name: 'kv-heads',
      value: 'g1,g2',
      help: 'KV-head counts (divisors of the head count); several -> ablation chart',
      apply: (c, r) => {
        c.kvHeads = intListValue('kv-heads', r, 1, 4096);
      },
    },
    {
      name: 'seeds',
      value: 's1,s2',
      help: 'fine-tuning seeds; several -> mean ± std',
      apply: (c, r) => {
        c.seeds = intListValue('seeds', r, 0, 2 ** 32 - 1);
      },
    },
    {
      name: 'fidelity',
      value: 'reference|corrected',
      help: 'reproduce the published code (quirks included) or the fixed variants',
      apply: (c, r) => {
        c.fidelity = choiceValue('fidelity', r, ['reference', 'corrected'] as const);
      },
    },
    {
      name: 'window',
      value: 'N',
      help: 'DGQA: recompute the allocation every N training steps',
      apply: (c, r) => {
        c.window = intValue('window', r, 1, 1_000_000);
      },
    },
    {
      name: 'calibration-batches',
      value: 'N',
      help: 'AsymGQA: training batches of MHA key activations',
      apply: (c, r) => {
        c.calibrationBatches = intValue('calibration-batches', r, 1, 10_000);
      },
    },
    {
      name: 'qcqa-generations',
      value: 'N',
      help: 'QCQA: NSGA-II generations per layer',
      apply: (c, r) => {
        c.qcqaGenerations = intValue('qcqa-generations', r, 1, 100_000);
      },
    },
    {
      name: 'telemetry',
      help: 'record KDGQA / DGQA key norms and allocations for the heatmaps',
      apply: (c, r) => {
        c.telemetry = boolValue('telemetry', r);
      },
    },
    {
      name: 'progress',
      help: 'show the per-step progress line while training',
      apply: (c, r) => {
        c.progress = boolValue('progress', r);
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

/** Resolves the config (defaults < --config file < flags), checks it and its paths. */
export async function resolveUptrainConfig(
  argv: readonly string[],
  print: (s: string) => void = (s) => console.log(s),
): Promise<{ config: UptrainConfig; help: boolean; progress: boolean }> {
  const d = DEFAULT_UPTRAIN_CONFIG;
  const opts: UptrainCliOptions = {
    ...d,
    variants: [...d.variants],
    kvHeads: [...d.kvHeads],
    seeds: [...d.seeds],
    progress: true,
  };
  const { help } = await loadCommandConfig(UPTRAIN_SPEC, argv, opts, print);
  const { progress, ...config } = opts;
  if (help) return { config, help, progress };
  usageFromRange(() => validateUptrainConfig(config), 'gqa-lab uptrain');
  if (config.data !== null) await requirePath('data', config.data);
  if (config.checkpoint !== null) await requirePath('checkpoint', config.checkpoint);
  return { config, help, progress };
}

/** Runs `gqa-lab uptrain argv...`; prints the summary table and where the files went. */
export async function uptrainCommand(argv: readonly string[], print: (s: string) => void): Promise<void> {
  const { config, help, progress } = await resolveUptrainConfig(argv, print);
  if (help) return;
  const started = performance.now();
  const results = await runUptrain(config, { log: print, progress });
  print('');
  print(summaryMarkdown(results));
  print('');
  print(
    `wrote ${config.out}/results.json, results.csv, summary.md, report.html in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
