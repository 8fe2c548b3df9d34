/**
 * Workload "variants" on our side: the real GroupedQueryAttention module (q / k / v / proj Linear + the one
 * attention core) for every variant, at the workload B shape. Forward = inference (eval mode, no graph);
 * forward + backward = one training step's attention (training mode, `step` passed, sum(out) backward).
 */
import { fromNDArray, noGrad, sum, type Tensor } from '@gqa-lab/autograd';
import {
  DynamicPolicy,
  GroupedQueryAttention,
  type HeadPolicy,
  KeyNormPolicy,
  PerturbedPolicy,
  StaticPolicy,
  WeightedGroupedQueryAttention,
} from '@gqa-lab/gqa';
import { fromArray, Rng, uniform } from '@gqa-lab/tensor';
import { FixedAllocationPolicy } from '@gqa-lab/vit';
import type { AttentionShape } from './attention';

/** Every variant benchmarked, in table order; 'gqa' is the baseline the overhead ratios divide by. */
export const VARIANT_IDS = [
  'mha',
  'mqa',
  'gqa',
  'kdgqa',
  'dgqa-diff',
  'dgqa-ema',
  'pgqa',
  'wgqa',
  'wgqa-folded',
  'unequal',
] as const;
export type VariantId = (typeof VARIANT_IDS)[number];

export interface VariantShape extends AttentionShape {
  /** KV heads G of the grouped variants (MHA uses H, MQA 1). */
  readonly kvHeads: number;
  /** DGQA window W. */
  readonly window: number;
  /** Unequal group sizes (QCQA / AsymGQA layers), summing to H. */
  readonly unequalSizes: readonly number[];
}

/** B=32, T=50, C=64, H=8 (head dim 8) as workload B; G=4, DGQA window 10, unequal groups [1, 2, 2, 3]. */
export const VARIANT_SHAPE: VariantShape = {
  batch: 32,
  tokens: 50,
  channels: 64,
  heads: 8,
  kvHeads: 4,
  window: 10,
  unequalSizes: [1, 2, 2, 3],
};

/** The policy and KV-head count a variant's layer is built with (WGQA builds its own subclass). */
export function variantPolicy(
  id: VariantId,
  s: VariantShape,
  seed: number,
): { policy: HeadPolicy; G: number } {
  const rng = new Rng(seed);
  switch (id) {
    case 'mha':
      return { policy: new StaticPolicy(), G: s.heads };
    case 'mqa':
      return { policy: new StaticPolicy(), G: 1 };
    case 'gqa':
    case 'wgqa':
    case 'wgqa-folded':
      return { policy: new StaticPolicy(), G: s.kvHeads };
    case 'kdgqa':
      return { policy: new KeyNormPolicy(), G: s.kvHeads };
    case 'dgqa-diff':
    case 'dgqa-ema':
      return {
        policy: new DynamicPolicy({ kind: id === 'dgqa-diff' ? 'diff' : 'ema', window: s.window, rng }),
        G: s.kvHeads,
      };
    case 'pgqa':
      return { policy: new PerturbedPolicy({ rng }), G: s.kvHeads };
    case 'unequal':
      return { policy: new FixedAllocationPolicy(s.unequalSizes), G: s.unequalSizes.length };
  }
}

/** Builds the variant's layer with weights from `seed` (WGQA folded = a trained-form layer, folded). */
export function variantLayer(id: VariantId, s: VariantShape, seed = 3): GroupedQueryAttention {
  const base = { dim: s.channels, numHeads: s.heads, rng: new Rng(seed) };
  if (id === 'wgqa' || id === 'wgqa-folded') {
    const w = new WeightedGroupedQueryAttention({ ...base, numKvHeads: s.kvHeads });
    return id === 'wgqa' ? w : w.fold();
  }
  const { policy, G } = variantPolicy(id, s, seed + 1);
  return new GroupedQueryAttention({ ...base, numKvHeads: G, policy });
}

/** The block's input x (B, T, C), drawn from one seed so both sides see the same values. */
export function variantInput(s: AttentionShape, seed = 7): Float32Array {
  return Float32Array.from(uniform([s.batch, s.tokens, s.channels], -1, 1, new Rng(seed)).values());
}

/** The two timed steps of one variant on our side. */
export function ourVariant(
  layer: GroupedQueryAttention,
  s: AttentionShape,
  input: Float32Array,
): { fwd: () => void; fwdBwd: () => void } {
  const x: Tensor = fromNDArray(fromArray(input, [s.batch, s.tokens, s.channels], 'float32'), {
    requiresGrad: true,
  });
  let step = 0;
  return {
    fwd: () => {
      layer.eval();
      noGrad(() => layer.forward(x)); // (B, T, C)
    },
    fwdBwd: () => {
      layer.train();
      layer.zeroGrad();
      x.grad = null;
      sum(layer.forward(x, { step: step++ })).backward();
    },
  };
}
