/** `gqa-lab uptrain`: the up-training experiment from flags and an optional JSON config file. */
import { runUptrain } from '../uptrain';
import { DEFAULT_UPTRAIN_CONFIG, type UptrainConfig, validateUptrainConfig } from '../uptrain-config';
import { UPTRAIN_VARIANTS } from '../uptrain-results';
import { summaryMarkdown } from '../uptrain-summary';
import type { CommandSpec } from './args';
import { loadCommandConfig, requirePath, usageFromRange } from './common';
import { flag, switchFlag } from './flag';
import { requireDataPath } from './inputs';
import {
  batchSizeFlag,
  calibrationBatchesFlag,
  dataFlag,
  fidelityFlag,
  lrFlag,
  outDirFlag,
  presetFlag,
  qcqaGenerationsFlag,
  qcqaStageFlag,
  testLimitFlag,
  trainLimitFlag,
  weightDecayFlag,
  windowFlag,
} from './shared-flags';
import { choiceListValue, intListValue, intValue, numberValue, pathValue } from './values';

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
    presetFlag(),
    dataFlag('IDX folder (MNIST-like) or CIFAR binary folder; default built-in Fashion-MNIST'),
    trainLimitFlag('use at most N training images (a fixed seeded subset)'),
    testLimitFlag(),
    flag('checkpoint', 'PATH', 'load the MHA model from this model file instead of pretraining', (f, r) =>
      pathValue(f, r, true),
    ),
    flag('pretrainEpochs', 'N', 'MHA pretraining epochs (0 with --checkpoint)', (f, r) =>
      intValue(f, r, 0, 10_000),
    ),
    flag('epochs', 'N', 'fine-tuning epochs per variant (0: evaluate the conversions as they are)', (f, r) =>
      intValue(f, r, 0, 10_000),
    ),
    batchSizeFlag(),
    flag('pretrainLr', 'X', 'peak learning rate of pretraining (AdamW, warmup + cosine)', (f, r) =>
      numberValue(f, r, 10),
    ),
    lrFlag('peak learning rate of fine-tuning'),
    weightDecayFlag(),
    flag('variants', 'a,b|all', `variants to compare: ${UPTRAIN_VARIANTS.join(', ')}`, (f, r) =>
      choiceListValue(f, r, UPTRAIN_VARIANTS),
    ),
    flag(
      'kvHeads',
      'g1,g2',
      'KV-head counts (divisors of the head count); several -> ablation chart',
      (f, r) => intListValue(f, r, 1, 4096),
    ),
    flag('seeds', 's1,s2', 'fine-tuning seeds; several -> mean ± std', (f, r) =>
      intListValue(f, r, 0, 2 ** 32 - 1),
    ),
    fidelityFlag('reproduce the published code (quirks included) or the fixed variants'),
    windowFlag('DGQA: recompute the allocation every N training steps'),
    calibrationBatchesFlag('AsymGQA: training batches of MHA key activations'),
    qcqaGenerationsFlag(),
    qcqaStageFlag(),
    switchFlag('telemetry', 'record KDGQA / DGQA key norms and allocations for the heatmaps'),
    switchFlag('progress', 'show the per-step progress line while training'),
    outDirFlag(),
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
  const { parsed, help } = await loadCommandConfig(UPTRAIN_SPEC, argv, opts, print);
  const { progress, ...config } = opts;
  if (help) return { config, help, progress };
  // A setting that passes its flag's parser but not the combined check may come from the --config file: say so.
  const where = parsed.configPath
    ? `gqa-lab uptrain (flags and --config ${parsed.configPath})`
    : 'gqa-lab uptrain';
  usageFromRange(() => validateUptrainConfig(config), where);
  await requireDataPath(config.data);
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
