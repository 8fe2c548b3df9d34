/**
 * The bundled Fashion-MNIST subset (packages/vit/data/fashion-mnist-subset: 10,000 training and 2,000 test
 * images), shipped with the site as its gzipped IDX files and decoded by the vit package's codecs.
 */
import {
  type Dataset,
  decodeIdxImages,
  decodeIdxLabels,
  decompressionStreamGunzip,
  FASHION_MNIST_CLASSES,
  maybeGunzip,
  mnistDataset,
} from '@gqa-lab/vit/browser';
import testImages from '../../../packages/vit/data/fashion-mnist-subset/t10k-images-idx3-ubyte.gz?url';
import testLabels from '../../../packages/vit/data/fashion-mnist-subset/t10k-labels-idx1-ubyte.gz?url';
import trainImages from '../../../packages/vit/data/fashion-mnist-subset/train-images-idx3-ubyte.gz?url';
import trainLabels from '../../../packages/vit/data/fashion-mnist-subset/train-labels-idx1-ubyte.gz?url';

async function fetchFile(url: string, name: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${name}: the site served HTTP ${response.status} for ${url}`);
  // A server may already have removed the gzip layer (Content-Encoding); maybeGunzip looks at the bytes.
  return maybeGunzip(
    new Uint8Array(await response.arrayBuffer()),
    name.replace(/\.gz$/, ''),
    decompressionStreamGunzip,
  );
}

async function loadSplit(images: string, labels: string, split: 'train' | 't10k'): Promise<Dataset> {
  const names = {
    images: `${split}-images-idx3-ubyte.gz`,
    labels: `${split}-labels-idx1-ubyte.gz`,
    dataset: `fashion-mnist-subset:${split === 'train' ? 'train' : 'test'}`,
  };
  const [imageBytes, labelBytes] = await Promise.all([
    fetchFile(images, names.images),
    fetchFile(labels, names.labels),
  ]);
  return mnistDataset(
    decodeIdxImages(imageBytes, names.images),
    decodeIdxLabels(labelBytes, names.labels),
    names,
    FASHION_MNIST_CLASSES,
  );
}

let cached: Promise<{ train: Dataset; test: Dataset }> | null = null;

/** Both splits, fetched and decoded once per worker. */
export function bundledFashionMnist(): Promise<{ train: Dataset; test: Dataset }> {
  cached ??= Promise.all([
    loadSplit(trainImages, trainLabels, 'train'),
    loadSplit(testImages, testLabels, 't10k'),
  ]).then(([train, test]) => ({ train, test }));
  return cached;
}
