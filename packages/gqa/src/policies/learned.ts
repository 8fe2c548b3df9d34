/**
 * WGQA (Weighted GQA, arXiv 2407.10855): during up-training the layer keeps every original K / V head
 * and learns one scalar per head for K and one for V; group g's projection is sum over its heads of
 * w[h] · W[h]. After training, fold() bakes the weighted sums into a plain GQA layer (no inference cost).
 */
import { linear, mul, noGrad, reshape, sum, type Tensor } from '@gqa-lab/autograd';
import { Parameter } from '@gqa-lab/nn';
import { full } from '@gqa-lab/tensor';
import { GroupedQueryAttention, type GroupedQueryAttentionOptions } from '../grouped-attention';
import { gqaMap } from '../head-map';
import type { Fidelity } from './policy';
import { StaticPolicy } from './static';

export interface WeightedGroupedQueryAttentionOptions extends Omit<GroupedQueryAttentionOptions, 'policy'> {
  /** Recorded for symmetry with the other variants; WGQA has no published quirk, so both behave the same. */
  fidelity?: Fidelity;
}

export class WeightedGroupedQueryAttention extends GroupedQueryAttention {
  static override readonly typeName: string = 'WeightedGroupedQueryAttention';
  /** (H) per-head K weights, initialised to 1 / group size so the weighted sum starts as the mean. */
  kHeadWeight: Parameter;
  /** (H) per-head V weights. */
  vHeadWeight: Parameter;
  readonly fidelity: Fidelity;

  /** k and v hold all H original heads (C -> C), as loaded from an MHA checkpoint. */
  constructor(opts: WeightedGroupedQueryAttentionOptions) {
    super({ ...opts, policy: new StaticPolicy(opts.fidelity) }, opts.dim);
    gqaMap(this.numHeads, this.numKvHeads); // validates H % G
    const n = this.numHeads / this.numKvHeads;
    this.kHeadWeight = new Parameter(full([this.numHeads], 1 / n, opts.dtype));
    this.vHeadWeight = new Parameter(full([this.numHeads], 1 / n, opts.dtype));
    this.fidelity = opts.fidelity ?? 'corrected';
  }

  /** W (H·d, C) and b (H·d) pooled by per-head weights w (H) -> (G·d, C) and (G·d). */
  private pooled(weight: Tensor, bias: Tensor | null, w: Tensor): { weight: Tensor; bias: Tensor | null } {
    const [H, G, d, C] = [this.numHeads, this.numKvHeads, this.headDim, this.dim];
    const n = H / G;
    const wHeads = reshape(w, [G, n, 1, 1]); // (G, n, 1, 1)
    const pooledW = sum(mul(reshape(weight, [G, n, d, C]), wHeads), 1); // (G, d, C)
    const pooledB = bias ? sum(mul(reshape(bias, [G, n, d]), reshape(w, [G, n, 1])), 1) : null; // (G, d)
    return {
      weight: reshape(pooledW, [G * d, C]), // (G·d, C)
      bias: pooledB ? reshape(pooledB, [G * d]) : null, // (G·d)
    };
  }

  protected override projectKv(x: Tensor): { k: Tensor; v: Tensor } {
    const kw = this.pooled(this.k.weight, this.k.bias, this.kHeadWeight);
    const vw = this.pooled(this.v.weight, this.v.bias, this.vHeadWeight);
    return { k: linear(x, kw.weight, kw.bias), v: linear(x, vw.weight, vw.bias) }; // (B, T, G·d) each
  }

  /** A plain GQA layer computing the same function, with the weighted K / V baked in. */
  fold(): GroupedQueryAttention {
    const out = new GroupedQueryAttention({
      dim: this.dim,
      numHeads: this.numHeads,
      numKvHeads: this.numKvHeads,
      qkvBias: this.q.bias !== null,
      policy: new StaticPolicy(this.fidelity),
      attnDrop: this._attnDrop,
      projDrop: this._projDrop,
      rng: this._rng,
      dtype: this.q.weight.dtype,
    });
    noGrad(() => {
      const kw = this.pooled(this.k.weight, this.k.bias, this.kHeadWeight);
      const vw = this.pooled(this.v.weight, this.v.bias, this.vHeadWeight);
      out.q.weight.data = this.q.weight.data.clone();
      out.k.weight.data = kw.weight.data.clone();
      out.v.weight.data = vw.weight.data.clone();
      out.proj.weight.data = this.proj.weight.data.clone();
      if (out.q.bias && this.q.bias) out.q.bias.data = this.q.bias.data.clone();
      if (out.k.bias && kw.bias) out.k.bias.data = kw.bias.data.clone();
      if (out.v.bias && vw.bias) out.v.bias.data = vw.bias.data.clone();
      if (out.proj.bias && this.proj.bias) out.proj.bias.data = this.proj.bias.data.clone();
    });
    out.train(this.training);
    return out;
  }
}
