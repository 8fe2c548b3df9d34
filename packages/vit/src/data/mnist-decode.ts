/**
 * MNIST / Fashion-MNIST decoding from bytes (browsers too), on top of the generic IDX codec, with the extra
 * checks of R4.1: images are magic 2051 (uint8, rank 3) of 28x28, labels magic 2049 (uint8, rank 1) below the
 * class count, and both files hold the same number of samples. mnist.ts reads the files (Node).
 */
import { DEFAULT_READ_LIMITS, ReadLimitError } from '@gqa-lab/nn';
import type { Dataset } from './dataset';
import { parseIdx } from './idx';

export const MNIST_IMAGE_MAGIC = 2051;
export const MNIST_LABEL_MAGIC = 2049;

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Decoded MNIST-style images: (count, rows, cols) uint8 pixels. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

function magicOf(bytes: Uint8Array): number {
  return bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : -1;
}

/**
 * Decodes an MNIST image file (magic 2051, 28x28 unless `size` says otherwise) of at most `maxImages`
 * images (the limit maxImages, checked on the header before anything is allocated).
 */
export function decodeIdxImages(
  bytes: Uint8Array,
  name: string,
  size = { rows: 28, cols: 28 },
  maxImages: number = DEFAULT_READ_LIMITS.maxImages,
): IdxImages {
  const magic = magicOf(bytes);
  if (magic !== MNIST_IMAGE_MAGIC) {
    throw new RangeError(`${name}: expected image magic ${MNIST_IMAGE_MAGIC} (0x00000803), got ${magic}`);
  }
  const declared = bytes.length >= 8 ? new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0) : 0;
  if (declared > maxImages)
    throw new ReadLimitError(name, 'maxImages', 'the image count', declared, maxImages);
  const t = parseIdx(bytes, name);
  const [count, rows, cols] = t.shape;
  if (rows !== size.rows || cols !== size.cols) {
    throw new RangeError(`${name}: expected ${size.rows}x${size.cols} images, got ${rows}x${cols}`);
  }
  if (!(t.data instanceof Uint8Array)) throw new RangeError(`${name}: expected uint8 pixels, got ${t.type}`);
  return { count, rows, cols, pixels: t.data };
}

/** Decodes an MNIST label file (magic 2049); every label must be in [0, numClasses). */
export function decodeIdxLabels(bytes: Uint8Array, name: string, numClasses = 10): Uint8Array {
  const magic = magicOf(bytes);
  if (magic !== MNIST_LABEL_MAGIC) {
    throw new RangeError(`${name}: expected label magic ${MNIST_LABEL_MAGIC} (0x00000801), got ${magic}`);
  }
  const t = parseIdx(bytes, name);
  if (!(t.data instanceof Uint8Array)) throw new RangeError(`${name}: expected uint8 labels, got ${t.type}`);
  const labels = t.data;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses) {
      throw new RangeError(`${name}: label ${labels[i]} at index ${i} is outside [0, ${numClasses})`);
    }
  }
  return labels;
}

/** Joins decoded images and labels into a Dataset (C = 1, pixels scaled to [0, 1]). */
export function mnistDataset(
  images: IdxImages,
  labels: Uint8Array,
  names: { images: string; labels: string; dataset: string },
  classes: string[] = MNIST_CLASSES,
): Dataset {
  if (images.count !== labels.length) {
    throw new RangeError(
      `${names.dataset}: ${names.images} holds ${images.count} images but ${names.labels} holds ${labels.length} labels`,
    );
  }
  const data = new Float32Array(images.pixels.length);
  for (let i = 0; i < data.length; i++) data[i] = images.pixels[i] / 255;
  return {
    name: names.dataset,
    images: data,
    labels: Int32Array.from(labels),
    n: images.count,
    channels: 1,
    height: images.rows,
    width: images.cols,
    classes: [...classes],
  };
}
