/** `gqa-lab convert`: an MHA model file -> a grouped variant's model file (no training). */
import { DataLoader } from '../data/loader';
import { loadExperimentData } from '../uptrain-data';
import { loadModelFile, saveModelFile } from '../uptrain-model-file';
import { captureKeys } from '../uptrain-probes';
import { UPTRAIN_VARIANTS, type UptrainVariant } from '../uptrain-results';
import { convertToVariant, foldWeightedLayers } from '../uptrain-variants';
import { type CommandSpec, UsageError } from './args';
import { loadCommandConfig, requirePath, usageFromRange } from './common';
import { choiceValue, intValue, pathValue } from './values';

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
    {
      name: 'model',
      value: 'PATH',
      help: 'MHA model file (required)',
      apply: (c, r) => {
        c.model = pathValue('model', r);
      },
    },
    {
      name: 'variant',
      value: 'NAME',
      help: `target: ${UPTRAIN_VARIANTS.join(', ')}`,
      apply: (c, r) => {
        c.variant = choiceValue('variant', r, UPTRAIN_VARIANTS);
      },
    },
    {
      name: 'kv-heads',
      value: 'G',
      help: 'KV heads (a divisor of the head count)',
      apply: (c, r) => {
        c.kvHeads = intValue('kv-heads', r, 1, 4096);
      },
    },
    {
      name: 'fidelity',
      value: 'reference|corrected',
      help: 'policy fidelity stored in the model',
      apply: (c, r) => {
        c.fidelity = choiceValue('fidelity', r, ['reference', 'corrected'] as const);
      },
    },
    {
      name: 'window',
      value: 'N',
      help: 'DGQA window',
      apply: (c, r) => {
        c.window = intValue('window', r, 1, 1_000_000);
      },
    },
    {
      name: 'seed',
      value: 'N',
      help: 'seed of the QCQA search and the model generator',
      apply: (c, r) => {
        c.seed = intValue('seed', r, 0, 2 ** 32 - 1);
      },
    },
    {
      name: 'data',
      value: 'DIR',
      help: 'AsymGQA calibration data (default built-in Fashion-MNIST)',
      apply: (c, r) => {
        c.data = pathValue('data', r, true);
      },
    },
    {
      name: 'calibration-batches',
      value: 'N',
      help: 'AsymGQA: batches of 64 training images',
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
      name: 'out',
      value: 'PATH',
      help: 'model file to write (required)',
      apply: (c, r) => {
        c.out = pathValue('out', r);
      },
    },
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
    out: '',
  };
  const { help } = await loadCommandConfig(CONVERT_SPEC, argv, opts, print);
  if (help) return;
  if (opts.model === '') throw new UsageError('gqa-lab convert: --model PATH is required');
  if (opts.out === '') throw new UsageError('gqa-lab convert: --out PATH is required');
  await requirePath('model', opts.model);
  if (opts.data !== null) await requirePath('data', opts.data);
  const { model: mha, meta } = await loadModelFile(opts.model, opts.seed);
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
    const data = await loadExperimentData(opts.data, 64 * opts.calibrationBatches, 1);
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
