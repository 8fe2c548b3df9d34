/**
 * Schemas of the sweep's jobs as they travel (queue payloads) and are stored (sweep.json): a worker checks
 * every job it receives, so a payload from another gqa-lab version fails with the key that differs.
 */
import { parseWithSchema, writeFileAtomic } from '@gqa-lab/nn';
import * as v from 'valibot';
import { UPTRAIN_VARIANTS } from '../uptrain-results';
import { QCQA_STAGES } from '../uptrain-variants';
import type { CellConfig, MhaConfig, SweepJob } from './cell-config';
import type { SweepPlan } from './grid';
import { planPath } from './sweep-layout';

const int = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const num = v.pipe(v.number(), v.finite());
const id = v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/, 'is not a 16-hex-digit id'));
const text = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));

const MhaConfigSchema = v.strictObject({
  preset: text,
  dataset: text,
  pretrainSeed: int,
  pretrainEpochs: int,
  pretrainLr: num,
  batchSize: int,
  trainLimit: v.nullable(int),
  testLimit: v.nullable(int),
  weightDecay: num,
});

const CellConfigSchema = v.strictObject({
  variant: v.picklist(UPTRAIN_VARIANTS),
  kvHeads: int,
  seed: int,
  pretrainSeed: int,
  fidelity: v.picklist(['reference', 'corrected']),
  preset: text,
  dataset: text,
  epochs: int,
  lr: num,
  settings: v.strictObject({
    pretrainEpochs: int,
    pretrainLr: num,
    batchSize: int,
    trainLimit: v.nullable(int),
    testLimit: v.nullable(int),
    weightDecay: num,
    window: int,
    calibrationBatches: int,
    qcqaGenerations: int,
    qcqaStage: v.picklist(QCQA_STAGES),
    telemetry: v.boolean(),
  }),
});

export const SweepJobSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('mha'), id, config: MhaConfigSchema }),
  v.strictObject({ kind: v.literal('cell'), id, mhaId: id, config: CellConfigSchema }),
]);

export const PLAN_SCHEMA = 'gqa-lab/sweep-plan@1';

const PlanSchema = v.strictObject({
  schema: v.literal(PLAN_SCHEMA),
  name: v.string(),
  mha: v.array(v.strictObject({ kind: v.literal('mha'), id, config: MhaConfigSchema })),
  cells: v.array(v.strictObject({ kind: v.literal('cell'), id, mhaId: id, config: CellConfigSchema })),
});

/** A job received from the queue (`where` names it in the error). */
export function parseSweepJob(value: unknown, where: string): SweepJob {
  const job = parseWithSchema(SweepJobSchema, value, where, 'sweep job');
  return job.kind === 'mha'
    ? { ...job, config: job.config satisfies MhaConfig }
    : { ...job, config: job.config satisfies CellConfig };
}

/** A parsed sweep.json. */
export function parsePlan(value: unknown, where: string): SweepPlan {
  const { name, mha, cells } = parseWithSchema(PlanSchema, value, where, 'sweep plan');
  return { name, mha, cells };
}

/** Writes DIR/sweep.json atomically. */
export async function writePlan(out: string, plan: SweepPlan): Promise<void> {
  const doc = { schema: PLAN_SCHEMA, ...plan };
  await writeFileAtomic(planPath(out), new TextEncoder().encode(`${JSON.stringify(doc, null, 1)}\n`));
}
