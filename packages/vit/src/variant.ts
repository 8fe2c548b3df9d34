/**
 * From a VariantConfig to the attention layer of one block: every variant is a GroupedQueryAttention
 * whose grouping policy differs (WGQA is the subclass that keeps all K/V heads and learns their weights).
 */
import {
  DynamicPolicy,
  GroupedQueryAttention,
  type HeadPolicy,
  KeyNormPolicy,
  PerturbedPolicy,
  StaticPolicy,
  WeightedGroupedQueryAttention,
} from '@gqa-lab/gqa';
import type { DType, Rng } from '@gqa-lab/tensor';
import type { VariantConfig, ViTConfig } from './config';

/** A fresh policy object for one layer (policies hold per-layer state, so layers never share one). */
export function makePolicy(variant: VariantConfig, rng: Rng): HeadPolicy {
  const fidelity = variant.fidelity ?? 'corrected';
  switch (variant.kind) {
    case 'mha':
    case 'mqa':
    case 'gqa':
    case 'wgqa':
      return new StaticPolicy(fidelity);
    case 'kdgqa':
      return new KeyNormPolicy({ fidelity, minPerGroup: variant.minPerGroup, perSample: variant.perSample });
    case 'dgqa-diff':
    case 'dgqa-ema':
      return new DynamicPolicy({
        kind: variant.kind === 'dgqa-diff' ? 'diff' : 'ema',
        window: variant.window,
        fidelity,
        rng,
        minPerGroup: variant.minPerGroup,
      });
    case 'pgqa':
      return new PerturbedPolicy({ fidelity, rng, scale: variant.perturbScale });
  }
}

/** The attention layer of one block for `config`'s variant, drawing init and noise from `rng`. */
export function makeAttention(config: ViTConfig, rng: Rng, dtype?: DType): GroupedQueryAttention {
  const opts = {
    dim: config.dim,
    numHeads: config.numHeads,
    numKvHeads: config.numKvHeads,
    qkvBias: config.qkvBias,
    attnDrop: config.attnDropout,
    projDrop: config.dropout,
    rng,
    dtype,
  };
  if (config.variant.kind === 'wgqa')
    return new WeightedGroupedQueryAttention({ ...opts, fidelity: config.variant.fidelity });
  return new GroupedQueryAttention({ ...opts, policy: makePolicy(config.variant, rng) });
}
