/** Public API of the @gqa-lab/vit datasets: codecs, loaders, augmentations and the DataLoader. */
export {
  adjustBrightness,
  adjustContrast,
  autocontrast,
  equalize,
  posterize,
  solarize,
} from './augment/color';
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
} from './augment/geometric';
export { type Augment, blankImage, compose, type ImageCHW, normalize } from './augment/image';
export {
  applyRandAugmentOp,
  RAND_AUGMENT_OPS,
  type RandAugmentOp,
  type RandAugmentOptions,
  randAugment,
} from './augment/randaugment';
export {
  BUILTIN_SUBSET_DIR,
  type BuiltinOptions,
  type BuiltinSource,
  DEBIAN_FASHION_MNIST_DIR,
  findDebianFashionMnist,
  loadBuiltinFashionMnist,
  parseSha256Sums,
  verifyBuiltinSubset,
} from './builtin';
export {
  type ChecksumResult,
  type HashAlgorithm,
  hashBytes,
  KNOWN_CHECKSUMS,
  type KnownChecksum,
  verifyChecksum,
} from './checksums';
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
} from './cifar';
export { loadCifar10, loadCifar100 } from './cifar-files';
export { assertDataset, channelStats, type Dataset, normalizeChannelsInPlace, subset } from './dataset';
export { decompressionStreamGunzip, type Gunzip, isGzip, maybeGunzip } from './gzip';
export { encodeIdx, IDX_TYPES, type IdxData, type IdxTensor, type IdxTypeName, parseIdx } from './idx';
export { trainNormalization } from './limit';
export { type Batch, DataLoader, type DataLoaderOptions } from './loader';
export {
  decodeIdxImages,
  decodeIdxLabels,
  FASHION_MNIST_CLASSES,
  type IdxImages,
  loadIdxImages,
  loadIdxLabels,
  loadMnistLike,
  MNIST_CLASSES,
  MNIST_IMAGE_MAGIC,
  MNIST_LABEL_MAGIC,
  type MnistLikeOptions,
  mnistDataset,
  resolveMaybeGz,
  type Split,
} from './mnist';
export { nodeGunzip, readMaybeGzipped } from './node-io';
export { deriveSeed } from './seed';
export { makeSyntheticDataset, type SyntheticOptions } from './synthetic';
export {
  type DecodedImage,
  decodeTinyImageNet,
  type ImageDecoder,
  loadTinyImageNet,
  parseValAnnotations,
  parseWnids,
  TINY_IMAGENET_SIZE,
  type TinyImageNetOptions,
  type TinyImageNetRaw,
  toRgbCHW,
} from './tiny-imagenet';
export { packTinyImageNet, TINY_CACHE_RECORD, unpackTinyImageNet } from './tiny-imagenet-cache';
