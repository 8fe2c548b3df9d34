/** Test-set evaluation: mean cross-entropy and accuracy, without gradients, in eval mode. */
import { crossEntropy, noGrad, type Tensor } from '@gqa-lab/autograd';
import type { Module } from '@gqa-lab/nn';
import type { NDArray, Rng } from '@gqa-lab/tensor';
import type { Dataset } from './data/dataset';
import { DataLoader } from './data/loader';

/** What train() and evaluate() need from a model: a Module mapping images to logits, given the step. */
export interface ImageClassifier extends Module {
  /** images (B, C, H, W) -> logits (B, classes). */
  forward(images: Tensor | NDArray, opts?: { step?: number }): Tensor;
  /** The generator behind dropout and noise, saved with checkpoints when present. */
  readonly rng?: Rng;
}

export interface EvaluateOptions {
  batchSize: number;
  /** Per-channel normalisation, the same as in training. */
  normalize?: { mean: readonly number[]; std: readonly number[] };
  /** Passed to forward (attention policies that depend on the step). */
  step?: number;
  /** Also count (true class, predicted class) pairs into a confusion matrix. */
  confusion?: boolean;
}

/** The predicted class of each row of `logits` (B, K): the first maximum. */
export function argmaxRows(logits: NDArray): Int32Array {
  const [b, k] = logits.shape;
  const v = logits.values();
  const out = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (v[i * k + j] > v[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** Number of rows of `logits` (B, K) whose largest entry is at the label (first maximum wins). */
export function countCorrect(logits: NDArray, labels: Int32Array): number {
  const [b, k] = logits.shape;
  const v = logits.values();
  let correct = 0;
  for (let i = 0; i < b; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (v[i * k + j] > v[i * k + best]) best = j;
    if (best === labels[i]) correct++;
  }
  return correct;
}

/** Mean loss and accuracy of `model` on `dataset`; the model's train / eval mode is restored after. */
export function evaluate(
  model: ImageClassifier,
  dataset: Dataset,
  opts: EvaluateOptions,
): { loss: number; accuracy: number; confusion?: number[][] } {
  if (dataset.n === 0) throw new RangeError(`evaluate(${dataset.name}): the dataset is empty`);
  const loader = new DataLoader(dataset, { batchSize: opts.batchSize, normalize: opts.normalize });
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let correct = 0;
  const K = dataset.classes.length;
  // confusion[t][p]: test images of class t predicted as p.
  const confusion = opts.confusion ? Array.from({ length: K }, () => new Array<number>(K).fill(0)) : null;
  try {
    noGrad(() => {
      for (const { images, labels } of loader.epoch(0)) {
        const logits = model.forward(images, { step: opts.step }); // (B, K)
        lossSum += crossEntropy(logits, labels, { reduction: 'sum' }).item();
        correct += countCorrect(logits.data, labels);
        if (confusion) {
          const predicted = argmaxRows(logits.data);
          for (let i = 0; i < predicted.length; i++) confusion[labels[i]][predicted[i]]++;
        }
      }
    });
  } finally {
    model.train(wasTraining);
  }
  const metrics = { loss: lossSum / dataset.n, accuracy: correct / dataset.n };
  return confusion ? { ...metrics, confusion } : metrics;
}
