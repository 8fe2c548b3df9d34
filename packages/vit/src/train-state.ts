/**
 * What a training checkpoint carries besides the model, optimizer and RNG (nn's saveCheckpoint): where
 * in the data the run is, the running sums of the epoch in progress, the best epoch, the history and the
 * fingerprint of every setting that shapes the run. One valibot schema, declared once, validates it when
 * read back and gives the types; `checkLoopState` then checks that the counters agree with each other.
 */
import { FileFormatError, type JsonValue, parseWithSchema } from '@gqa-lab/nn';
import * as v from 'valibot';

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const finite = v.pipe(v.number(), v.finite());
const seconds = v.pipe(v.number(), v.finite(), v.minValue(0));
const fraction = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

export const EpochMetricsSchema = v.strictObject({
  epoch: v.pipe(count, v.minValue(1)),
  step: count,
  trainLoss: finite,
  trainAccuracy: fraction,
  testLoss: finite,
  testAccuracy: fraction,
  lr: finite,
  imagesPerSecond: seconds,
  seconds,
});

export type EpochMetrics = v.InferOutput<typeof EpochMetricsSchema>;

export const BestEpochSchema = v.strictObject({
  epoch: v.pipe(count, v.minValue(1)),
  testLoss: finite,
  testAccuracy: fraction,
});

export type BestEpoch = v.InferOutput<typeof BestEpochSchema>;

/**
 * Every setting that shapes a run. The first group can never change on resume (the data order, the model and
 * the saved state depend on them); `epochs` may rise freely; the rest change only when named in
 * TrainConfig.allowChange (`--allow-change` on the command line).
 */
export const FingerprintSchema = v.strictObject({
  batchSize: v.pipe(count, v.minValue(1)),
  seed: finite,
  datasetSize: count,
  /** Class name and parameter count. */
  model: v.string(),
  /** The model's configuration without its fidelity (JSON), or '' when the model has none. */
  architecture: v.string(),
  epochs: v.pipe(count, v.minValue(1)),
  lr: finite,
  weightDecay: finite,
  betas: v.tuple([finite, finite]),
  warmupSteps: count,
  minLr: finite,
  clipNorm: v.nullable(finite),
  labelSmoothing: finite,
  attentionStep: v.picklist(['global', 'batchInEpoch']),
  normalize: v.nullable(v.strictObject({ mean: v.array(finite), std: v.array(finite) })),
  fidelity: v.nullable(v.string()),
});

export type Fingerprint = v.InferOutput<typeof FingerprintSchema>;

/** Fingerprint keys that never change on resume. */
export const FIXED_ON_RESUME = ['batchSize', 'seed', 'datasetSize', 'model', 'architecture'] as const;

/** Fingerprint keys that TrainConfig.allowChange may name. */
export const CHANGEABLE_ON_RESUME = [
  'epochs',
  'lr',
  'weightDecay',
  'betas',
  'warmupSteps',
  'minLr',
  'clipNorm',
  'labelSmoothing',
  'attentionStep',
  'normalize',
  'fidelity',
] as const;

export type ChangeableSetting = (typeof CHANGEABLE_ON_RESUME)[number];

export const LoopStateSchema = v.strictObject({
  /** 0-based epoch in progress and the next batch of it. */
  epoch: count,
  batch: count,
  step: count,
  /** Sums over the steps done in the epoch in progress. */
  lossSum: v.pipe(v.number(), v.finite(), v.minValue(0)),
  correct: count,
  seen: count,
  /** Training seconds and images of the epoch in progress (for images/s). */
  trainSeconds: seconds,
  epochSeconds: seconds,
  /** Wall-clock seconds of all finished segments of the run. */
  elapsedSeconds: seconds,
  best: v.nullable(BestEpochSchema),
  history: v.array(EpochMetricsSchema),
  fingerprint: FingerprintSchema,
});

/** The loop's own state, enough to continue exactly where it stopped. */
export type LoopState = v.InferOutput<typeof LoopStateSchema>;

/** The fresh state of a run that has not taken a step. */
export function initialLoopState(fingerprint: Fingerprint): LoopState {
  return {
    epoch: 0,
    batch: 0,
    step: 0,
    lossSum: 0,
    correct: 0,
    seen: 0,
    trainSeconds: 0,
    epochSeconds: 0,
    elapsedSeconds: 0,
    best: null,
    history: [],
    fingerprint,
  };
}

/** LoopState as JSON for the checkpoint's `extra` (non-finite numbers cannot occur: the NaN guards stop first). */
export function loopStateToJson(s: LoopState): JsonValue {
  return structuredClone({ ...s, fingerprint: { ...s.fingerprint, betas: [...s.fingerprint.betas] } });
}

const FORMAT = 'training checkpoint loop state';

/** Reads LoopState back from a checkpoint's `extra`; errors name the file and the key path under `extra`. */
export function loopStateFromJson(path: string, extra: JsonValue): LoopState {
  try {
    return parseWithSchema(LoopStateSchema, extra, path, FORMAT);
  } catch (e) {
    if (e instanceof FileFormatError)
      throw new FileFormatError(path, FORMAT, e.keyPath === '' ? 'extra' : `extra.${e.keyPath}`, e.detail);
    throw e;
  }
}

/**
 * Checks that the counters agree with each other and with the run: the batch lies inside an epoch, the step
 * is where (epoch, batch) puts it, the sums cover exactly the batches done, the history has one row per
 * finished epoch. `batches` is the number of batches per epoch; `checkpointStep` nn's own step counter.
 */
export function checkLoopState(path: string, s: LoopState, batches: number, checkpointStep: number): void {
  const fail = (key: string, detail: string): never => {
    throw new FileFormatError(path, FORMAT, `extra.${key}`, detail);
  };
  const batchSize = s.fingerprint.batchSize;
  if (s.batch >= batches)
    fail('batch', `is ${s.batch}, but an epoch has ${batches} batches (0..${batches - 1})`);
  if (s.epoch > s.fingerprint.epochs)
    fail('epoch', `is ${s.epoch}, past the run's ${s.fingerprint.epochs} epochs`);
  if (s.step !== s.epoch * batches + s.batch)
    fail(
      'step',
      `is ${s.step}, but epoch ${s.epoch} batch ${s.batch} of ${batches} per epoch is step ${s.epoch * batches + s.batch}`,
    );
  if (s.step !== checkpointStep) fail('step', `is ${s.step}, but the checkpoint's step is ${checkpointStep}`);
  if (s.seen !== s.batch * batchSize)
    fail('seen', `is ${s.seen}, but ${s.batch} batches of ${batchSize} were done in this epoch`);
  if (s.correct > s.seen) fail('correct', `is ${s.correct}, more than the ${s.seen} images seen`);
  if (s.history.length !== s.epoch)
    fail('history', `has ${s.history.length} rows for ${s.epoch} finished epochs`);
  s.history.forEach((row, i) => {
    if (row.epoch !== i + 1) fail(`history[${i}].epoch`, `is ${row.epoch}, expected ${i + 1}`);
  });
  if (s.best !== null && s.best.epoch > s.epoch)
    fail('best.epoch', `is ${s.best.epoch}, but only ${s.epoch} epochs are finished`);
}

/** A resume the checkpoint's settings refuse; names every changed setting with its old and new value. */
export class ResumeMismatchError extends Error {
  override readonly name = 'ResumeMismatchError';
}

/**
 * Throws naming every setting where the resumed run differs from the checkpoint's, with old and new values,
 * unless it is `epochs` raised, or named in `allowChange` (never one of FIXED_ON_RESUME). `epochs` is never
 * lowered below the epochs already started.
 */
export function checkFingerprint(
  path: string,
  saved: Fingerprint,
  now: Fingerprint,
  allowChange: readonly ChangeableSetting[] = [],
  epochsStarted = 0,
): void {
  const show = (x: unknown) => JSON.stringify(x);
  const diffs: string[] = [];
  for (const key of Object.keys(saved) as (keyof Fingerprint)[]) {
    if (show(saved[key]) === show(now[key])) continue;
    const change = `${key}: checkpoint ${show(saved[key])}, now ${show(now[key])}`;
    if (key === 'epochs') {
      const raised = now.epochs > saved.epochs;
      if (now.epochs < epochsStarted) diffs.push(`${change} (${epochsStarted} epochs are already under way)`);
      else if (!raised && !allowChange.includes('epochs')) diffs.push(change);
      continue;
    }
    const changeable = CHANGEABLE_ON_RESUME.some((k) => k === key);
    if (!changeable) diffs.push(`${change} (cannot change on resume)`);
    else if (!allowChange.some((k) => k === key)) diffs.push(change);
  }
  if (diffs.length)
    throw new ResumeMismatchError(
      `train: cannot resume from ${path}, the run differs from the checkpoint's (${diffs.join('; ')}). ` +
        `To change a setting on purpose, name it in --allow-change (one of ${CHANGEABLE_ON_RESUME.join(', ')}).`,
    );
}
