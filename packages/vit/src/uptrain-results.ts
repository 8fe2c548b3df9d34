/**
 * The up-training experiment's results: one JSON document (results.json), a CSV of the runs, and the Markdown
 * summary table printed at the end. Everything here is plain data, so `gqa-lab report` can rebuild the HTML
 * from results.json alone.
 */
import { JsonValueSchema, parseWithSchema } from '@gqa-lab/nn';
import * as v from 'valibot';
import { VARIANT_KINDS } from './config';

/**
 * The variants the experiment compares, in report order: every ViT block variant, then QCQA and AsymGQA, which
 * are conversions of the MHA model (unequal groups per layer) rather than block variants of their own.
 */
export const UPTRAIN_VARIANTS = [...VARIANT_KINDS, 'qcqa', 'asymgqa'] as const;

export type UptrainVariant = (typeof UPTRAIN_VARIANTS)[number];

/** K and V bytes cached per token (float32), summed over layers with `kvHeadsPerLayer[l]` KV heads of width dim / numHeads. */
export function kvCacheBytesPerToken(
  kvHeadsPerLayer: readonly number[],
  config: { dim: number; numHeads: number },
): number {
  return kvHeadsPerLayer.reduce((s, g) => s + 2 * g * (config.dim / config.numHeads) * 4, 0);
}

export const RESULTS_SCHEMA = 'gqa-lab/uptrain-results@1';

const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const positive = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const fraction = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const seconds = v.pipe(v.number(), v.finite(), v.minValue(0));
const text = v.pipe(v.string(), v.maxLength(10_000));

/** One epoch of a fine-tuning (or pretraining) run. */
export const EpochRecordSchema = v.strictObject({
  epoch: count,
  trainLoss: finite,
  trainAccuracy: fraction,
  testLoss: finite,
  testAccuracy: fraction,
});
export type EpochRecord = v.InferOutput<typeof EpochRecordSchema>;

/** Training loss and accuracy averaged over the steps of one bin, ending at `step` (the per-step curve). */
export const StepRecordSchema = v.strictObject({
  step: positive,
  trainLoss: finite,
  trainAccuracy: fraction,
});
export type StepRecord = v.InferOutput<typeof StepRecordSchema>;

/**
 * Per-step key-norm / allocation traces of one attention layer during fine-tuning (KDGQA, DGQA): steps[i] is
 * the training step of column i; keyNorms[i][g] the batch-summed key norm and allocation[i][g] the query heads
 * of KV head g at column i.
 */
export const LayerTraceSchema = v.pipe(
  v.strictObject({
    layer: text,
    steps: v.array(count),
    keyNorms: v.array(v.array(finite)),
    allocation: v.array(v.array(count)),
  }),
  v.check(
    (t) => t.keyNorms.length === t.steps.length && t.allocation.length === t.steps.length,
    'steps, keyNorms and allocation have different lengths',
  ),
);
export type LayerTrace = v.InferOutput<typeof LayerTraceSchema>;

/**
 * One fine-tuned variant at one KV-head count (the x axis of the ablation) and one seed: the KV heads per layer
 * actually used and the query heads per KV head (unequal for QCQA / AsymGQA), the test metrics right after
 * conversion (epoch 0 of the curves) and after fine-tuning, trainable parameters, K and V bytes cached per
 * token (float32, summed over layers), seconds, per-epoch history, binned per-step training curve and telemetry
 * traces.
 */
export const VariantRunSchema = v.strictObject({
  variant: v.picklist(UPTRAIN_VARIANTS),
  kvHeads: positive,
  kvHeadsPerLayer: v.array(positive),
  groupSizes: v.array(v.array(positive)),
  seed: finite,
  converted: v.strictObject({ testAccuracy: fraction, testLoss: finite }),
  testAccuracy: fraction,
  testLoss: finite,
  params: count,
  kvBytesPerToken: count,
  trainSeconds: seconds,
  history: v.array(EpochRecordSchema),
  /** Binned per-step training curve; absent in files written before it was recorded. */
  steps: v.optional(v.array(StepRecordSchema)),
  traces: v.array(LayerTraceSchema),
});
export type VariantRun = v.InferOutput<typeof VariantRunSchema>;

export const DatasetInfoSchema = v.strictObject({
  name: text,
  source: text,
  trainSize: count,
  testSize: count,
  classes: positive,
  imageSize: positive,
  channels: positive,
});
export type DatasetInfo = v.InferOutput<typeof DatasetInfoSchema>;

/** The MHA model: origin is 'trained' for this run, or the checkpoint path it was loaded from. */
export const PretrainInfoSchema = v.strictObject({
  origin: text,
  testAccuracy: fraction,
  testLoss: finite,
  seconds,
  history: v.array(EpochRecordSchema),
});
export type PretrainInfo = v.InferOutput<typeof PretrainInfoSchema>;

/** results.json: the resolved configuration (defaults, file and flags merged), data set, MHA model, runs. */
export const UptrainResultsSchema = v.strictObject({
  schema: v.literal(RESULTS_SCHEMA),
  config: v.record(v.string(), JsonValueSchema),
  dataset: DatasetInfoSchema,
  pretrain: PretrainInfoSchema,
  runs: v.array(VariantRunSchema),
  totalSeconds: seconds,
});
export type UptrainResults = v.InferOutput<typeof UptrainResultsSchema>;

/** '4' when every layer has 4 KV heads, else 'min-max (mean x)'. */
export function describeKvHeads(perLayer: readonly number[]): string {
  if (perLayer.length === 0) return '?';
  const lo = Math.min(...perLayer);
  const hi = Math.max(...perLayer);
  if (lo === hi) return String(lo);
  const mean = perLayer.reduce((a, b) => a + b, 0) / perLayer.length;
  return `${lo}-${hi} (mean ${mean.toFixed(2)})`;
}

export const CSV_HEADER = [
  'variant',
  'kv_heads',
  'kv_heads_per_layer',
  'seed',
  'converted_accuracy',
  'test_accuracy',
  'test_loss',
  'params',
  'kv_bytes_per_token',
  'train_seconds',
  'epochs',
] as const;

/** One CSV row per run (per-layer KV heads joined by ';' so the file stays one value per column). */
export function resultsCsv(results: UptrainResults): string {
  const rows = results.runs.map((r) =>
    [
      r.variant,
      r.kvHeads,
      r.kvHeadsPerLayer.join(';'),
      r.seed,
      r.converted.testAccuracy,
      r.testAccuracy,
      r.testLoss,
      r.params,
      r.kvBytesPerToken,
      r.trainSeconds.toFixed(3),
      r.history.length,
    ].join(','),
  );
  return `${[CSV_HEADER.join(','), ...rows].join('\n')}\n`;
}

/** Validates parsed results.json; a FileFormatError names `where` and the key path of the first problem. */
export function parseResults(value: unknown, where: string): UptrainResults {
  return parseWithSchema(UptrainResultsSchema, value, where, 'up-training results');
}
