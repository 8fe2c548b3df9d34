/**
 * GroupedQueryAttention: the one attention layer of gqa-lab. q: C -> C, k and v: C -> G·d, proj: C -> C;
 * a policy chooses the query-head allocation each forward (static, key-norm, dynamic, perturbed) and the
 * single core computes attention through the resulting head map. Saved with timm's fused `qkv` keys.
 */
import { concat, dropout, permute, reshape, slice, type Tensor } from '@gqa-lab/autograd';
import { copyEntry, Linear, type LoadReport, Module, type StateDict } from '@gqa-lab/nn';
import { type DType, defaultRng, formatShape, type NDArray, type Rng } from '@gqa-lab/tensor';
import { scaledDotProductAttention } from './attention';
import { allocationToMap } from './head-map';
import { batchSummedNorms, keyHeadNorms } from './key-norms';
import type { HeadPolicy, PolicyContext } from './policies/policy';
import { StaticPolicy } from './policies/static';
import { loadFusedQkv, saveFusedQkv } from './qkv-state';
import type { TelemetryTarget } from './telemetry';

export interface GroupedQueryAttentionOptions {
  /** Model width C = H·d. */
  dim: number;
  /** Query heads H. */
  numHeads: number;
  /** Key/value heads G (default H: multi-head attention). */
  numKvHeads?: number;
  /** Biases on q, k, v (default true, like timm's ViT). */
  qkvBias?: boolean;
  /** Chooses the allocation each forward (default static GQA). One policy object serves one layer. */
  policy?: HeadPolicy;
  attnDrop?: number;
  projDrop?: number;
  /** Initialisation and dropout generator (default: the global seeded one). */
  rng?: Rng;
  dtype?: DType;
}

export interface AttentionForwardOptions {
  /** The training step, for policies that act per window (DGQA); passed by the trainer. */
  step?: number;
  /** Broadcasts to (B, H, T, T); nonzero = may attend. */
  mask?: NDArray | Tensor;
}

export class GroupedQueryAttention extends Module {
  static override readonly typeName: string = 'GroupedQueryAttention';
  readonly dim: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  q: Linear;
  k: Linear;
  v: Linear;
  proj: Linear;
  /** Where to send per-forward norms and allocations; null (default) costs nothing. */
  telemetry: TelemetryTarget | null = null;
  /**
   * Keep each forward's softmax weights (B, H, T, T) in lastWeights, for inspection (attention maps). Off by
   * default: the weights need the unfused attention path.
   */
  captureWeights = false;
  protected readonly _policy: HeadPolicy;
  protected readonly _rng: Rng;
  protected readonly _attnDrop: number;
  protected readonly _projDrop: number;
  private _lastAllocation: Int32Array | readonly Int32Array[] | null = null;
  private _lastWeights: Tensor | null = null;

  constructor(opts: GroupedQueryAttentionOptions, kvOutFeatures?: number) {
    super();
    const { dim, numHeads } = opts;
    const numKvHeads = opts.numKvHeads ?? numHeads;
    if (!Number.isInteger(dim) || !Number.isInteger(numHeads) || numHeads < 1 || dim % numHeads !== 0) {
      throw new RangeError(
        `GroupedQueryAttention: dim ${dim} must be a positive multiple of numHeads ${numHeads}`,
      );
    }
    if (!Number.isInteger(numKvHeads) || numKvHeads < 1) {
      throw new RangeError(`GroupedQueryAttention: numKvHeads must be a positive integer, got ${numKvHeads}`);
    }
    this.dim = dim;
    this.numHeads = numHeads;
    this.numKvHeads = numKvHeads;
    this.headDim = dim / numHeads;
    this._rng = opts.rng ?? defaultRng();
    const bias = opts.qkvBias ?? true;
    const lin = (i: number, o: number, b: boolean) =>
      new Linear(i, o, { bias: b, rng: this._rng, dtype: opts.dtype });
    const kvWidth = kvOutFeatures ?? numKvHeads * this.headDim;
    this.q = lin(dim, dim, bias);
    this.k = lin(dim, kvWidth, bias);
    this.v = lin(dim, kvWidth, bias);
    this.proj = lin(dim, dim, true);
    this._policy = opts.policy ?? new StaticPolicy();
    this._policy.bind?.(numHeads, numKvHeads, opts.dtype ?? 'float32');
    this._attnDrop = opts.attnDrop ?? 0;
    this._projDrop = opts.projDrop ?? 0;
  }

  get policy(): HeadPolicy {
    return this._policy;
  }

  /** The allocation the last forward used (per sample when the policy allocates per sample). */
  get lastAllocation(): Int32Array | readonly Int32Array[] | null {
    return this._lastAllocation;
  }

  /** The softmax weights (B, H, T, T) of the last forward while captureWeights was on, else null. */
  get lastWeights(): Tensor | null {
    return this._lastWeights;
  }

  /** Keys and values projected to (B, T, G·d); WGQA overrides this to build them from weighted heads. */
  protected projectKv(x: Tensor): { k: Tensor; v: Tensor } {
    return { k: this.k.forward(x), v: this.v.forward(x) };
  }

  /** x (B, T, C) -> (B, T, C). */
  forward(x: Tensor, opts: AttentionForwardOptions = {}): Tensor {
    if (x.rank !== 3 || x.shape[2] !== this.dim) {
      throw new RangeError(
        `GroupedQueryAttention: x must be (B, T, ${this.dim}), got ${formatShape(x.shape)}`,
      );
    }
    const [B, T, C] = x.shape;
    const [H, G, d] = [this.numHeads, this.numKvHeads, this.headDim];
    const { k, v } = this.projectKv(x); // (B, T, G·d) each
    const qh = permute(reshape(this.q.forward(x), [B, T, H, d]), [0, 2, 1, 3]); // (B, H, T, d)
    const kh = permute(reshape(k, [B, T, G, d]), [0, 2, 1, 3]); // (B, G, T, d)
    const vh = permute(reshape(v, [B, T, G, d]), [0, 2, 1, 3]); // (B, G, T, d)
    let norms: Float64Array | null = null;
    const ctx: PolicyContext = {
      numHeads: H,
      numKvHeads: G,
      batch: B,
      training: this.training,
      step: opts.step,
      keyNorms: () => {
        norms ??= keyHeadNorms(k.data, G);
        return norms;
      },
    };
    const allocation = this._policy.allocate(ctx);
    this._lastAllocation = allocation;
    const core = {
      dropout: this._attnDrop,
      training: this.training,
      rng: this._rng,
      returnWeights: this.captureWeights,
    };
    let out: Tensor;
    if (allocation instanceof Int32Array) {
      const r = scaledDotProductAttention(qh, kh, vh, allocationToMap(allocation, H), {
        ...core,
        mask: opts.mask,
      });
      out = r.out; // (B, H, T, d)
      this._lastWeights = r.weights ?? null; // (B, H, T, T)
      if (this._policy.perturb) out = this._policy.perturb(out, allocation, ctx); // (B, H, T, d)
    } else {
      const perSample = allocation.map((a, b) => {
        const at = (t: Tensor) => slice(t, [{ start: b, stop: b + 1 }]); // (1, ·, T, d)
        return scaledDotProductAttention(at(qh), at(kh), at(vh), allocationToMap(a, H), {
          ...core,
          mask: opts.mask,
        });
      });
      out = concat(
        perSample.map((r) => r.out),
        0,
      ); // (B, H, T, d)
      const weights = perSample.flatMap((r) => (r.weights ? [r.weights] : []));
      this._lastWeights = weights.length > 0 ? concat(weights, 0) : null; // (B, H, T, T)
    }
    if (this.telemetry) this.record(ctx, allocation);
    const merged = reshape(permute(out, [0, 2, 1, 3]), [B, T, C]); // (B, T, C)
    const y = this.proj.forward(merged); // (B, T, C)
    return this._projDrop > 0 ? dropout(y, this._projDrop, { training: this.training, rng: this._rng }) : y;
  }

  private record(ctx: PolicyContext, allocation: Int32Array | readonly Int32Array[]): void {
    const target = this.telemetry;
    if (!target) return;
    const G = this.numKvHeads;
    const norms = ctx.keyNorms();
    const base = { layer: target.layer, step: ctx.step, training: ctx.training };
    if (allocation instanceof Int32Array) {
      target.recorder.record({ ...base, keyNorms: batchSummedNorms(norms, G), allocation });
      return;
    }
    allocation.forEach((a, b) => {
      target.recorder.record({ ...base, keyNorms: norms.subarray(b * G, (b + 1) * G), allocation: a });
    });
  }

  protected override saveToStateDict(prefix: string, out: StateDict): void {
    saveFusedQkv(prefix, this.q, this.k, this.v, out);
    const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
    out.set(at('proj.weight'), this.proj.weight.data);
    if (this.proj.bias) out.set(at('proj.bias'), this.proj.bias.data);
    for (const [name, b] of this._policy.stateBuffers?.() ?? []) out.set(at(name), b.data);
    for (const [name, p] of this.ownParameters()) out.set(at(name), p.data);
  }

  protected override loadFromStateDict(
    prefix: string,
    sd: StateDict,
    report: LoadReport,
    used: Set<string>,
  ): void {
    loadFusedQkv(prefix, this.q, this.k, this.v, sd, report, used);
    const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
    copyEntry(at('proj.weight'), this.proj.weight, sd, report, used);
    if (this.proj.bias) copyEntry(at('proj.bias'), this.proj.bias, sd, report, used);
    for (const [name, b] of this._policy.stateBuffers?.() ?? []) copyEntry(at(name), b, sd, report, used);
    for (const [name, p] of this.ownParameters()) copyEntry(at(name), p, sd, report, used);
  }
}
