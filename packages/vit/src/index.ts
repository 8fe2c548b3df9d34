/** Public API of @gqa-lab/vit: the ViT model, presets, timm loading, training loop and datasets. */
export * from './config';
export * from './data/index';
export * from './evaluate';
export * from './memory';
export * from './metrics-log';
export * from './patchify';
export * from './presets';
export * from './progress';
// The up-training experiment and its report (the `gqa-lab` CLI itself is src/cli.ts, run through bin/gqa-lab.mjs).
export * from './report/bar-chart';
export * from './report/heatmap';
export * from './report/html';
export * from './report/line-chart';
export * from './timm';
export * from './train';
export * from './train-config';
export * from './train-state';
export * from './uptrain';
export * from './uptrain-config';
export * from './uptrain-data';
export * from './uptrain-model-file';
export * from './uptrain-probes';
export * from './uptrain-results';
export * from './uptrain-variants';
export * from './variant';
export * from './vit';
