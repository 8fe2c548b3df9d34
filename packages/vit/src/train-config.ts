/** The training loop's configuration, hooks, result, and the error its NaN / Inf guard throws. */
import type { Augment } from './data/augment/image';
import type { ImageClassifier } from './evaluate';
import type { EpochMetrics } from './metrics-log';
import type { BestEpoch, ChangeableSetting } from './train-state';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  /** Peak learning rate (after warmup). */
  lr: number;
  weightDecay: number;
  betas?: [number, number];
  warmupSteps?: number;
  /** The cosine ends here (default 0; set minLr = lr for a constant rate, as the paper's recipe). */
  minLr?: number;
  /** Clip the global gradient norm to this (default: no clipping). */
  clipNorm?: number;
  labelSmoothing?: number;
  /** Drives the data order and augmentations (the model's own RNG drives init, dropout and noise). */
  seed: number;
  augment?: Augment;
  /** Per-channel normalisation for training and test images. */
  normalize?: { mean: readonly number[]; std: readonly number[] };
  /** Checkpoints (last.safetensors, best.safetensors) and metrics go here; nothing is written without it. */
  outDir?: string;
  /** true: continue from outDir/last.safetensors; a string: from that checkpoint file. */
  resume?: boolean | string;
  /**
   * Settings a resumed run may change from the checkpoint's (any other change is refused naming the old and
   * new values). Raising `epochs` needs no entry: the warmup + cosine schedule is then laid over the new total,
   * so the remaining steps follow the longer schedule from where the run stands.
   */
  allowChange?: readonly ChangeableSetting[];
  /** Also write last.safetensors every this many steps (it is always written at each epoch end). */
  checkpointEvery?: number;
  /** Progress / steps.jsonl every this many steps (default 10). */
  logEvery?: number;
  /** No progress output. */
  quiet?: boolean;
  /** Stop after this many steps in all (the schedule still spans `epochs`, so a cut run resumes exactly). */
  maxSteps?: number;
  /** Step given to attention: the global step (default) or the batch index in the epoch, as the published DGQA code. */
  attentionStep?: 'global' | 'batchInEpoch';
  /** Evaluation batch size (default batchSize). */
  evalBatchSize?: number;
}

export interface StepInfo {
  /** 1-based epoch number. */
  epoch: number;
  /** Batches done in this epoch, this one included. */
  batch: number;
  /** Steps done, this one included. */
  step: number;
  loss: number;
  accuracy: number;
  lr: number;
  /** Total gradient norm before clipping (NaN when not clipping). */
  gradNorm: number;
}

export interface TrainHooks {
  onStep?: (info: StepInfo) => void;
  onEpoch?: (metrics: EpochMetrics) => void;
}

export interface TrainResult {
  history: EpochMetrics[];
  best: BestEpoch;
  steps: number;
  peakRssMB: number;
  peakHeapMB: number;
  /** Wall-clock seconds, earlier segments of a resumed run included. */
  seconds: number;
}

/** Thrown when the loss or the gradient norm is NaN / Inf; the last good checkpoint is left untouched. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly what: 'loss' | 'gradient norm' | 'parameters' | 'test loss',
    readonly value: number,
    readonly step: number,
    readonly epoch: number,
    readonly checkpoint: string | null,
  ) {
    super(
      `train: ${what === 'parameters' ? 'a parameter' : what} is ${value} at step ${step + 1} (epoch ${epoch + 1}); stopped without saving. ` +
        (checkpoint ? `The last good checkpoint is ${checkpoint}.` : 'No checkpoint had been written yet.'),
    );
    this.name = 'NonFiniteLossError';
  }
}

/** The first NaN / Inf among the model's parameters, or null when all are finite. */
export function firstNonFinite(model: ImageClassifier): number | null {
  for (const p of model.parameters()) {
    const v = p.data.values();
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return v[i];
  }
  return null;
}
