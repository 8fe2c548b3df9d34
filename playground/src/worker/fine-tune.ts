/**
 * Trains one model for some epochs with the CLI's step (vit's trainStep / makeOptimizer, AdamW, warmup + cosine,
 * clipping at 1), pausing and stopping between steps, and reports every step, every epoch's test metrics and,
 * for traced variants, each step's allocation and key norms.
 */

import type { TelemetryRecorder } from '@gqa-lab/gqa';
import {
  DataLoader,
  type Dataset,
  type EpochRecord,
  evaluate,
  makeOptimizer,
  NonFiniteLossError,
  type StepRecord,
  trainStep,
  type ViT,
} from '@gqa-lab/vit/browser';
import type { Pacer } from './pacer';

export interface FitOptions {
  epochs: number;
  lr: number;
  seed: number;
  batchSize: number;
  normalize: { mean: number[]; std: number[] };
}

export interface FitReport {
  step(step: number, loss: number, accuracy: number): void;
  epoch(record: EpochRecord): void;
  trace(step: number, allocation: number[][], keyNorms: number[][]): void;
}

/** Trains `model` in place; returns the epoch history and the per-step curve binned to at most 200 points. */
export async function fit(
  model: ViT,
  data: { train: Dataset; test: Dataset },
  opts: FitOptions,
  pacer: Pacer,
  report: FitReport,
  recorder: TelemetryRecorder | null,
): Promise<{ history: EpochRecord[]; steps: StepRecord[] }> {
  const loader = new DataLoader(data.train, {
    batchSize: opts.batchSize,
    shuffle: true,
    dropLast: true,
    seed: opts.seed,
    normalize: opts.normalize,
  });
  const totalSteps = opts.epochs * loader.numBatches;
  // As the CLI's up-training: a tenth of the run (at most 100 steps) of warmup keeps AdamW from undoing the conversion.
  const warmupSteps = Math.min(100, Math.floor(totalSteps / 10));
  const { optimizer, schedule } = makeOptimizer(
    model,
    { lr: opts.lr, weightDecay: 0.01, warmupSteps },
    totalSteps,
  );
  const history: EpochRecord[] = [];
  const points: { loss: number; accuracy: number }[] = [];
  let step = 0;
  model.train();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (const { images, labels } of loader.epoch(epoch)) {
      const r = trainStep(model, optimizer, images, labels, {
        lr: schedule(step),
        attentionStep: step,
        clipNorm: 1,
        nonFinite: (what, value) => {
          throw new NonFiniteLossError(what, value, step, epoch, null);
        },
      });
      step++;
      lossSum += r.loss * labels.length;
      correct += r.correct;
      seen += labels.length;
      points.push({ loss: r.loss, accuracy: r.correct / labels.length });
      report.step(step, r.loss, r.correct / labels.length);
      if (recorder) reportTrace(recorder, model.config.depth, step, report);
      await pacer.between();
    }
    const test = evaluate(model, data.test, { batchSize: 100, normalize: opts.normalize, step });
    const record = {
      epoch: epoch + 1,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
    };
    history.push(record);
    report.epoch(record);
  }
  return { history, steps: binSteps(points, 200) };
}

/** The last training record of each layer: the allocation and key norms this step used. */
function reportTrace(recorder: TelemetryRecorder, depth: number, step: number, report: FitReport): void {
  const last = recorder.records.slice(-depth);
  if (last.length !== depth || last.some((r) => !r.training)) return;
  report.trace(
    step,
    last.map((r) => Array.from(r.allocation)),
    last.map((r) => Array.from(r.keyNorms)),
  );
  // Only the latest step is needed here; the session keeps the thinned traces for results.json.
}

/** Averages consecutive steps into at most `max` bins; each bin is labelled by its last step (1-based). */
export function binSteps(points: readonly { loss: number; accuracy: number }[], max: number): StepRecord[] {
  const size = Math.max(1, Math.ceil(points.length / max));
  const out: StepRecord[] = [];
  for (let start = 0; start < points.length; start += size) {
    const bin = points.slice(start, start + size);
    out.push({
      step: start + bin.length,
      trainLoss: bin.reduce((s, p) => s + p.loss, 0) / bin.length,
      trainAccuracy: bin.reduce((s, p) => s + p.accuracy, 0) / bin.length,
    });
  }
  return out;
}
