/**
 * Where the class token looks: per layer and head, the softmax weights of the [CLS] query over the patch tokens
 * of one image, as a (grid, grid) map (the playground's attention panel). Runs the model in eval mode without
 * gradients and leaves its state, mode and generator as they were.
 */
import { noGrad } from '@gqa-lab/autograd';
import { formatShape, type NDArray } from '@gqa-lab/tensor';
import type { ViT } from './vit';

export interface AttentionMaps {
  /** Patches per side: each head's map is grid x grid, row-major. */
  grid: number;
  /** layers[l][h]: the [CLS] row of layer l, head h, over the patches (grid·grid values). */
  layers: number[][][];
}

/** The [CLS] attention maps of `image` (1, C, H, W); `step` is passed to the attention policies. */
export function clsAttentionMaps(model: ViT, image: NDArray, step?: number): AttentionMaps {
  if (image.rank !== 4 || image.shape[0] !== 1)
    throw new RangeError(`clsAttentionMaps: image must be (1, C, H, W), got ${formatShape(image.shape)}`);
  const grid = model.config.imageSize / model.config.patchSize;
  const layers = model.attentionLayers();
  const wasTraining = model.training;
  const rngState = model.rng.getState();
  // Reference DGQA updates its cache in eval mode too: the inspection must not change what training sees.
  const before = new Map([...model.stateDict()].map(([k, v]) => [k, v.clone()]));
  model.eval();
  for (const a of layers) a.captureWeights = true;
  try {
    noGrad(() => model.forward(image, { step }));
    return {
      grid,
      layers: layers.map((a, l) => {
        const w = a.lastWeights; // (1, H, T, T), T = 1 + grid²
        if (!w) throw new Error(`clsAttentionMaps: layer ${l} kept no attention weights`);
        const [, H, T] = w.shape;
        const v = w.data.values();
        return Array.from({ length: H }, (_, h) => Array.from(v.subarray(h * T * T + 1, h * T * T + T)));
      }),
    };
  } finally {
    for (const a of layers) a.captureWeights = false;
    model.loadStateDict(before);
    model.rng.setState(rngState);
    model.train(wasTraining);
  }
}
