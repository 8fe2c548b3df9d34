/** What a grouping policy sees each forward, and what it gives back: the allocation of query heads. */
import type { Tensor } from '@gqa-lab/autograd';
import type { Buffer } from '@gqa-lab/nn';
import type { DType } from '@gqa-lab/tensor';

/** 'reference' reproduces the published code, quirks included; 'corrected' fixes its defects (default). */
export type Fidelity = 'reference' | 'corrected';

export interface PolicyContext {
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly batch: number;
  readonly training: boolean;
  /** The training step passed by the caller (DGQA windows); undefined when not given. */
  readonly step: number | undefined;
  /** Per-sample key-head norms (B·G, row-major), computed on first call and cached for this forward. */
  keyNorms(): Float64Array;
}

/**
 * A grouping policy: the allocation of query heads to KV heads for this forward (contiguous ranges),
 * either one for the whole batch or one per sample; optionally a perturbation of the attention output.
 */
export interface HeadPolicy {
  readonly kind: string;
  readonly fidelity: Fidelity;
  /** Sizes per KV head (summing to H), or one such allocation per sample. */
  allocate(ctx: PolicyContext): Int32Array | readonly Int32Array[];
  /** Applied to the core's output (B, Hq, T, D) before the heads are merged (PGQA). */
  perturb?(out: Tensor, allocation: Int32Array, ctx: PolicyContext): Tensor;
  /** Called once by the layer that owns this policy, to size its state (a policy serves one layer). */
  bind?(numHeads: number, numKvHeads: number, dtype: DType): void;
  /** Persistent state saved in the layer's state dict under these names (e.g. DGQA's `cache`). */
  stateBuffers?(): [string, Buffer][];
}
