/**
 * The browser entry of @gqa-lab/vit (the `browser` export condition, and `@gqa-lab/vit/browser`): the model,
 * presets, patching, variants, in-memory datasets and codecs (model files as bytes included), the DataLoader
 * and the report charts, without the parts that need Node (file loaders, model files on disk, checkpoints and
 * metrics files, the training loop that writes them, the up-training pipeline, the CLI). The Node entry (index.ts) exports all of this and those parts.
 */
export * from './attention-maps';
export * from './config';
// The in-memory half of the datasets (the Node entry adds the file loaders).
export {
  adjustBrightness,
  adjustContrast,
  autocontrast,
  equalize,
  posterize,
  solarize,
} from './data/augment/color';
export {
  flipHorizontal,
  horizontalFlip,
  type Interpolation,
  randomCrop,
  randomRotate,
  resize,
  resizeBilinear,
  rotateImage,
  shearImage,
  translateImage,
  warpAffine,
} from './data/augment/geometric';
export { type Augment, blankImage, compose, type ImageCHW, normalize } from './data/augment/image';
export {
  applyRandAugmentOp,
  RAND_AUGMENT_OPS,
  type RandAugmentOp,
  type RandAugmentOptions,
  randAugment,
} from './data/augment/randaugment';
export {
  assertNotCifarPickle,
  CIFAR_PIXELS,
  CIFAR10_CLASSES,
  CIFAR10_RECORD,
  CIFAR100_RECORD,
  type Cifar100Label,
  type CifarDecoded,
  type CifarDecodeOptions,
  type CifarRecord,
  type CifarVariant,
  concatDatasets,
  decodeCifar,
  encodeCifar,
} from './data/cifar';
export { assertDataset, channelStats, type Dataset, normalizeChannelsInPlace, subset } from './data/dataset';
export { decompressionStreamGunzip, type Gunzip, isGzip, maybeGunzip } from './data/gzip';
export { encodeIdx, IDX_TYPES, type IdxData, type IdxTensor, type IdxTypeName, parseIdx } from './data/idx';
export { limitDataset, trainNormalization } from './data/limit';
export { type Batch, DataLoader, type DataLoaderOptions } from './data/loader';
export {
  decodeIdxImages,
  decodeIdxLabels,
  FASHION_MNIST_CLASSES,
  type IdxImages,
  MNIST_CLASSES,
  MNIST_IMAGE_MAGIC,
  MNIST_LABEL_MAGIC,
  mnistDataset,
} from './data/mnist-decode';
export { deriveSeed } from './data/seed';
export { makeSyntheticDataset, type SyntheticOptions } from './data/synthetic';
export * from './evaluate';
export * from './model-file-codec';
export * from './patchify';
export * from './presets';
export * from './report/bar-chart';
export * from './report/confusion-matrix';
export * from './report/heatmap';
export * from './report/html';
export { escapeText, Html, type HtmlValue, html } from './report/html-template';
export * from './report/line-chart';
export * from './report/map-grid';
export * from './report/stat-charts';
export * from './stats/index';
// The sweep's statistics and report page (writing the files needs Node: the Node entry adds it).
export * from './sweep-report/sweep-csv';
export * from './sweep-report/sweep-html';
export * from './sweep-report/sweep-row';
export * from './sweep-report/sweep-stats';
export * from './sweep-report/sweep-tables';
export * from './timm';
export { NonFiniteLossError, type StepInfo, type TrainConfig } from './train-config';
export * from './train-step';
export * from './uptrain-config';
export * from './uptrain-probes';
export * from './uptrain-results';
export * from './uptrain-rows';
export * from './uptrain-run-record';
export * from './uptrain-summary';
export * from './uptrain-variants';
export * from './variant';
export * from './vit';
