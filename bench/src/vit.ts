/**
 * Workload C on our side: a tiny pre-norm ViT built from nn layers and autograd ops (lucidrains' vit.py
 * on one page), trained one step at a time with AdamW. 28x28x1 images, patch 4 -> 49 patches + cls.
 * Attention is the fused scaledDotProductAttention, as torch users write F.scaled_dot_product_attention.
 */
import {
  add,
  concat,
  crossEntropy,
  expand,
  fromNDArray,
  gelu,
  permute,
  reshape,
  scaledDotProductAttention,
  slice,
  type Tensor,
} from '@gqa-lab/autograd';
import { AdamW, LayerNorm, Linear, Module, ModuleList, Parameter } from '@gqa-lab/nn';
import { fromArray, normal, Rng, uniform } from '@gqa-lab/tensor';
import { sampleMemory } from './memory';

export interface VitShape {
  readonly batch: number;
  readonly image: number;
  readonly patch: number;
  readonly dim: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlp: number;
  readonly classes: number;
}

export const VIT_SHAPE: VitShape = {
  batch: 64,
  image: 28,
  patch: 4,
  dim: 64,
  depth: 4,
  heads: 8,
  mlp: 256,
  classes: 10,
};

/** One training batch: images (B, 1, S, S) in [0, 1) and labels (B,), from a seed. */
export function vitBatch(s: VitShape, seed = 11): { images: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const images = Float32Array.from(uniform([s.batch, 1, s.image, s.image], 0, 1, rng).values());
  const labels = Int32Array.from({ length: s.batch }, (_, i) => i % s.classes);
  return { images, labels };
}

class Block extends Module {
  readonly norm1: LayerNorm;
  readonly qkv: Linear;
  readonly proj: Linear;
  readonly norm2: LayerNorm;
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(
    private readonly s: VitShape,
    rng: Rng,
  ) {
    super();
    this.norm1 = new LayerNorm(s.dim);
    this.qkv = new Linear(s.dim, 3 * s.dim, { rng });
    this.proj = new Linear(s.dim, s.dim, { rng });
    this.norm2 = new LayerNorm(s.dim);
    this.fc1 = new Linear(s.dim, s.mlp, { rng });
    this.fc2 = new Linear(s.mlp, s.dim, { rng });
  }
  /** x (B, N, C) -> (B, N, C) */
  forward(x: Tensor): Tensor {
    const [B, N, C] = x.shape;
    const H = this.s.heads;
    const D = C / H;
    const qkv = permute(reshape(this.qkv.forward(this.norm1.forward(x)), [B, N, 3, H, D]), [2, 0, 3, 1, 4]); // (3, B, H, N, D)
    const pick = (i: number) => reshape(slice(qkv, [{ start: i, stop: i + 1 }]), [B, H, N, D]);
    const att = scaledDotProductAttention(pick(0), pick(1), pick(2), { scale: 1 / Math.sqrt(D) }); // (B, H, N, D)
    const y = reshape(permute(att, [0, 2, 1, 3]), [B, N, C]); // (B, N, C)
    const h = add(x, this.proj.forward(y));
    return add(h, this.fc2.forward(gelu(this.fc1.forward(this.norm2.forward(h)))));
  }
}

/** The tiny ViT: patch embedding, cls token, learned positions, `depth` blocks, final norm, linear head. */
export class TinyVit extends Module {
  readonly embed: Linear;
  readonly cls: Parameter;
  readonly pos: Parameter;
  readonly blocks: ModuleList<Block>;
  readonly norm: LayerNorm;
  readonly head: Linear;
  constructor(
    private readonly s: VitShape,
    seed = 5,
  ) {
    super();
    const rng = new Rng(seed);
    const tokens = (s.image / s.patch) ** 2 + 1;
    this.embed = new Linear(s.patch * s.patch, s.dim, { rng });
    this.cls = new Parameter(normal([1, 1, s.dim], 0, 0.02, rng));
    this.pos = new Parameter(normal([1, tokens, s.dim], 0, 0.02, rng));
    this.blocks = new ModuleList(Array.from({ length: s.depth }, () => new Block(s, rng)));
    this.norm = new LayerNorm(s.dim);
    this.head = new Linear(s.dim, s.classes, { rng });
  }
  /** images (B, 1, S, S) -> logits (B, classes) */
  forward(images: Tensor): Tensor {
    const { batch: B, image: S, patch: P, dim: C } = this.s;
    const g = S / P;
    const patches = reshape(permute(reshape(images, [B, g, P, g, P]), [0, 1, 3, 2, 4]), [B, g * g, P * P]); // (B, 49, 16)
    let x = concat([expand(this.cls, [B, 1, C]), this.embed.forward(patches)], 1); // (B, 50, C)
    x = add(x, this.pos);
    for (let i = 0; i < this.blocks.length; i++) x = this.blocks.at(i).forward(x);
    const clsOut = reshape(slice(this.norm.forward(x), [{}, { start: 0, stop: 1 }]), [B, C]); // (B, C)
    return this.head.forward(clsOut);
  }
}

/** A training step closure: forward, cross entropy, backward, AdamW (lr 1e-3, weight decay 0.05). */
export function ourVitStep(s: VitShape): () => number {
  const model = new TinyVit(s);
  const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
  const { images, labels } = vitBatch(s);
  const x = fromNDArray(fromArray(images, [s.batch, 1, s.image, s.image], 'float32'));
  const y = fromArray(labels, [s.batch], 'int32');
  return () => {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x), y);
    loss.backward();
    sampleMemory(); // activations (held by loss's graph) and gradients are both alive here
    opt.step();
    return loss.item();
  };
}
