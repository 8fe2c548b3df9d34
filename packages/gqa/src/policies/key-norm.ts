/** KDGQA: query heads allocated to KV heads in proportion to min-max scaled key-head norms, every forward. */
import { correctedKeyNormAllocation, referenceKeyNormAllocation } from '../allocation';
import { batchSummedNorms } from '../key-norms';
import type { Fidelity, HeadPolicy, PolicyContext } from './policy';

export interface KeyNormPolicyOptions {
  fidelity?: Fidelity;
  /** Corrected only: the least number of query heads per KV head (default 1 where H >= G). */
  minPerGroup?: number;
  /** Corrected only: one allocation per sample from its own norms (no dependence on the batch). */
  perSample?: boolean;
}

/**
 * Reference: batch-summed norms, min-max scaling, half-to-even rounding and the argmax / argmin fix-up,
 * exactly as published (throws on tied norms and for G = 1, where the original hangs).
 * Corrected: the same scores split by largest remainder with a per-group minimum; ties -> uniform.
 */
export class KeyNormPolicy implements HeadPolicy {
  readonly kind = 'kdgqa';
  readonly fidelity: Fidelity;
  readonly minPerGroup: number | undefined;
  readonly perSample: boolean;

  constructor(opts: KeyNormPolicyOptions = {}) {
    this.fidelity = opts.fidelity ?? 'corrected';
    this.minPerGroup = opts.minPerGroup;
    this.perSample = opts.perSample ?? false;
    if (this.fidelity === 'reference' && (opts.minPerGroup !== undefined || this.perSample)) {
      throw new RangeError("KeyNormPolicy: minPerGroup and perSample exist only with fidelity 'corrected'");
    }
  }

  allocate(ctx: PolicyContext): Int32Array | Int32Array[] {
    const G = ctx.numKvHeads;
    const norms = ctx.keyNorms();
    if (this.fidelity === 'reference')
      return referenceKeyNormAllocation(batchSummedNorms(norms, G), ctx.numHeads);
    if (!this.perSample)
      return correctedKeyNormAllocation(batchSummedNorms(norms, G), ctx.numHeads, this.minPerGroup);
    return Array.from({ length: ctx.batch }, (_, b) =>
      correctedKeyNormAllocation(norms.subarray(b * G, (b + 1) * G), ctx.numHeads, this.minPerGroup),
    );
  }
}
