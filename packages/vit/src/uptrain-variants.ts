/**
 * MHA ViT -> each up-training variant. GQA-family variants are mean-pooled (GQA's conversion); WGQA keeps every
 * head with learnable weights initialised to the mean and is folded after training; QCQA takes, per layer, the
 * point of its Pareto front with the asked-for group count (or the nearest); AsymGQA groups heads whose
 * calibration keys are alike. QCQA and AsymGQA groups may be unequal, so their layers get a fixed allocation.
 */
import {
  asymGqaGrouping,
  convertStateDict,
  type Fidelity,
  GroupedQueryAttention,
  type HeadPolicy,
  type ModelChoice,
  type PolicyContext,
  type QcqaCandidate,
  qcqaSearchLayer,
  qcqaSearchModel,
  WeightedGroupedQueryAttention,
} from '@gqa-lab/gqa';
import { type NDArray, Rng } from '@gqa-lab/tensor';
import { type VariantConfig, type ViTConfig, withVariant } from './config';
import type { UptrainVariant } from './uptrain-results';
import { createViT, type ViT } from './vit';

/** A static policy with given (possibly unequal) group sizes, for QCQA / AsymGQA layers. */
export class FixedAllocationPolicy implements HeadPolicy {
  readonly kind = 'fixed';
  private readonly sizes: Int32Array;
  constructor(
    sizes: ArrayLike<number>,
    readonly fidelity: Fidelity = 'corrected',
  ) {
    this.sizes = Int32Array.from(sizes);
  }

  allocate(ctx: PolicyContext): Int32Array {
    if (ctx.numKvHeads !== this.sizes.length) {
      throw new RangeError(
        `FixedAllocationPolicy: ${this.sizes.length} group sizes for a layer with ${ctx.numKvHeads} KV heads`,
      );
    }
    return this.sizes;
  }
}

/** Which QCQA stage picks the assignments: per layer, or across layers under a model-wide KV budget. */
export const QCQA_STAGES = ['layer', 'model'] as const;
export type QcqaStage = (typeof QCQA_STAGES)[number];

export interface VariantSpec {
  variant: UptrainVariant;
  kvHeads: number;
  fidelity: Fidelity;
  /** DGQA window. */
  window: number;
  /** Seeds the converted model's generator (dropout, policy noise) and the QCQA search. */
  seed: number;
  qcqaGenerations: number;
  /**
   * QCQA's grouping: 'layer' takes each layer's front point nearest G groups (equal KV heads per layer);
   * 'model' adds the paper's second stage, the across-layer front point nearest depth·G KV heads in total,
   * so layers that share heads cheaply give KV heads to those that do not. Default 'layer'.
   */
  qcqaStage?: QcqaStage;
  /** Per layer (B, H, T, d) key activations of the MHA model; required for AsymGQA. */
  calibrationKeys?: readonly NDArray[];
}

export interface ConvertedModel {
  model: ViT;
  /** Query heads per KV head, per layer. */
  groupSizes: number[][];
  /** QCQA / AsymGQA: the head -> group assignment chosen for each layer (before queries are regrouped). */
  assignments: Int32Array[] | null;
}

/** The ViT variant config for a variant that a plain ViTConfig can express (not QCQA / AsymGQA). */
export function variantConfig(spec: Pick<VariantSpec, 'variant' | 'fidelity' | 'window'>): VariantConfig {
  const { variant, fidelity, window } = spec;
  if (variant === 'qcqa' || variant === 'asymgqa') return { kind: 'mha', fidelity };
  if (variant === 'dgqa-diff' || variant === 'dgqa-ema') return { kind: variant, fidelity, window };
  return { kind: variant, fidelity };
}

/** Converts the trained MHA model into `spec.variant` with fresh modules; the MHA model is left untouched. */
export function convertToVariant(mha: ViT, spec: VariantSpec): ConvertedModel {
  const base = mha.config;
  const { numHeads: H, depth } = base;
  const mhaSd = mha.stateDict();
  const rng = new Rng(spec.seed);
  const { variant } = spec;
  if (variant === 'qcqa' || variant === 'asymgqa') {
    const assignments = variant === 'qcqa' ? qcqaAssignments(mha, spec) : asymAssignments(spec, H, depth);
    const converted = convertStateDict(mhaSd, { numHeads: H, depth, assignments });
    const model = createViT(withVariant(base, { kind: 'mha', fidelity: spec.fidelity }), rng);
    const groupSizes = converted.layers.map((l) => Array.from(l.groupSizes));
    setGroupSizes(model, groupSizes, spec.fidelity);
    loadInto(model, converted.stateDict);
    return { model, groupSizes, assignments };
  }
  const config: ViTConfig = withVariant(base, variantConfig(spec), spec.kvHeads);
  const model = createViT(config, rng);
  const G = config.numKvHeads;
  // WGQA loads the MHA heads as they are; the others are mean-pooled to G heads.
  const sd =
    variant === 'wgqa' ? mhaSd : convertStateDict(mhaSd, { numHeads: H, depth, groups: G }).stateDict;
  loadInto(model, sd);
  return {
    model,
    groupSizes: Array.from({ length: depth }, () => new Array<number>(G).fill(H / G)),
    assignments: null,
  };
}

/** Loads `sd` over the model's own entries, so policy state (DGQA caches) keeps its initial values. */
function loadInto(model: ViT, sd: ReadonlyMap<string, NDArray>): void {
  const full = model.stateDict();
  for (const [k, v] of sd) full.set(k, v);
  model.loadStateDict(full, { strict: true });
}

/**
 * Replaces every block's attention by a grouped layer with the given per-layer group sizes (contiguous query
 * ranges, a FixedAllocationPolicy); weights are fresh, to be loaded afterwards.
 */
export function setGroupSizes(
  model: ViT,
  groupSizes: readonly (readonly number[])[],
  fidelity: Fidelity,
): void {
  const c = model.config;
  const blocks = [...model.blocks];
  if (groupSizes.length !== blocks.length) {
    throw new RangeError(
      `setGroupSizes: ${groupSizes.length} layers of group sizes for ${blocks.length} blocks`,
    );
  }
  blocks.forEach((block, i) => {
    const sizes = groupSizes[i];
    const total = sizes.reduce((s, x) => s + x, 0);
    if (total !== c.numHeads || sizes.some((x) => !Number.isInteger(x) || x < 1)) {
      throw new RangeError(
        `setGroupSizes: layer ${i} sizes [${sizes.join(', ')}] must be positive integers summing to H = ${c.numHeads}`,
      );
    }
    block.attn = new GroupedQueryAttention({
      dim: c.dim,
      numHeads: c.numHeads,
      numKvHeads: sizes.length,
      qkvBias: c.qkvBias,
      attnDrop: c.attnDropout,
      projDrop: c.dropout,
      policy: new FixedAllocationPolicy(sizes, fidelity),
      rng: model.rng,
    });
  });
}

/** The candidate with `groups` groups, else the nearest count (ties: fewer groups, then lower error). */
export function nearestCandidate(front: readonly QcqaCandidate[], groups: number): QcqaCandidate {
  if (front.length === 0) throw new RangeError('nearestCandidate: empty Pareto front');
  const sorted = [...front].sort(
    (a, b) =>
      Math.abs(a.numGroups - groups) - Math.abs(b.numGroups - groups) ||
      a.numGroups - b.numGroups ||
      a.error - b.error,
  );
  return sorted[0];
}

function qcqaAssignments(mha: ViT, spec: VariantSpec): Int32Array[] {
  // MHA k / v projections are (H·d, C): exactly what the sharing error compares head by head.
  const layers = mha.attentionLayers().map((attn) => ({ wk: attn.k.weight.data, wv: attn.v.weight.data }));
  const H = mha.config.numHeads;
  const options = { seed: spec.seed, generations: spec.qcqaGenerations };
  if (spec.qcqaStage === 'model') {
    const { front } = qcqaSearchModel(layers, H, options);
    return nearestModelChoice(front, layers.length * spec.kvHeads).assignments.map((a) => Int32Array.from(a));
  }
  const seeds = new Rng(spec.seed);
  return layers.map(
    (w) =>
      nearestCandidate(qcqaSearchLayer(w, H, { ...options, seed: seeds.nextUint32() }).front, spec.kvHeads)
        .assignment,
  );
}

/** The across-layer choice with `totalGroups` KV heads in all, else the nearest (ties: fewer, then lower error). */
export function nearestModelChoice(front: readonly ModelChoice[], totalGroups: number): ModelChoice {
  if (front.length === 0) throw new RangeError('nearestModelChoice: empty across-layer front');
  return [...front].sort(
    (a, b) =>
      Math.abs(a.totalGroups - totalGroups) - Math.abs(b.totalGroups - totalGroups) ||
      a.totalGroups - b.totalGroups ||
      a.error - b.error,
  )[0];
}

function asymAssignments(spec: VariantSpec, numHeads: number, depth: number): Int32Array[] {
  const keys = spec.calibrationKeys;
  if (!keys || keys.length !== depth) {
    throw new RangeError(
      `convertToVariant(asymgqa): needs calibration keys for each of the ${depth} layers, got ${keys?.length ?? 0}`,
    );
  }
  return keys.map((k, l) => {
    if (k.shape[1] !== numHeads) {
      throw new RangeError(
        `convertToVariant(asymgqa): layer ${l} keys have ${k.shape[1]} heads, expected ${numHeads}`,
      );
    }
    return asymGqaGrouping(k, { numGroups: spec.kvHeads }).assignment;
  });
}

/** Bakes every WGQA layer's learned head weights into a plain GQA layer (same function, GQA's cost). */
export function foldWeightedLayers(model: ViT): void {
  for (const block of model.blocks) {
    if (block.attn instanceof WeightedGroupedQueryAttention) block.attn = block.attn.fold();
  }
}
