/**
 * What the up-training reads from inside the attention layers: calibration key activations of the MHA model
 * (AsymGQA's grouping input) and per-step key-norm / allocation traces of KDGQA and DGQA (the report's heatmaps).
 */
import { add, concat, expand, noGrad, Tensor } from '@gqa-lab/autograd';
import { TelemetryRecorder } from '@gqa-lab/gqa';
import { NDArray } from '@gqa-lab/tensor';
import type { LayerTrace, UptrainVariant } from './uptrain-results';
import type { ViT } from './vit';

/** The variants whose allocation changes while they train: their key norms and allocations are traced. */
export const TRACED_VARIANTS: readonly UptrainVariant[] = ['kdgqa', 'dgqa-diff', 'dgqa-ema'];

/**
 * Runs the blocks of `model` (eval mode, no gradients) over `batches` of images (B, C, H, W) and returns, per
 * layer, the keys its attention computes: (N, H, T, d) with N the total number of images. Mirrors ViT.forward
 * step by step so the keys are taken at the point the attention layer sees them.
 */
export function captureKeys(model: ViT, batches: readonly NDArray[]): NDArray[] {
  const { dim: C, numHeads: H } = model.config;
  const d = C / H;
  const wasTraining = model.training;
  model.eval();
  const perLayer: Float32Array[][] = model.attentionLayers().map(() => []);
  let images = 0;
  let tokens = 0;
  noGrad(() => {
    for (const batch of batches) {
      const B = batch.shape[0];
      const patches = model.patch_embed.forward(new Tensor(batch)); // (B, N, C)
      const cls = expand(model.cls_token, [B, 1, C]); // (B, 1, C)
      let x: Tensor = add(concat([cls, patches], 1), model.pos_embed); // (B, T, C)
      tokens = x.shape[1];
      [...model.blocks].forEach((block, l) => {
        const k = block.attn.k.forward(block.norm1.forward(x)); // (B, T, H·d)
        perLayer[l].push(Float32Array.from(k.data.values()));
        x = block.forward(x); // (B, T, C)
      });
      images += B;
    }
  });
  model.train(wasTraining);
  return perLayer.map((chunks) => {
    const all = new Float32Array(images * tokens * C);
    let offset = 0;
    for (const c of chunks) {
      all.set(c, offset);
      offset += c.length;
    }
    return NDArray.of(all, [images, tokens, H, d]).permute([0, 2, 1, 3]); // (N, H, T, d)
  });
}

/** Attaches one recorder to every attention layer (names `blocks.{i}.attn`) and returns it. */
export function attachTelemetry(model: ViT): TelemetryRecorder {
  const recorder = new TelemetryRecorder();
  model.attentionLayers().forEach((attn, i) => {
    attn.telemetry = { recorder, layer: `blocks.${i}.attn` };
  });
  return recorder;
}

/** Detaches every layer's recorder (so evaluation and later runs record nothing). */
export function detachTelemetry(model: ViT): void {
  for (const attn of model.attentionLayers()) attn.telemetry = null;
}

/**
 * Training-mode records per layer as traces, thinned to at most `maxColumns` evenly spaced steps so results.json
 * stays small. A record without a step gets its position among that layer's training records.
 */
export function tracesFrom(recorder: TelemetryRecorder, depth: number, maxColumns = 200): LayerTrace[] {
  const traces: LayerTrace[] = [];
  for (let l = 0; l < depth; l++) {
    const layer = `blocks.${l}.attn`;
    const records = recorder.forLayer(layer).filter((r) => r.training);
    if (records.length === 0) continue;
    const stride = Math.max(1, Math.ceil(records.length / maxColumns));
    const kept = records.filter((_, i) => i % stride === 0);
    traces.push({
      layer,
      steps: kept.map((r, i) => r.step ?? i * stride),
      keyNorms: kept.map((r) => Array.from(r.keyNorms, (v) => Math.round(v * 1e4) / 1e4)),
      allocation: kept.map((r) => Array.from(r.allocation)),
    });
  }
  return traces;
}
