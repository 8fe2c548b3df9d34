/**
 * One step of the training loop and the optimizer it steps, shared by train() (Node, with checkpoints and
 * metrics files) and loops that own their own pacing (the browser playground pauses and stops between steps).
 */
import { crossEntropy } from '@gqa-lab/autograd';
import { AdamW, clipGradNorm, paramGroupsForDecay, warmupCosineSchedule } from '@gqa-lab/nn';
import type { NDArray } from '@gqa-lab/tensor';
import { countCorrect, type ImageClassifier } from './evaluate';
import type { TrainConfig } from './train-config';

/** AdamW with decay groups (no decay on cls_token / pos_embed, biases, norms) and warmup + cosine over `totalSteps`. */
export function makeOptimizer(
  model: ImageClassifier,
  cfg: Pick<TrainConfig, 'lr' | 'weightDecay' | 'betas' | 'warmupSteps' | 'minLr'>,
  totalSteps: number,
): { optimizer: AdamW; schedule: (step: number) => number } {
  const optimizer = new AdamW(paramGroupsForDecay(model, cfg.weightDecay, ['cls_token', 'pos_embed']), {
    lr: cfg.lr,
    betas: cfg.betas ?? [0.9, 0.999],
  });
  const schedule = warmupCosineSchedule({
    lr: cfg.lr,
    warmupSteps: Math.min(cfg.warmupSteps ?? 0, totalSteps),
    totalSteps,
    minLr: cfg.minLr ?? 0,
  });
  return { optimizer, schedule };
}

export interface StepOptions {
  lr: number;
  /** The step the attention layers see (DGQA windows). */
  attentionStep: number;
  labelSmoothing?: number;
  clipNorm?: number;
  /** Called with a non-finite loss (before backward) or gradient norm (before the update); must throw. */
  nonFinite: (what: 'loss' | 'gradient norm', value: number) => never;
}

/** Forward, loss, backward, optional clipping, update; images (B, C, H, W), labels (B). */
export function trainStep(
  model: ImageClassifier,
  optimizer: AdamW,
  images: NDArray,
  labels: Int32Array,
  opts: StepOptions,
): { loss: number; gradNorm: number; correct: number } {
  optimizer.setLr(opts.lr);
  const logits = model.forward(images, { step: opts.attentionStep }); // (B, K)
  const loss = crossEntropy(logits, labels, { labelSmoothing: opts.labelSmoothing ?? 0 });
  const lossValue = loss.item();
  if (!Number.isFinite(lossValue)) opts.nonFinite('loss', lossValue);
  optimizer.zeroGrad();
  loss.backward();
  let gradNorm = Number.NaN;
  if (opts.clipNorm !== undefined) {
    gradNorm = clipGradNorm(model.parameters(), opts.clipNorm);
    if (!Number.isFinite(gradNorm)) opts.nonFinite('gradient norm', gradNorm);
  }
  optimizer.step();
  return { loss: lossValue, gradNorm, correct: countCorrect(logits.data, labels) };
}
