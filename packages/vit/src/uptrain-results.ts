/**
 * The up-training experiment's results: one JSON document (results.json), a CSV of the runs, and the Markdown
 * summary table printed at the end. Everything here is plain data, so `gqa-lab report` can rebuild the HTML
 * from results.json alone.
 */
import { VARIANT_KINDS } from './config';

/**
 * The variants the experiment compares, in report order: every ViT block variant, then QCQA and AsymGQA, which
 * are conversions of the MHA model (unequal groups per layer) rather than block variants of their own.
 */
export const UPTRAIN_VARIANTS = [...VARIANT_KINDS, 'qcqa', 'asymgqa'] as const;

export type UptrainVariant = (typeof UPTRAIN_VARIANTS)[number];

export const RESULTS_SCHEMA = 'gqa-lab/uptrain-results@1';

/** One epoch of a fine-tuning (or pretraining) run. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

/** Per-step key-norm / allocation traces of one attention layer during fine-tuning (KDGQA, DGQA). */
export interface LayerTrace {
  layer: string;
  /** steps[i] = the training step of column i. */
  steps: number[];
  /** keyNorms[i][g], batch-summed key norm of KV head g at column i. */
  keyNorms: number[][];
  /** allocation[i][g], query heads read from KV head g at column i. */
  allocation: number[][];
}

/** One fine-tuned variant at one KV-head count and one seed. */
export interface VariantRun {
  variant: UptrainVariant;
  /** The KV-head count asked for (the x axis of the ablation). */
  kvHeads: number;
  /** KV heads per layer actually used (QCQA / AsymGQA may differ from layer to layer). */
  kvHeadsPerLayer: number[];
  /** Query heads per KV head, per layer (unequal for QCQA / AsymGQA). */
  groupSizes: number[][];
  seed: number;
  /** Test metrics right after conversion, before fine-tuning (epoch 0 of the curves). */
  converted: { testAccuracy: number; testLoss: number };
  testAccuracy: number;
  testLoss: number;
  /** Trainable parameters of the model that is evaluated (after WGQA folding). */
  params: number;
  /** K and V bytes cached per token, summed over layers (float32). */
  kvBytesPerToken: number;
  trainSeconds: number;
  history: EpochRecord[];
  traces: LayerTrace[];
}

export interface DatasetInfo {
  name: string;
  source: string;
  trainSize: number;
  testSize: number;
  classes: number;
  imageSize: number;
  channels: number;
}

export interface PretrainInfo {
  /** 'trained' for this run, or the checkpoint path it was loaded from. */
  origin: string;
  testAccuracy: number;
  testLoss: number;
  seconds: number;
  history: EpochRecord[];
}

export interface UptrainResults {
  schema: typeof RESULTS_SCHEMA;
  /** The resolved configuration (defaults, file and flags merged). */
  config: Record<string, unknown>;
  dataset: DatasetInfo;
  pretrain: PretrainInfo;
  runs: VariantRun[];
  totalSeconds: number;
}

/** Mean and (sample) standard deviation over seeds of one (variant, KV heads) cell. */
export interface RunSummary {
  variant: UptrainVariant;
  kvHeads: number;
  /** KV heads the model really has: '4', or 'min-max (mean x)' per layer for QCQA / AsymGQA. */
  kvHeadsActual: string;
  seeds: number;
  accuracyMean: number;
  accuracyStd: number;
  lossMean: number;
  lossStd: number;
  params: number;
  kvBytesPerToken: number;
  trainSecondsMean: number;
}

function meanStd(xs: readonly number[]): [number, number] {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  if (xs.length < 2) return [mean, 0];
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return [mean, Math.sqrt(v)];
}

/** Groups runs by (KV heads, variant), in ascending KV heads then the canonical variant order. */
export function summarizeRuns(runs: readonly VariantRun[]): RunSummary[] {
  const cells = new Map<string, VariantRun[]>();
  for (const r of runs) {
    const key = `${r.kvHeads}\u0000${r.variant}`;
    const list = cells.get(key);
    if (list) list.push(r);
    else cells.set(key, [r]);
  }
  const out: RunSummary[] = [];
  for (const list of cells.values()) {
    const [accuracyMean, accuracyStd] = meanStd(list.map((r) => r.testAccuracy));
    const [lossMean, lossStd] = meanStd(list.map((r) => r.testLoss));
    const [trainSecondsMean] = meanStd(list.map((r) => r.trainSeconds));
    const first = list[0];
    out.push({
      variant: first.variant,
      kvHeads: first.kvHeads,
      kvHeadsActual: describeKvHeads(first.kvHeadsPerLayer),
      seeds: list.length,
      accuracyMean,
      accuracyStd,
      lossMean,
      lossStd,
      params: first.params,
      kvBytesPerToken: first.kvBytesPerToken,
      trainSecondsMean,
    });
  }
  const order = (v: UptrainVariant) => UPTRAIN_VARIANTS.indexOf(v);
  return out.sort((a, b) => a.kvHeads - b.kvHeads || order(a.variant) - order(b.variant));
}

/** '4' when every layer has 4 KV heads, else 'min-max (mean x)'. */
export function describeKvHeads(perLayer: readonly number[]): string {
  if (perLayer.length === 0) return '?';
  const lo = Math.min(...perLayer);
  const hi = Math.max(...perLayer);
  if (lo === hi) return String(lo);
  const mean = perLayer.reduce((a, b) => a + b, 0) / perLayer.length;
  return `${lo}-${hi} (mean ${mean.toFixed(2)})`;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function withStd(mean: string, std: string, seeds: number): string {
  return seeds > 1 ? `${mean} ± ${std}` : mean;
}

/**
 * The Markdown table printed at the end of `gqa-lab uptrain` (mean ± std when several seeds ran). KV heads are
 * the model's real ones; MHA and MQA, which do not depend on the asked count, appear once.
 */
export function summaryMarkdown(results: UptrainResults): string {
  const firstCount = Math.min(...results.runs.map((r) => r.kvHeads));
  const rows = summarizeRuns(results.runs).filter(
    (r) => (r.variant !== 'mha' && r.variant !== 'mqa') || r.kvHeads === firstCount,
  );
  const header =
    '| variant | KV heads | test accuracy | test loss | params | KV bytes/token | train time (s) |\n' +
    '|---|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) =>
    [
      r.variant,
      r.kvHeadsActual,
      withStd(pct(r.accuracyMean), pct(r.accuracyStd), r.seeds),
      withStd(r.lossMean.toFixed(4), r.lossStd.toFixed(4), r.seeds),
      String(r.params),
      String(r.kvBytesPerToken),
      r.trainSecondsMean.toFixed(1),
    ].join(' | '),
  );
  return [header, ...lines.map((l) => `| ${l} |`)].join('\n');
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

/** Checks that parsed JSON has the shape of UptrainResults; errors name `where` and the bad field. */
export function parseResults(value: unknown, where: string): UptrainResults {
  assertResults(value, where);
  return value;
}

function assertResults(value: unknown, where: string): asserts value is UptrainResults {
  const fail = (what: string): never => {
    throw new Error(`${where}: not an up-training results file (${what})`);
  };
  if (typeof value !== 'object' || value === null) return fail('top level is not an object');
  const obj: { [key: string]: unknown } = { ...value };
  if (obj.schema !== RESULTS_SCHEMA)
    return fail(`schema is ${JSON.stringify(obj.schema)}, expected ${RESULTS_SCHEMA}`);
  if (!Array.isArray(obj.runs)) return fail('runs is not an array');
  for (const [i, r] of obj.runs.entries()) {
    if (typeof r !== 'object' || r === null) fail(`runs[${i}] is not an object`);
    const run: { [key: string]: unknown } = { ...r };
    if (!UPTRAIN_VARIANTS.some((v) => v === run.variant))
      fail(`runs[${i}].variant ${JSON.stringify(run.variant)}`);
    for (const k of [
      'kvHeads',
      'seed',
      'testAccuracy',
      'testLoss',
      'params',
      'kvBytesPerToken',
      'trainSeconds',
    ]) {
      if (typeof run[k] !== 'number') fail(`runs[${i}].${k} is not a number`);
    }
    if (typeof run.converted !== 'object' || run.converted === null) fail(`runs[${i}].converted is missing`);
    if (!Array.isArray(run.history) || !Array.isArray(run.traces)) fail(`runs[${i}] lacks history or traces`);
  }
  for (const k of ['dataset', 'pretrain', 'config']) {
    if (typeof obj[k] !== 'object' || obj[k] === null) fail(`${k} is missing`);
  }
}
