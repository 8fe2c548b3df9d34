/**
 * The per-variant run of the up-training experiment: convert, fine-tune and evaluate one (variant, KV heads,
 * seed) job. uptrain.ts owns the loop over jobs and the outputs.
 */
import { evaluate } from './evaluate';
import type { StepInfo, TrainHooks } from './train';
import type { UptrainConfig } from './uptrain-config';
import type { ExperimentData } from './uptrain-data';
import { attachTelemetry, type captureKeys, detachTelemetry, TRACED_VARIANTS } from './uptrain-probes';
import type { EpochRecord, StepRecord, UptrainVariant, VariantRun } from './uptrain-results';
import { variantRunRecord } from './uptrain-run-record';
import { convertToVariant, foldWeightedLayers } from './uptrain-variants';
import type { ViT } from './vit';

export type Fit = (
  model: ViT,
  epochs: number,
  lr: number,
  seed: number,
  hooks?: TrainHooks,
) => Promise<{ history: EpochMetricsLike[] }>;

/** Points of the per-step curve: enough to show its shape, few enough to keep results.json small. */
const STEP_CURVE_POINTS = 60;

/**
 * Records the training loss and accuracy averaged over bins of steps (about STEP_CURVE_POINTS bins): the
 * bins depend only on the step count, so runs of one config line up seed by seed.
 */
function stepCurveRecorder(totalSteps: number): { hooks: TrainHooks; points: StepRecord[] } {
  const bin = Math.max(1, Math.ceil(totalSteps / STEP_CURVE_POINTS));
  const points: StepRecord[] = [];
  let loss = 0;
  let accuracy = 0;
  let n = 0;
  const onStep = (info: StepInfo) => {
    loss += info.loss;
    accuracy += info.accuracy;
    n++;
    if (info.step % bin === 0 || info.step === totalSteps) {
      points.push({ step: info.step, trainLoss: loss / n, trainAccuracy: accuracy / n });
      loss = 0;
      accuracy = 0;
      n = 0;
    }
  };
  return { hooks: { onStep }, points };
}

export interface EpochMetricsLike {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

export function toEpochRecord(m: EpochMetricsLike): EpochRecord {
  const { epoch, trainLoss, trainAccuracy, testLoss, testAccuracy } = m;
  return { epoch, trainLoss, trainAccuracy, testLoss, testAccuracy };
}

/**
 * One run of the experiment: converts the MHA model to one variant (at one KV-head count), evaluates the
 * conversion, fine-tunes it with the job's seed, and evaluates it again.
 */
export async function fineTuneVariant(
  mha: ViT,
  job: {
    variant: UptrainVariant;
    kvHeads: number;
    seed: number;
    calibrationKeys?: ReturnType<typeof captureKeys>;
  },
  cfg: UptrainConfig,
  fit: Fit,
  data: ExperimentData,
): Promise<{ run: VariantRun; model: ViT }> {
  const { model, groupSizes } = convertToVariant(mha, {
    ...job,
    fidelity: cfg.fidelity,
    window: cfg.window,
    qcqaGenerations: cfg.qcqaGenerations,
    qcqaStage: cfg.qcqaStage,
  });
  const evalOpts = { batchSize: cfg.batchSize, normalize: data.normalize };
  const converted = evaluate(model, data.test, evalOpts);
  const recorder = cfg.telemetry && TRACED_VARIANTS.includes(job.variant) ? attachTelemetry(model) : null;
  const t0 = performance.now();
  const curve = stepCurveRecorder(cfg.epochs * Math.floor(data.train.n / cfg.batchSize));
  const history =
    cfg.epochs > 0
      ? (await fit(model, cfg.epochs, cfg.lr, job.seed, curve.hooks)).history.map(toEpochRecord)
      : [];
  const trainSeconds = (performance.now() - t0) / 1000;
  detachTelemetry(model);
  if (job.variant === 'wgqa') foldWeightedLayers(model);
  const final = evaluate(model, data.test, evalOpts);
  const run = variantRunRecord({
    variant: job.variant,
    kvHeads: job.kvHeads,
    seed: job.seed,
    groupSizes,
    model,
    converted,
    final,
    trainSeconds,
    history,
    steps: curve.points,
    recorder,
  });
  return { run, model };
}
