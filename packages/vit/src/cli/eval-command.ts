/** `gqa-lab eval`: test loss and accuracy of a model file. */
import { evaluate } from '../evaluate';
import { loadExperimentData } from '../uptrain-data';
import { loadModelFile } from '../uptrain-model-file';
import { type CommandSpec, UsageError } from './args';
import { loadCommandConfig, requirePath } from './common';
import { intValue, limitValue, pathValue } from './values';

export interface EvalCommandOptions {
  model: string;
  data: string | null;
  testLimit: number | null;
  batchSize: number;
}

export const EVAL_SPEC: CommandSpec<EvalCommandOptions> = {
  name: 'eval',
  summary: 'Evaluate a model file (from train, convert or uptrain) on the test split: loss and accuracy.',
  details: 'Example:\n  gqa-lab eval --model runs/uptrain/mha.safetensors',
  flags: [
    {
      name: 'model',
      value: 'PATH',
      help: 'model file (required)',
      apply: (c, r) => {
        c.model = pathValue('model', r);
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
      name: 'test-limit',
      value: 'N|all',
      help: 'use at most N test images',
      apply: (c, r) => {
        c.testLimit = limitValue('test-limit', r);
      },
    },
    {
      name: 'batch-size',
      value: 'N',
      help: 'evaluation batch size',
      apply: (c, r) => {
        c.batchSize = intValue('batch-size', r, 1, 65_536);
      },
    },
  ],
};

/** Runs `gqa-lab eval argv...`. */
export async function evalCommand(argv: readonly string[], print: (s: string) => void): Promise<void> {
  const opts: EvalCommandOptions = { model: '', data: null, testLimit: null, batchSize: 256 };
  const { help } = await loadCommandConfig(EVAL_SPEC, argv, opts, print);
  if (help) return;
  if (opts.model === '') throw new UsageError('gqa-lab eval: --model PATH is required');
  await requirePath('model', opts.model);
  if (opts.data !== null) await requirePath('data', opts.data);
  const { model, meta } = await loadModelFile(opts.model);
  const data = await loadExperimentData(opts.data, 1, opts.testLimit);
  const normalize = meta.normalize ?? data.normalize;
  const r = evaluate(model, data.test, { batchSize: opts.batchSize, normalize });
  const variant = typeof meta.info.variant === 'string' ? meta.info.variant : meta.config.variant.kind;
  const kv = meta.groupSizes?.map((g) => g.length) ?? model.attentionLayers().map((a) => a.numKvHeads);
  print(
    `${opts.model}: ${variant}, KV heads per layer [${kv.join(', ')}]; ${data.info.testSize} test images of ${data.info.name}`,
  );
  print(`test accuracy ${(100 * r.accuracy).toFixed(2)}%, test loss ${r.loss.toFixed(4)}`);
}
