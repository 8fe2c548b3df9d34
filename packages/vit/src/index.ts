/** Public API of @gqa-lab/vit: the ViT model, presets, timm loading, training loop and datasets. */
export * from './config';
export * from './data/index';
export * from './patchify';
export * from './presets';
export * from './variant';
export * from './vit';
