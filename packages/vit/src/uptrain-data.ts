/**
 * The data of an up-training run: built-in Fashion-MNIST by default, or an IDX / CIFAR folder given by --data;
 * optional seeded subsets (the same images for every seed and variant) and per-channel normalisation stats.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ViTConfig } from './config';
import { loadBuiltinFashionMnist } from './data/builtin';
import { loadCifar10, loadCifar100 } from './data/cifar-files';
import type { Dataset } from './data/dataset';
import { limitDataset, trainNormalization } from './data/limit';
import { loadMnistLike } from './data/mnist';
import { pathExists } from './data/node-io';
import { VIT_PRESET_NAMES, vitPreset } from './presets';
import type { DatasetInfo } from './uptrain-results';

export { limitDataset } from './data/limit';

export interface ExperimentData {
  train: Dataset;
  test: Dataset;
  info: DatasetInfo;
  /** Train-set channel statistics, for the loaders' normalisation. */
  normalize: { mean: number[]; std: number[] };
}

/** Loads the train and test splits of `dir` by what it holds: CIFAR-10, CIFAR-100 or MNIST-style IDX files. */
export async function loadDataDir(dir: string): Promise<{ train: Dataset; test: Dataset; source: string }> {
  if (!(await pathExists(dir))) throw new Error(`--data: ${dir} does not exist`);
  for (const [sub, kind] of [
    ['cifar-10-batches-bin', 'cifar10'],
    ['cifar-100-binary', 'cifar100'],
  ] as const) {
    if (await pathExists(join(dir, sub))) return loadKind(join(dir, sub), kind);
  }
  if (await pathExists(join(dir, 'data_batch_1.bin'))) return loadKind(dir, 'cifar10');
  if ((await pathExists(join(dir, 'train.bin'))) && (await pathExists(join(dir, 'test.bin'))))
    return loadKind(dir, 'cifar100');
  const names = await readdir(dir);
  if (names.some((n) => n.startsWith('train-images-idx3-ubyte'))) return loadKind(dir, 'idx');
  throw new Error(
    `--data: ${dir} holds neither IDX files (train-images-idx3-ubyte[.gz], ...) nor CIFAR binaries ` +
      `(cifar-10-batches-bin/, cifar-100-binary/); found: ${names.slice(0, 8).join(', ') || 'nothing'}`,
  );
}

async function loadKind(dir: string, kind: 'cifar10' | 'cifar100' | 'idx') {
  if (kind === 'cifar10')
    return { train: await loadCifar10(dir, 'train'), test: await loadCifar10(dir, 'test'), source: dir };
  if (kind === 'cifar100')
    return { train: await loadCifar100(dir, 'train'), test: await loadCifar100(dir, 'test'), source: dir };
  return { train: await loadMnistLike(dir, 'train'), test: await loadMnistLike(dir, 'test'), source: dir };
}

/** Loads, limits and describes the experiment's data (`data` null: built-in Fashion-MNIST). */
export async function loadExperimentData(
  data: string | null,
  trainLimit: number | null,
  testLimit: number | null,
): Promise<ExperimentData> {
  let loaded: { train: Dataset; test: Dataset; source: string };
  if (data === null) {
    const train = await loadBuiltinFashionMnist('train');
    loaded = { train, test: await loadBuiltinFashionMnist('test'), source: train.source };
  } else {
    loaded = await loadDataDir(data);
  }
  const train = limitDataset(loaded.train, trainLimit);
  const test = limitDataset(loaded.test, testLimit);
  return {
    train,
    test,
    normalize: trainNormalization(train),
    info: {
      name: loaded.train.name.replace(/:train$/, ''),
      source: loaded.source,
      trainSize: train.n,
      testSize: test.n,
      classes: train.classes.length,
      imageSize: train.height,
      channels: train.channels,
    },
  };
}

/** The preset's ViTConfig fitted to the data's classes; errors when its image size or channels differ. */
export function presetForData(preset: string, info: DatasetInfo): ViTConfig {
  const base = vitPreset(preset);
  if (base.imageSize !== info.imageSize || base.inChannels !== info.channels) {
    const fits = VIT_PRESET_NAMES.filter((n) => {
      const p = vitPreset(n);
      return p.imageSize === info.imageSize && p.inChannels === info.channels;
    });
    throw new Error(
      `--preset: ${preset} takes ${base.inChannels}x${base.imageSize}x${base.imageSize} images, the data is ` +
        `${info.channels}x${info.imageSize}x${info.imageSize} (presets that fit: ${fits.join(', ') || 'none'})`,
    );
  }
  return vitPreset(preset, { numClasses: info.classes });
}
