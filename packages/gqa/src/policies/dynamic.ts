/** DGQA: allocations from how key-head norms evolve, recomputed once per window of W training steps. */
import { Buffer } from '@gqa-lab/nn';
import { type DType, defaultRng, NDArray, type Rng } from '@gqa-lab/tensor';
import { fixUpRandomly, proportionalAllocation, roundedShares } from '../allocation';
import { uniformAllocation } from '../head-map';
import { batchSummedNorms } from '../key-norms';
import type { Fidelity, HeadPolicy, PolicyContext } from './policy';

export type DynamicKind = 'diff' | 'ema';

export interface DynamicPolicyOptions {
  kind: DynamicKind;
  /** Window W: the allocation is recomputed when step % W == 0 (default 1). */
  window?: number;
  fidelity?: Fidelity;
  /** Reference only: drives the published random fix-up (torch's unseeded global generator there). */
  rng?: Rng;
  /** Corrected only: the least number of query heads per KV head (default 1 where H >= G). */
  minPerGroup?: number;
}

/**
 * Reference (published code): m = batch-summed key norms; diff x = |c - m|, ema x = 0.9·m + 0.1·c;
 * a = roundHalfEven(x / sum(x) · H) + random fix-up. Training: only when step % W == 0, recompute a and
 * set c = (c + m) / W (step = batch index in the epoch, passed by the caller). Eval: recompute every
 * forward and set c = m. Throws where the original produces NaN (sum(x) = 0).
 *
 * Corrected: c is a true exponential moving average of m with β = 1 - 1/W, updated every training
 * step (the first step sets c = m); when step % W == 0 the allocation is recomputed from x (diff: |c_prev - m|,
 * ema: c) by deterministic largest remainder (zero sum -> uniform); eval uses the frozen training
 * allocation, so inference does not depend on the batch. The allocation and step count are saved.
 */
export class DynamicPolicy implements HeadPolicy {
  readonly kind: string;
  readonly dynamicKind: DynamicKind;
  readonly fidelity: Fidelity;
  readonly window: number;
  readonly minPerGroup: number | undefined;
  private readonly rng: Rng;
  /** Cache c (G), saved as `cache` like the published buffer. */
  cache: Buffer | null = null;
  /**
   * The current allocation (G). Corrected: the frozen training allocation. Reference: the published code's
   * splits, a plain attribute there; saved here too so a resumed run equals an uninterrupted one.
   */
  allocationState: Buffer | null = null;
  /** Corrected only: the number of training steps seen (1). */
  stepsSeen: Buffer | null = null;

  constructor(opts: DynamicPolicyOptions) {
    this.dynamicKind = opts.kind;
    this.kind = `dgqa-${opts.kind}`;
    this.fidelity = opts.fidelity ?? 'corrected';
    this.window = opts.window ?? 1;
    if (!Number.isInteger(this.window) || this.window < 1) {
      throw new RangeError(`DynamicPolicy: window must be a positive integer, got ${this.window}`);
    }
    this.minPerGroup = opts.minPerGroup;
    this.rng = opts.rng ?? defaultRng();
  }

  /** Creates the state for a layer with H query and G KV heads. */
  bind(numHeads: number, numKvHeads: number, dtype: DType): void {
    this.cache = new Buffer(
      NDArray.of(new (dtype === 'float64' ? Float64Array : Float32Array)(numKvHeads), [numKvHeads]),
    );
    this.allocationState = new Buffer(NDArray.of(uniformAllocation(numHeads, numKvHeads), [numKvHeads]));
    if (this.fidelity === 'corrected') this.stepsSeen = new Buffer(NDArray.of(new Int32Array(1), [1]));
  }

  stateBuffers(): [string, Buffer][] {
    const out: [string, Buffer][] = [];
    if (this.cache) out.push(['cache', this.cache]);
    if (this.allocationState) out.push(['allocation', this.allocationState]);
    if (this.stepsSeen) out.push(['steps_seen', this.stepsSeen]);
    return out;
  }

  allocate(ctx: PolicyContext): Int32Array {
    if (!this.cache) throw new Error(`DynamicPolicy (${this.kind}): bind() was not called by the layer`);
    return this.fidelity === 'reference'
      ? this.allocateReference(ctx, this.cache)
      : this.allocateCorrected(ctx, this.cache);
  }

  private allocateReference(ctx: PolicyContext, cache: Buffer): Int32Array {
    const c = cache.data.values();
    if (ctx.training) {
      if (ctx.step === undefined) {
        throw new RangeError(
          `DGQA (reference, ${this.dynamicKind}): training needs opts.step (the batch index in the epoch)`,
        );
      }
      if (ctx.step % this.window !== 0) return this.currentSplits();
    }
    const m = batchSummedNorms(ctx.keyNorms(), ctx.numKvHeads);
    const x = Array.from(m, (mi, g) =>
      this.dynamicKind === 'diff' ? Math.abs(c[g] - mi) : 0.9 * mi + 0.1 * c[g],
    );
    const splits = fixUpRandomly(
      roundedShares(`DGQA-${this.dynamicKind}`, x, ctx.numHeads),
      ctx.numHeads,
      this.rng,
    );
    this.setSplits(splits);
    const next = ctx.training ? Array.from(m, (mi, g) => (c[g] + mi) / this.window) : Array.from(m);
    cache.data = NDArray.of(Float64Array.from(next), [m.length]).astype(cache.dtype);
    return splits;
  }

  private allocateCorrected(ctx: PolicyContext, cache: Buffer): Int32Array {
    const state = this.allocationState;
    const steps = this.stepsSeen;
    if (!state || !steps) throw new Error(`DynamicPolicy (${this.kind}): corrected state missing`);
    if (!ctx.training) return Int32Array.from(state.data.values());
    const seen = steps.data.values()[0];
    const step = ctx.step ?? seen;
    const m = batchSummedNorms(ctx.keyNorms(), ctx.numKvHeads);
    const prev = cache.data.values();
    const beta = 1 - 1 / this.window;
    const ema = Array.from(m, (mi, g) => (seen === 0 ? mi : beta * prev[g] + (1 - beta) * mi));
    if (step % this.window === 0) {
      const x =
        this.dynamicKind === 'diff'
          ? Array.from(m, (mi, g) => Math.abs((seen === 0 ? 0 : prev[g]) - mi))
          : ema;
      const minPer = this.minPerGroup ?? (ctx.numHeads >= ctx.numKvHeads ? 1 : 0);
      state.data = NDArray.of(proportionalAllocation(x, ctx.numHeads, minPer), [ctx.numKvHeads]);
    }
    cache.data = NDArray.of(Float64Array.from(ema), [m.length]).astype(cache.dtype);
    steps.data = NDArray.of(Int32Array.of(seen + 1), [1]);
    return Int32Array.from(state.data.values());
  }

  private currentSplits(): Int32Array {
    if (!this.allocationState)
      throw new Error(`DynamicPolicy (${this.kind}): bind() was not called by the layer`);
    return Int32Array.from(this.allocationState.data.values());
  }

  private setSplits(splits: Int32Array): void {
    if (this.allocationState)
      this.allocationState.data = NDArray.of(Int32Array.from(splits), [splits.length]);
  }
}
