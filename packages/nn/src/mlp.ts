/**
 * The transformer MLP block, named like timm's Mlp so ViT checkpoints load: fc1 -> act -> drop -> fc2 -> drop.
 */
import type { Tensor } from '@gqa-lab/autograd';
import type { DType, Rng } from '@gqa-lab/tensor';
import { GELU } from './activation';
import { Dropout } from './dropout';
import type { Layer } from './layer';
import { Linear } from './linear';
import { Module } from './module';

export interface MLPOptions {
  /** Hidden width (default: inFeatures). */
  hiddenFeatures?: number;
  /** Output width (default: inFeatures). */
  outFeatures?: number;
  /** Builds the activation (default: exact GELU). */
  act?: () => Layer;
  /** Dropout probability after the activation and after fc2 (default 0). */
  drop?: number;
  bias?: boolean;
  /** Generator for the weight init (and the dropout masks unless dropRng is given). */
  rng?: Rng;
  dropRng?: Rng;
  dtype?: DType;
}

export class MLP extends Module {
  static override readonly typeName: string = 'MLP';
  fc1: Linear;
  act: Layer;
  drop: Dropout;
  fc2: Linear;

  constructor(inFeatures: number, opts: MLPOptions = {}) {
    super();
    const hidden = opts.hiddenFeatures ?? inFeatures;
    const out = opts.outFeatures ?? inFeatures;
    const common = { bias: opts.bias ?? true, rng: opts.rng, dtype: opts.dtype };
    this.fc1 = new Linear(inFeatures, hidden, common);
    this.act = opts.act ? opts.act() : new GELU();
    this.drop = new Dropout(opts.drop ?? 0, { rng: opts.dropRng });
    this.fc2 = new Linear(hidden, out, common);
  }

  /** x (..., in) -> (..., out) */
  forward(x: Tensor): Tensor {
    const h = this.drop.forward(this.act.forward(this.fc1.forward(x))); // (..., hidden)
    return this.drop.forward(this.fc2.forward(h)); // (..., out)
  }
}
