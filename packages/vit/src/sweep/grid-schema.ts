/**
 * The sweep grid file (JSON): `axes`, lists of values whose cartesian product is the sweep, and `fixed`,
 * settings every cell shares. Unknown keys are errors (a typo must not silently fall back to a default).
 */
import * as v from 'valibot';
import { VIT_PRESET_NAMES } from '../presets';
import { UPTRAIN_VARIANTS } from '../uptrain-results';
import { QCQA_STAGES } from '../uptrain-variants';

export const GRID_SCHEMA = 'gqa-lab/sweep-grid@1';

/** Largest number of values per axis and of cells per sweep: a typo must not enqueue a million jobs. */
export const MAX_AXIS_VALUES = 1000;
export const MAX_CELLS = 100_000;

const int = (min: number, max: number) =>
  v.pipe(v.number(), v.safeInteger(), v.minValue(min), v.maxValue(max));
const axis = <S extends v.GenericSchema>(item: S) =>
  v.pipe(
    v.array(item),
    v.minLength(1, 'must list at least one value'),
    v.maxLength(MAX_AXIS_VALUES),
    v.check((xs) => new Set(xs).size === xs.length, 'lists a value twice'),
  );
const learningRate = v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(10));

/** The axes: every combination of their values is one cell (MHA / MQA once, whatever `kvHeads` says). */
export const GridAxesSchema = v.strictObject({
  variant: axis(v.picklist(UPTRAIN_VARIANTS)),
  kvHeads: v.optional(axis(int(1, 4096))),
  seed: v.optional(axis(int(0, 2 ** 32 - 1))),
  fidelity: v.optional(axis(v.picklist(['reference', 'corrected']))),
  preset: v.optional(axis(v.picklist(VIT_PRESET_NAMES))),
  /** 'fashion-mnist' (built in) or a data folder (IDX / CIFAR), as `gqa-lab uptrain --data` takes. */
  dataset: v.optional(axis(v.pipe(v.string(), v.minLength(1), v.maxLength(4096)))),
  epochs: v.optional(axis(int(0, 10_000))),
  lr: v.optional(axis(learningRate)),
});

/** Settings shared by every cell; absent ones take `gqa-lab uptrain`'s defaults (telemetry: off). */
export const GridFixedSchema = v.strictObject({
  /** Seed of the MHA model every cell up-trains from (its init and data order). */
  pretrainSeed: v.optional(int(0, 2 ** 32 - 1)),
  pretrainEpochs: v.optional(int(1, 10_000)),
  pretrainLr: v.optional(learningRate),
  batchSize: v.optional(int(1, 65_536)),
  trainLimit: v.optional(v.nullable(int(1, Number.MAX_SAFE_INTEGER))),
  testLimit: v.optional(v.nullable(int(1, Number.MAX_SAFE_INTEGER))),
  weightDecay: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  window: v.optional(int(1, 1_000_000)),
  calibrationBatches: v.optional(int(1, 10_000)),
  qcqaGenerations: v.optional(int(1, 100_000)),
  qcqaStage: v.optional(v.picklist(QCQA_STAGES)),
  telemetry: v.optional(v.boolean()),
});

export const GridFileSchema = v.strictObject({
  schema: v.optional(v.literal(GRID_SCHEMA)),
  /** A title for the report. */
  name: v.optional(v.pipe(v.string(), v.maxLength(200))),
  axes: GridAxesSchema,
  fixed: v.optional(GridFixedSchema),
});
export type GridFile = v.InferOutput<typeof GridFileSchema>;
