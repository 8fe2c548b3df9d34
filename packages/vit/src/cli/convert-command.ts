/** `gqa-lab convert`: an MHA model file -> a grouped variant's model file (no training). */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DataLoader } from '../data/loader';
import { saveModelFile } from '../uptrain-model-file';
import { captureKeys } from '../uptrain-probes';
import { UPTRAIN_VARIANTS, type UptrainVariant } from '../uptrain-results';
import { convertToVariant, foldWeightedLayers, type QcqaStage } from '../uptrain-variants';
import { type CommandSpec, UsageError } from './args';
import { loadCommandConfig, usageFromRange } from './common';
import { flag } from './flag';
import { loadCommandData, requirePathFlags, resolveModelSource } from './inputs';
import {
  calibrationBatchesFlag,
  dataFlag,
  fidelityFlag,
  kvHeadsFlag,
  modelFileFlag,
  qcqaGenerationsFlag,
  qcqaStageFlag,
  seedFlag,
  windowFlag,
} from './shared-flags';
import { choiceValue, pathValue } from './values';

export interface ConvertCommandOptions {
  model: string;
  variant: UptrainVariant;
  kvHeads: number;
  fidelity: 'reference' | 'corrected';
  window: number;
  seed: number;
  data: string | null;
  calibrationBatches: number;
  qcqaGenerations: number;
  qcqaStage: QcqaStage;
  out: string;
}

export const CONVERT_SPEC: CommandSpec<ConvertCommandOptions> = {
  name: 'convert',
  summary:
    'Convert an MHA model file to a grouped variant: mean pooling (GQA family), WGQA at its mean initialisation\n' +
    '(folded), QCQA (Pareto-front pick per layer) or AsymGQA (grouped from calibration keys of --data).',
  details:
    'Example:\n  gqa-lab convert --model runs/uptrain/mha.safetensors --variant qcqa --kv-heads 2 --out qcqa.safetensors',
  flags: [
    modelFileFlag('MHA model file (required)'),
    flag('variant', 'NAME', `target: ${UPTRAIN_VARIANTS.join(', ')}`, (f, r) =>
      choiceValue(f, r, UPTRAIN_VARIANTS),
    ),
    kvHeadsFlag('KV heads (a divisor of the head count)'),
    fidelityFlag('policy fidelity stored in the model'),
    windowFlag('DGQA window'),
    seedFlag('seed of the QCQA search and the model generator'),
    dataFlag('AsymGQA calibration data (default built-in Fashion-MNIST)'),
    calibrationBatchesFlag('AsymGQA: batches of 64 training images'),
    qcqaGenerationsFlag(),
    qcqaStageFlag(),
    flag('out', 'PATH', 'model file to write (required)', pathValue),
  ],
};

/** Runs `gqa-lab convert argv...`. */
export async function convertCommand(argv: readonly string[], print: (s: string) => void): Promise<void> {
  const opts: ConvertCommandOptions = {
    model: '',
    variant: 'gqa',
    kvHeads: 2,
    fidelity: 'corrected',
    window: 4,
    seed: 42,
    data: null,
    calibrationBatches: 4,
    qcqaGenerations: 40,
    qcqaStage: 'layer',
    out: '',
  };
  const { help } = await loadCommandConfig(CONVERT_SPEC, argv, opts, print);
  if (help) return;
  requirePathFlags('convert', { model: opts.model, out: opts.out });
  // The output's folder is made before any work, so a long calibration never ends in ENOENT.
  await mkdir(dirname(resolve(opts.out)), { recursive: true });
  const { model: mha, meta } = await resolveModelSource(opts, opts.seed);
  if (mha.config.variant.kind !== 'mha' || meta.groupSizes) {
    throw new UsageError(
      `--model: ${opts.model} holds a '${mha.config.variant.kind}' model; convert starts from MHA`,
    );
  }
  const H = mha.config.numHeads;
  if (H % opts.kvHeads !== 0) {
    const divisors = Array.from({ length: H }, (_, i) => i + 1).filter((g) => H % g === 0);
    throw new UsageError(
      `--kv-heads: ${opts.kvHeads} does not divide the ${H} heads (accepted: ${divisors.join(', ')})`,
    );
  }
  let calibrationKeys: ReturnType<typeof captureKeys> | undefined;
  if (opts.variant === 'asymgqa') {
    const data = await loadCommandData(opts.data, 64 * opts.calibrationBatches, 1);
    const normalize = meta.normalize ?? data.normalize;
    const loader = new DataLoader(data.train, { batchSize: 64, normalize });
    calibrationKeys = captureKeys(
      mha,
      [...loader.epoch(0)].map((b) => b.images),
    );
  }
  const { model, groupSizes } = usageFromRange(
    () => convertToVariant(mha, { ...opts, calibrationKeys }),
    'gqa-lab convert',
  );
  if (opts.variant === 'wgqa') foldWeightedLayers(model);
  const unequal = opts.variant === 'qcqa' || opts.variant === 'asymgqa';
  await saveModelFile(opts.out, model, unequal ? groupSizes : null, meta.normalize, {
    origin: `gqa-lab convert from ${opts.model}`,
    variant: opts.variant,
  });
  print(
    `${opts.variant}: KV heads per layer [${groupSizes.map((g) => g.length).join(', ')}], group sizes ${JSON.stringify(groupSizes)}`,
  );
  print(`wrote ${opts.out}`);
}
