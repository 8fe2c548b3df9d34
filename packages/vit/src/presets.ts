/**
 * Named ViT shapes: timm's ImageNet models (224 px, patch 16) and small models for 28x28 (MNIST-like)
 * and 32x32 (CIFAR-like) images that train in minutes on a laptop CPU. All start as MHA; pick a variant
 * with `withVariant`.
 */
import { type ViTConfig, validateViTConfig } from './config';

type Shape = Pick<
  ViTConfig,
  'imageSize' | 'patchSize' | 'inChannels' | 'numClasses' | 'dim' | 'depth' | 'numHeads'
> &
  Partial<Pick<ViTConfig, 'mlpRatio'>>;

function mha(shape: Shape): ViTConfig {
  return {
    mlpRatio: 4,
    ...shape,
    numKvHeads: shape.numHeads,
    qkvBias: true,
    dropout: 0,
    attnDropout: 0,
    variant: { kind: 'mha' },
  };
}

const imagenet = { imageSize: 224, patchSize: 16, inChannels: 3, numClasses: 1000 };
/** Fashion-MNIST / MNIST-like grids: 28x28 pixels, 1 channel, 10 classes. */
const images28x1 = (patchSize: number) => ({ imageSize: 28, patchSize, inChannels: 1, numClasses: 10 });
/** CIFAR-10-like grids: 32x32 pixels, 3 channels, 10 classes. */
const images32x3 = (patchSize: number) => ({ imageSize: 32, patchSize, inChannels: 3, numClasses: 10 });

export const VIT_PRESETS = {
  /** timm vit_tiny_patch16_224: 5.7M parameters. */
  vit_tiny_patch16_224: mha({ ...imagenet, dim: 192, depth: 12, numHeads: 3 }),
  /** timm vit_small_patch16_224: 22M parameters. */
  vit_small_patch16_224: mha({ ...imagenet, dim: 384, depth: 12, numHeads: 6 }),
  /** timm vit_base_patch16_224: 86M parameters. */
  vit_base_patch16_224: mha({ ...imagenet, dim: 768, depth: 12, numHeads: 12 }),
  /** timm vit_large_patch16_224: 304M parameters. */
  vit_large_patch16_224: mha({ ...imagenet, dim: 1024, depth: 24, numHeads: 16 }),
  /** 28x28x1, 16 patches of 7x7, 8 heads of width 4: the fastest model that still learns Fashion-MNIST. */
  vit_micro_patch7_28: mha({ ...images28x1(7), dim: 32, depth: 2, numHeads: 8, mlpRatio: 2 }),
  /** 28x28x1, 16 patches of 7x7, 8 heads of width 8. */
  vit_tiny_patch7_28: mha({ ...images28x1(7), dim: 64, depth: 4, numHeads: 8, mlpRatio: 2 }),
  /** 28x28x1, 49 patches of 4x4, 8 heads of width 8. */
  vit_tiny_patch4_28: mha({ ...images28x1(4), dim: 64, depth: 4, numHeads: 8, mlpRatio: 2 }),
  /** 32x32x3, 64 patches of 4x4, 8 heads of width 8 (CIFAR-10). */
  vit_tiny_patch4_32: mha({ ...images32x3(4), dim: 64, depth: 4, numHeads: 8, mlpRatio: 2 }),
  /** 32x32x3, 64 patches of 4x4, 8 heads of width 16 (CIFAR-10 / CIFAR-100, longer runs). */
  vit_small_patch4_32: mha({ ...images32x3(4), dim: 128, depth: 6, numHeads: 8, mlpRatio: 2 }),
} satisfies Record<string, ViTConfig>;

export type ViTPresetName = keyof typeof VIT_PRESETS;

export const VIT_PRESET_NAMES = Object.keys(VIT_PRESETS) as ViTPresetName[];

function isPresetName(name: string): name is ViTPresetName {
  return Object.hasOwn(VIT_PRESETS, name);
}

/** A fresh copy of a preset, with any fields overridden (e.g. numClasses); throws on an unknown name. */
export function vitPreset(name: string, overrides: Partial<ViTConfig> = {}): ViTConfig {
  if (!isPresetName(name))
    throw new RangeError(`vitPreset: unknown preset '${name}' (known: ${VIT_PRESET_NAMES.join(', ')})`);
  const base = VIT_PRESETS[name];
  return validateViTConfig({ ...base, ...overrides, variant: { ...(overrides.variant ?? base.variant) } });
}
