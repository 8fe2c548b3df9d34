/** `gqa-lab eval`: test loss and accuracy of a model file. */
import { evaluate } from '../evaluate';
import { type CommandSpec, UsageError } from './args';
import { loadCommandConfig } from './common';
import { loadCommandData, requirePathFlags, resolveModelSource } from './inputs';
import { batchSizeFlag, dataFlag, modelFileFlag, testLimitFlag } from './shared-flags';

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
    modelFileFlag('model file (required)'),
    dataFlag(),
    testLimitFlag(),
    batchSizeFlag('evaluation batch size'),
  ],
};

/** Runs `gqa-lab eval argv...`. */
export async function evalCommand(argv: readonly string[], print: (s: string) => void): Promise<void> {
  const opts: EvalCommandOptions = { model: '', data: null, testLimit: null, batchSize: 256 };
  const { help } = await loadCommandConfig(EVAL_SPEC, argv, opts, print);
  if (help) return;
  requirePathFlags('eval', { model: opts.model });
  const { model, meta } = await resolveModelSource(opts);
  const data = await loadCommandData(opts.data, 1, opts.testLimit);
  const c = meta.config;
  const d = data.info;
  if (c.imageSize !== d.imageSize || c.inChannels !== d.channels || c.numClasses < d.classes)
    throw new UsageError(
      `gqa-lab eval: ${opts.model} takes ${c.inChannels}x${c.imageSize}x${c.imageSize} images of ${c.numClasses} classes, ` +
        `but ${d.name} has ${d.channels}x${d.imageSize}x${d.imageSize} images of ${d.classes} classes`,
    );
  const normalize = meta.normalize ?? data.normalize;
  const r = evaluate(model, data.test, { batchSize: opts.batchSize, normalize });
  const variant = typeof meta.info.variant === 'string' ? meta.info.variant : meta.config.variant.kind;
  const kv = meta.groupSizes?.map((g) => g.length) ?? model.attentionLayers().map((a) => a.numKvHeads);
  print(
    `${opts.model}: ${variant}, KV heads per layer [${kv.join(', ')}]; ${data.info.testSize} test images of ${data.info.name}`,
  );
  print(`test accuracy ${(100 * r.accuracy).toFixed(2)}%, test loss ${r.loss.toFixed(4)}`);
}
