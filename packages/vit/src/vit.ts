/**
 * The Vision Transformer on one page (after lucidrains' vit.py and timm's vision_transformer.py):
 * patch embedding -> [cls] + patches + learned positions -> pre-norm blocks -> final norm -> head on [cls].
 * Field names are timm's, so `stateDict()` keys equal a timm ViT's (`blocks.0.attn.qkv.weight`, ...).
 * The attention of every block is a GroupedQueryAttention whose policy is the configured variant.
 */
import { add, concat, expand, reshape, slice, Tensor } from '@gqa-lab/autograd';
import type { GroupedQueryAttention } from '@gqa-lab/gqa';
import {
  Dropout,
  LayerNorm,
  Linear,
  MLP,
  Module,
  ModuleList,
  normal_,
  Parameter,
  truncNormal_,
  zeros_,
} from '@gqa-lab/nn';
import { type DType, formatShape, type NDArray, type Rng, zeros } from '@gqa-lab/tensor';
import { type ViTConfig, validateViTConfig } from './config';
import { PatchEmbed } from './patchify';
import { makeAttention } from './variant';

/** timm's ViT LayerNorm epsilon. */
const NORM_EPS = 1e-6;

export interface ViTForwardOptions {
  /** The global training step, passed to every attention layer (DGQA recomputes per window of steps). */
  step?: number;
}

/** Pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)). */
export class Block extends Module {
  static override readonly typeName: string = 'Block';
  norm1: LayerNorm;
  attn: GroupedQueryAttention;
  norm2: LayerNorm;
  mlp: MLP;

  constructor(config: ViTConfig, rng: Rng, dtype?: DType) {
    super();
    this.norm1 = new LayerNorm(config.dim, { eps: NORM_EPS, dtype });
    this.attn = makeAttention(config, rng, dtype);
    this.norm2 = new LayerNorm(config.dim, { eps: NORM_EPS, dtype });
    this.mlp = new MLP(config.dim, {
      hiddenFeatures: config.dim * config.mlpRatio,
      drop: config.dropout,
      rng,
      dropRng: rng,
      dtype,
    });
  }

  /** x (B, T, C) -> (B, T, C). */
  forward(x: Tensor, opts: ViTForwardOptions = {}): Tensor {
    x = add(x, this.attn.forward(this.norm1.forward(x), { step: opts.step })); // (B, T, C)
    return add(x, this.mlp.forward(this.norm2.forward(x))); // (B, T, C)
  }
}

export class ViT extends Module {
  static override readonly typeName: string = 'ViT';
  readonly config: ViTConfig;
  /** (1, 1, C) learned class token. */
  cls_token: Parameter;
  /** (1, 1 + N, C) learned position embedding (cls first). */
  pos_embed: Parameter;
  patch_embed: PatchEmbed;
  pos_drop: Dropout;
  blocks: ModuleList<Block>;
  norm: LayerNorm;
  head: Linear;
  /** Draws init, dropout masks and policy noise; its state is saved with training checkpoints. */
  private readonly _rng: Rng;

  constructor(config: ViTConfig, rng: Rng, dtype?: DType) {
    super();
    this.config = validateViTConfig(config);
    this._rng = rng;
    const { dim } = config;
    this.patch_embed = new PatchEmbed({ ...config, rng, dtype });
    this.cls_token = new Parameter(zeros([1, 1, dim], dtype));
    this.pos_embed = new Parameter(zeros([1, 1 + this.patch_embed.numPatches, dim], dtype));
    this.pos_drop = new Dropout(config.dropout, { rng });
    this.blocks = new ModuleList(Array.from({ length: config.depth }, () => new Block(config, rng, dtype)));
    this.norm = new LayerNorm(dim, { eps: NORM_EPS, dtype });
    this.head = new Linear(dim, config.numClasses, { rng, dtype });
    this.initWeights();
  }

  /** The generator behind init, dropout and policy noise (save its state to resume exactly). */
  get rng(): Rng {
    return this._rng;
  }

  /**
   * timm's init: pos_embed ~ TruncNormal(0.02), cls_token ~ Normal(1e-6), every Linear weight ~
   * TruncNormal(0.02) with zero bias; LayerNorm ones / zeros and the patch Conv2d as PyTorch's default.
   */
  initWeights(): void {
    const rng = this._rng;
    truncNormal_(this.pos_embed, { std: 0.02 }, rng);
    normal_(this.cls_token, 0, 1e-6, rng);
    for (const [, m] of this.namedModules()) {
      if (!(m instanceof Linear)) continue;
      truncNormal_(m.weight, { std: 0.02 }, rng);
      if (m.bias) zeros_(m.bias);
    }
  }

  /** Every block's attention layer, in order (attach telemetry, read allocations). */
  attentionLayers(): GroupedQueryAttention[] {
    return [...this.blocks].map((b) => b.attn);
  }

  /** images (B, C, H, W) -> logits (B, numClasses). */
  forward(images: Tensor | NDArray, opts: ViTForwardOptions = {}): Tensor {
    const x0 = images instanceof Tensor ? images : new Tensor(images);
    const { inChannels, imageSize } = this.config;
    if (x0.rank !== 4 || x0.shape[1] !== inChannels) {
      throw new RangeError(
        `ViT: images ${formatShape(x0.shape)} must be (B, ${inChannels}, ${imageSize}, ${imageSize})`,
      );
    }
    const B = x0.shape[0];
    const C = this.config.dim;
    const patches = this.patch_embed.forward(x0); // (B, N, C)
    const cls = expand(this.cls_token, [B, 1, C]); // (B, 1, C)
    let x = add(concat([cls, patches], 1), this.pos_embed); // (B, 1 + N, C)
    x = this.pos_drop.forward(x); // (B, 1 + N, C)
    for (const block of this.blocks) x = block.forward(x, opts); // (B, 1 + N, C)
    x = this.norm.forward(x); // (B, 1 + N, C)
    const clsOut = reshape(slice(x, [{}, { start: 0, stop: 1 }]), [B, C]); // (B, C)
    return this.head.forward(clsOut); // (B, numClasses)
  }
}

/** Builds a ViT for `config`, drawing every initial weight (and later dropout / noise) from `rng`. */
export function createViT(config: ViTConfig, rng: Rng, opts: { dtype?: DType } = {}): ViT {
  return new ViT(config, rng, opts.dtype);
}
