/** The dense outputs of a fused attention forward, shared by the scalar (cpu/) and wasm tiers. */
import type { AttentionKernelResult } from '../backend';
import type { AttentionPlan } from '../checks/attention';
import { allocate, type DType, type TypedArray } from '../dtype';
import { NDArray } from '../ndarray';

/** out (B, Hq, T, Dv), lse (B, Hq, T), weights (B, Hq, T, S) when kept. */
export interface AttentionOutputs {
  readonly out: TypedArray;
  readonly lse: TypedArray;
  readonly weights: TypedArray | null;
}

/** Allocates the outputs, runs `group(b, g, outputs)` for every (batch, KV head) in order and wraps them. */
export function runAttentionGroups(
  plan: AttentionPlan,
  dtype: DType,
  keepWeights: boolean,
  group: (b: number, g: number, outputs: AttentionOutputs) => void,
): AttentionKernelResult {
  const { B, Hq, Hkv, T, S, Dv } = plan;
  const outputs: AttentionOutputs = {
    out: allocate(dtype, B * Hq * T * Dv),
    lse: allocate(dtype, B * Hq * T),
    weights: keepWeights ? allocate(dtype, B * Hq * T * S) : null,
  };
  for (let b = 0; b < B; b++) for (let g = 0; g < Hkv; g++) group(b, g, outputs);
  const { out, lse, weights } = outputs;
  return {
    out: NDArray.of(out, [B, Hq, T, Dv]),
    lse: NDArray.of(lse, [B, Hq, T]),
    weights: weights ? NDArray.of(weights, [B, Hq, T, S]) : null,
  };
}
