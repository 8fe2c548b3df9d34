/** Public API of @gqa-lab/vit: the ViT model, presets, timm loading, training loop and datasets. */
export * from './config';
export * from './data/index';
export * from './evaluate';
export * from './memory';
export * from './metrics-log';
export * from './patchify';
export * from './presets';
export * from './progress';
export * from './timm';
export * from './train';
export * from './train-state';
export * from './variant';
export * from './vit';
