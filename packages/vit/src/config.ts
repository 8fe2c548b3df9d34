/**
 * ViTConfig: the shape of a Vision Transformer and the attention variant of its blocks. Plain JSON, so
 * it can sit in a checkpoint's metadata, a CLI config file or a results table.
 */
import type { Fidelity } from '@gqa-lab/gqa';

/** Every attention variant a ViT block can use; all share the one GroupedQueryAttention core. */
export const VARIANT_KINDS = ['mha', 'mqa', 'gqa', 'kdgqa', 'dgqa-diff', 'dgqa-ema', 'pgqa', 'wgqa'] as const;

export type VariantKind = (typeof VARIANT_KINDS)[number];

export interface VariantConfig {
  kind: VariantKind;
  /** 'reference' reproduces the published code, quirks included; 'corrected' (default) fixes them. */
  fidelity?: Fidelity;
  /** DGQA: recompute the allocation every `window` training steps (default 1). */
  window?: number;
  /** KDGQA / DGQA corrected: least number of query heads per KV head. */
  minPerGroup?: number;
  /** KDGQA corrected: one allocation per sample instead of per batch. */
  perSample?: boolean;
  /** PGQA corrected: multiplies the perturbation (1 = published magnitude). */
  perturbScale?: number;
}

export interface ViTConfig {
  imageSize: number;
  patchSize: number;
  inChannels: number;
  numClasses: number;
  /** Token width C = numHeads · headDim. */
  dim: number;
  depth: number;
  numHeads: number;
  /** KV heads G; must be numHeads for 'mha' and 1 for 'mqa' (withVariant sets it). */
  numKvHeads: number;
  /** MLP hidden width = dim · mlpRatio (timm: 4). */
  mlpRatio: number;
  qkvBias: boolean;
  /** Dropout after the position embedding, the attention projection and in the MLP (timm's drop/proj_drop). */
  dropout: number;
  /** Dropout on the attention probabilities. */
  attnDropout: number;
  variant: VariantConfig;
}

/** The number of patch tokens (without the cls token): (imageSize / patchSize)^2. */
export function numPatches(config: Pick<ViTConfig, 'imageSize' | 'patchSize'>): number {
  const side = Math.floor(config.imageSize / config.patchSize);
  return side * side;
}

/** A copy of `config` with another variant, its KV heads made consistent (mha: H, mqa: 1, else `numKvHeads`). */
export function withVariant(
  config: ViTConfig,
  variant: VariantConfig,
  numKvHeads = config.numKvHeads,
): ViTConfig {
  const kv = variant.kind === 'mha' ? config.numHeads : variant.kind === 'mqa' ? 1 : numKvHeads;
  return { ...config, numKvHeads: kv, variant: { ...variant } };
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`ViTConfig: ${name} must be a positive integer, got ${v}`);
}

/** Throws a RangeError naming the first inconsistent field; returns the config unchanged otherwise. */
export function validateViTConfig(config: ViTConfig): ViTConfig {
  const { imageSize, patchSize, dim, numHeads, numKvHeads, variant } = config;
  for (const key of [
    'imageSize',
    'patchSize',
    'inChannels',
    'numClasses',
    'dim',
    'depth',
    'numHeads',
  ] as const)
    positiveInt(key, config[key]);
  positiveInt('numKvHeads', numKvHeads);
  if (patchSize > imageSize)
    throw new RangeError(`ViTConfig: patchSize ${patchSize} is larger than imageSize ${imageSize}`);
  if (imageSize % patchSize !== 0)
    throw new RangeError(`ViTConfig: imageSize ${imageSize} is not a multiple of patchSize ${patchSize}`);
  if (dim % numHeads !== 0)
    throw new RangeError(`ViTConfig: dim ${dim} is not a multiple of numHeads ${numHeads}`);
  if (!VARIANT_KINDS.includes(variant.kind))
    throw new RangeError(`ViTConfig: unknown variant '${variant.kind}' (known: ${VARIANT_KINDS.join(', ')})`);
  if (variant.kind === 'mha' && numKvHeads !== numHeads)
    throw new RangeError(
      `ViTConfig: variant 'mha' needs numKvHeads = numHeads = ${numHeads}, got ${numKvHeads}`,
    );
  if (variant.kind === 'mqa' && numKvHeads !== 1)
    throw new RangeError(`ViTConfig: variant 'mqa' needs numKvHeads = 1, got ${numKvHeads}`);
  if (numKvHeads > numHeads || numHeads % numKvHeads !== 0)
    throw new RangeError(`ViTConfig: numHeads ${numHeads} is not a multiple of numKvHeads ${numKvHeads}`);
  if (!(config.mlpRatio > 0)) throw new RangeError(`ViTConfig: mlpRatio must be > 0, got ${config.mlpRatio}`);
  const hidden = dim * config.mlpRatio;
  if (!Number.isInteger(hidden))
    throw new RangeError(`ViTConfig: dim · mlpRatio = ${dim} · ${config.mlpRatio} is not an integer`);
  for (const key of ['dropout', 'attnDropout'] as const) {
    const p = config[key];
    if (!(p >= 0 && p < 1)) throw new RangeError(`ViTConfig: ${key} must be in [0, 1), got ${p}`);
  }
  if (variant.window !== undefined) positiveInt('variant.window', variant.window);
  return config;
}
