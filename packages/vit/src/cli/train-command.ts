/** `gqa-lab train`: train one ViT (any variant) and write a model file plus the training loop's checkpoints. */
import { join } from 'node:path';
import { Rng } from '@gqa-lab/tensor';
import { VARIANT_KINDS, type VariantKind, withVariant } from '../config';
import { train } from '../train';
import { CHANGEABLE_ON_RESUME, type ChangeableSetting } from '../train-state';
import { presetForData } from '../uptrain-data';
import { saveModelFile } from '../uptrain-model-file';
import { createViT } from '../vit';
import type { CommandSpec } from './args';
import { loadCommandConfig, usageFromRange } from './common';
import { flag, switchFlag } from './flag';
import { loadCommandData } from './inputs';
import {
  batchSizeFlag,
  dataFlag,
  fidelityFlag,
  kvHeadsFlag,
  lrFlag,
  outDirFlag,
  presetFlag,
  seedFlag,
  testLimitFlag,
  trainLimitFlag,
  weightDecayFlag,
} from './shared-flags';
import { choiceListValue, choiceValue, intValue } from './values';

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
  allowChange: ChangeableSetting[];
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
  allowChange: [],
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
    presetFlag(),
    dataFlag(),
    trainLimitFlag(),
    testLimitFlag(),
    flag('epochs', 'N', 'training epochs', (f, r) => intValue(f, r, 1, 10_000)),
    batchSizeFlag(),
    lrFlag('peak learning rate (AdamW, warmup + cosine)'),
    weightDecayFlag(),
    flag('warmupSteps', 'N', 'linear warmup steps', (f, r) => intValue(f, r, 0, 10_000_000)),
    seedFlag('seed of init, data order, dropout and noise'),
    flag('variant', 'KIND', `attention variant: ${VARIANT_KINDS.join(', ')}`, (f, r) =>
      choiceValue(f, r, VARIANT_KINDS),
    ),
    kvHeadsFlag('KV heads for grouped variants (a divisor of the head count)'),
    fidelityFlag('published behaviour or the corrected variants'),
    switchFlag('resume', 'continue from DIR/last.safetensors (a raised --epochs extends a finished run)'),
    flag(
      'allowChange',
      'LIST',
      `settings --resume may change from the checkpoint's: ${CHANGEABLE_ON_RESUME.join(', ')}`,
      (f, r) => choiceListValue(f, r, CHANGEABLE_ON_RESUME),
    ),
    outDirFlag(),
  ],
};

/** Runs `gqa-lab train argv...`. */
export async function trainCommand(argv: readonly string[], print: (s: string) => void): Promise<void> {
  const opts: TrainCommandOptions = { ...TRAIN_DEFAULTS };
  const { help } = await loadCommandConfig(TRAIN_SPEC, argv, opts, print);
  if (help) return;
  const data = await loadCommandData(opts.data, opts.trainLimit, opts.testLimit);
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
    allowChange: opts.allowChange,
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
