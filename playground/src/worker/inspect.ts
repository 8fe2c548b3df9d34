/** What the page asks of a trained model: attention maps of one test image, and its model file. */

import { noGrad } from '@gqa-lab/autograd';
import { NDArray } from '@gqa-lab/tensor';
import { argmaxRows, clsAttentionMaps, encodeModelFile, type ViT } from '@gqa-lab/vit/browser';
import type { FromWorker } from '../protocol';
import type { WorkerState } from './session';

/** The [CLS] attention maps of test image `index` under `run`'s model, with the image and the prediction. */
export function attentionOf(state: WorkerState, run: string, index: number): FromWorker {
  const entry = state.models.get(run);
  const test = state.test;
  if (!entry || !test || !state.normalize) throw new Error(`attention: no trained model named '${run}' yet`);
  const i = Math.min(Math.max(0, Math.floor(index)), test.n - 1);
  const per = test.channels * test.height * test.width;
  const pixels = test.images.subarray(i * per, (i + 1) * per);
  const { mean, std } = state.normalize;
  const hw = test.height * test.width;
  const normalized = Float32Array.from(pixels, (x, k) => {
    const c = Math.floor(k / hw);
    return (x - mean[c]) / std[c];
  });
  const image = NDArray.of(normalized, [1, test.channels, test.height, test.width]); // (1, C, H, W)
  const { model } = entry;
  const maps = clsAttentionMaps(model, image);
  const predicted = argmaxRows(noGrad(() => evalForward(model, image)))[0];
  return {
    type: 'attention',
    run,
    image: i,
    label: test.classes[test.labels[i]],
    predicted: test.classes[predicted],
    pixels: Array.from(pixels),
    maps,
    kvHead: model.attentionLayers().map((a) => kvHeadOf(a.lastAllocation, model.config.numHeads)),
  };
}

function evalForward(model: ViT, image: NDArray): NDArray {
  const wasTraining = model.training;
  model.eval();
  try {
    return model.forward(image).data; // (1, classes)
  } finally {
    model.train(wasTraining);
  }
}

/** Query head -> KV head from an allocation (query heads per KV head, contiguous). */
function kvHeadOf(allocation: Int32Array | readonly Int32Array[] | null, numHeads: number): number[] {
  const a = allocation === null ? null : allocation instanceof Int32Array ? allocation : allocation[0];
  if (!a) return Array.from({ length: numHeads }, (_, h) => h);
  const out: number[] = [];
  a.forEach((count, g) => {
    for (let k = 0; k < count; k++) out.push(g);
  });
  return out;
}

/** `run`'s model as a model file (the CLI's format: `gqa-lab eval --model` reads it). */
export function modelFileOf(state: WorkerState, run: string): FromWorker {
  const entry = state.models.get(run);
  if (!entry) throw new Error(`model file: no trained model named '${run}' yet`);
  const bytes = encodeModelFile(entry.model, entry.groupSizes, state.normalize, {
    origin: 'gqa-lab playground',
    run,
  });
  return { type: 'model-file', run, name: `${run}.safetensors`, bytes };
}
