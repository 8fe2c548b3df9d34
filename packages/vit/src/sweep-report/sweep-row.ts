/**
 * One finished cell of a sweep as the report sees it: its resolved config (the axes the statistics group by)
 * and its metrics, built from what an uptrain results.json already holds. sweep-results.json is a list of
 * these, checked by SweepResultsSchema on the way in and out.
 */
import { parseWithSchema } from '@gqa-lab/nn';
import * as v from 'valibot';
import {
  EpochRecordSchema,
  StepRecordSchema,
  UPTRAIN_VARIANTS,
  type UptrainResults,
  type VariantRun,
} from '../uptrain-results';

export const SWEEP_RESULTS_SCHEMA = 'gqa-lab/sweep-results@1';

const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const positive = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const fraction = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const text = v.pipe(v.string(), v.maxLength(10_000));
const scalar = v.union([text, finite, v.boolean(), v.null()]);

/**
 * The resolved config of one cell. kvHeads is the count asked for; MHA and MQA, which do not depend on it,
 * carry their real count (the query heads, and 1), so one cell serves every KV-head count of the grid.
 */
export const SweepCellConfigSchema = v.strictObject({
  variant: v.picklist(UPTRAIN_VARIANTS),
  kvHeads: positive,
  /** Fine-tuning seed: cells of different variants with the same seed are paired. */
  seed: count,
  /** Seed of the MHA model the cell up-trained from. */
  pretrainSeed: count,
  fidelity: v.picklist(['reference', 'corrected']),
  preset: text,
  /** A label: 'fashion-mnist' for the built-in set, else the data path as given. */
  dataset: text,
  epochs: count,
  lr: v.pipe(finite, v.minValue(0)),
  /** Every other resolved setting (pretrainEpochs, batchSize, trainLimit, ...), scalars only. */
  settings: v.record(text, scalar),
});
export type SweepCellConfig = v.InferOutput<typeof SweepCellConfigSchema>;

export const SweepMetricsSchema = v.strictObject({
  /** Right after conversion, before fine-tuning. */
  convertedAccuracy: fraction,
  convertedLoss: finite,
  /** After fine-tuning. */
  testAccuracy: fraction,
  testLoss: finite,
  kvHeadsPerLayer: v.array(positive),
  groupSizes: v.array(v.array(positive)),
  params: count,
  /** K and V bytes cached per token (float32, summed over layers). */
  kvBytesPerToken: count,
  trainSeconds: v.pipe(finite, v.minValue(0)),
  history: v.array(EpochRecordSchema),
  steps: v.array(StepRecordSchema),
});
export type SweepMetrics = v.InferOutput<typeof SweepMetricsSchema>;

export const SweepRowSchema = v.strictObject({
  /** The cell id (a hash of its resolved config). */
  id: text,
  /** Id of the pretrained MHA model the cell up-trained from. */
  mhaId: text,
  config: SweepCellConfigSchema,
  /** That MHA model before conversion. */
  mha: v.strictObject({ testAccuracy: fraction, testLoss: finite }),
  metrics: SweepMetricsSchema,
});
export type SweepRow = v.InferOutput<typeof SweepRowSchema>;

/** A cell that failed for good: its last error and how often it was tried. */
export const FailedCellSchema = v.strictObject({
  id: text,
  config: SweepCellConfigSchema,
  error: text,
  attempts: count,
});
export type FailedCell = v.InferOutput<typeof FailedCellSchema>;

/** sweep-results.json. */
export const SweepResultsSchema = v.strictObject({
  schema: v.literal(SWEEP_RESULTS_SCHEMA),
  title: text,
  rows: v.array(SweepRowSchema),
  failed: v.array(FailedCellSchema),
});
export type SweepResults = v.InferOutput<typeof SweepResultsSchema>;

/** A row from one fine-tuned run (uptrain's VariantRun) and the MHA model it came from. */
export function sweepRowFromRun(
  id: string,
  mhaId: string,
  config: SweepCellConfig,
  mha: { testAccuracy: number; testLoss: number },
  run: VariantRun,
): SweepRow {
  if (run.variant !== config.variant) {
    throw new RangeError(
      `sweep cell ${id}: its run is '${run.variant}' but its config says '${config.variant}'`,
    );
  }
  return {
    id,
    mhaId,
    config,
    mha: { testAccuracy: mha.testAccuracy, testLoss: mha.testLoss },
    metrics: {
      convertedAccuracy: run.converted.testAccuracy,
      convertedLoss: run.converted.testLoss,
      testAccuracy: run.testAccuracy,
      testLoss: run.testLoss,
      kvHeadsPerLayer: [...run.kvHeadsPerLayer],
      groupSizes: run.groupSizes.map((g) => [...g]),
      params: run.params,
      kvBytesPerToken: run.kvBytesPerToken,
      trainSeconds: run.trainSeconds,
      history: run.history.map((e) => ({ ...e })),
      steps: (run.steps ?? []).map((s) => ({ ...s })),
    },
  };
}

/** A row from one cell's uptrain results (parsed with parseResults); they must hold exactly one run. */
export function sweepRowFromUptrain(
  id: string,
  mhaId: string,
  config: SweepCellConfig,
  results: UptrainResults,
): SweepRow {
  if (results.runs.length !== 1) {
    throw new RangeError(
      `sweep cell ${id}: its results hold ${results.runs.length} runs, expected exactly 1`,
    );
  }
  return sweepRowFromRun(id, mhaId, config, results.pretrain, results.runs[0]);
}

/** The row without its wall-clock timing: what must be equal, bit for bit, however the sweep was run. */
export function withoutTimings(row: SweepRow): SweepRow {
  return { ...row, metrics: { ...row.metrics, trainSeconds: 0 } };
}

/** Validates parsed sweep-results.json; a FileFormatError names `where` and the key path of the first problem. */
export function parseSweepResults(value: unknown, where: string): SweepResults {
  return parseWithSchema(SweepResultsSchema, value, where, 'sweep results');
}
