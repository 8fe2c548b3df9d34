/**
 * What a training checkpoint carries besides the model, optimizer and RNG (nn's saveCheckpoint): where
 * in the data the run is, the running sums of the epoch in progress, the best epoch and the history.
 * Stored as JSON in the checkpoint's `extra`, checked field by field when read back.
 */
import type { JsonValue } from '@gqa-lab/nn';
import type { EpochMetrics } from './metrics-log';

export interface BestEpoch {
  epoch: number;
  testLoss: number;
  testAccuracy: number;
}

/** The loop's own state, enough to continue exactly where it stopped. */
export interface LoopState {
  /** 0-based epoch in progress and the next batch of it. */
  epoch: number;
  batch: number;
  step: number;
  /** Sums over the steps done in the epoch in progress. */
  lossSum: number;
  correct: number;
  seen: number;
  /** Training seconds and images of the epoch in progress (for images/s). */
  trainSeconds: number;
  epochSeconds: number;
  /** Wall-clock seconds of all finished segments of the run. */
  elapsedSeconds: number;
  best: BestEpoch | null;
  history: EpochMetrics[];
  /** What the run was started with; a resume with different values is refused. */
  fingerprint: { batchSize: number; seed: number; epochs: number; datasetSize: number; model: string };
}

/** The fresh state of a run that has not taken a step. */
export function initialLoopState(fingerprint: LoopState['fingerprint']): LoopState {
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

/** LoopState as JSON for the checkpoint's `extra` (non-finite numbers cannot occur: the NaN guard stops first). */
export function loopStateToJson(s: LoopState): JsonValue {
  return {
    ...s,
    best: s.best ? { ...s.best } : null,
    history: s.history.map((h) => ({ ...h })),
    fingerprint: { ...s.fingerprint },
  };
}

function field(path: string, obj: JsonValue, key: string): JsonValue {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw new Error(`${path}: checkpoint extra is not an object`);
  const v = obj[key];
  if (v === undefined) throw new Error(`${path}: checkpoint extra lacks '${key}'`);
  return v;
}

function num(path: string, obj: JsonValue, key: string): number {
  const v = field(path, obj, key);
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`${path}: checkpoint extra '${key}' must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function str(path: string, obj: JsonValue, key: string): string {
  const v = field(path, obj, key);
  if (typeof v !== 'string') throw new Error(`${path}: checkpoint extra '${key}' must be a string`);
  return v;
}

function epochMetrics(path: string, v: JsonValue): EpochMetrics {
  const n = (key: keyof EpochMetrics) => num(path, v, key);
  return {
    epoch: n('epoch'),
    step: n('step'),
    trainLoss: n('trainLoss'),
    trainAccuracy: n('trainAccuracy'),
    testLoss: n('testLoss'),
    testAccuracy: n('testAccuracy'),
    lr: n('lr'),
    imagesPerSecond: n('imagesPerSecond'),
    seconds: n('seconds'),
  };
}

/** Reads LoopState back from a checkpoint's `extra`; errors name the file and the bad field. */
export function loopStateFromJson(path: string, extra: JsonValue): LoopState {
  const bestRaw = field(path, extra, 'best');
  const historyRaw = field(path, extra, 'history');
  if (!Array.isArray(historyRaw)) throw new Error(`${path}: checkpoint extra 'history' must be an array`);
  const fp = field(path, extra, 'fingerprint');
  return {
    epoch: num(path, extra, 'epoch'),
    batch: num(path, extra, 'batch'),
    step: num(path, extra, 'step'),
    lossSum: num(path, extra, 'lossSum'),
    correct: num(path, extra, 'correct'),
    seen: num(path, extra, 'seen'),
    trainSeconds: num(path, extra, 'trainSeconds'),
    epochSeconds: num(path, extra, 'epochSeconds'),
    elapsedSeconds: num(path, extra, 'elapsedSeconds'),
    best:
      bestRaw === null
        ? null
        : {
            epoch: num(path, bestRaw, 'epoch'),
            testLoss: num(path, bestRaw, 'testLoss'),
            testAccuracy: num(path, bestRaw, 'testAccuracy'),
          },
    history: historyRaw.map((h) => epochMetrics(path, h)),
    fingerprint: {
      batchSize: num(path, fp, 'batchSize'),
      seed: num(path, fp, 'seed'),
      epochs: num(path, fp, 'epochs'),
      datasetSize: num(path, fp, 'datasetSize'),
      model: str(path, fp, 'model'),
    },
  };
}

/** Throws naming every field where the resumed run differs from the checkpoint's. */
export function checkFingerprint(
  path: string,
  saved: LoopState['fingerprint'],
  now: LoopState['fingerprint'],
): void {
  const diffs = (Object.keys(saved) as (keyof LoopState['fingerprint'])[])
    .filter((k) => saved[k] !== now[k])
    .map((k) => `${k}: checkpoint ${JSON.stringify(saved[k])}, now ${JSON.stringify(now[k])}`);
  if (diffs.length)
    throw new Error(
      `train: cannot resume from ${path}, the run differs from the checkpoint's (${diffs.join('; ')})`,
    );
}
