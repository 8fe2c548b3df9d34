/** MNIST / Fashion-MNIST files on disk (Node): found, read (gzipped or not) and decoded by mnist-decode.ts. */

import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { type ReadLimits, readLimits } from '@gqa-lab/nn';
import type { Dataset } from './dataset';
import type { Gunzip } from './gzip';
import {
  decodeIdxImages,
  decodeIdxLabels,
  type IdxImages,
  MNIST_CLASSES,
  mnistDataset,
} from './mnist-decode';
import { nodeGunzip, readMaybeGzipped } from './node-io';

export {
  decodeIdxImages,
  decodeIdxLabels,
  FASHION_MNIST_CLASSES,
  type IdxImages,
  MNIST_CLASSES,
  MNIST_IMAGE_MAGIC,
  MNIST_LABEL_MAGIC,
  mnistDataset,
} from './mnist-decode';

/** Reads and decodes an MNIST image file (`.gz` transparently) within the read limits. */
export async function loadIdxImages(
  path: string,
  gunzip: Gunzip = nodeGunzip,
  limits: Partial<ReadLimits> = {},
): Promise<IdxImages> {
  const l = readLimits(limits);
  return decodeIdxImages(await readMaybeGzipped(path, gunzip, l), path, undefined, l.maxImages);
}

/** Reads and decodes an MNIST label file (`.gz` transparently). */
export async function loadIdxLabels(
  path: string,
  numClasses = 10,
  gunzip: Gunzip = nodeGunzip,
): Promise<Uint8Array> {
  return decodeIdxLabels(await readMaybeGzipped(path, gunzip), path, numClasses);
}

export type Split = 'train' | 'test';

export interface MnistLikeOptions {
  /** Class names (default: digits; use FASHION_MNIST_CLASSES for Fashion-MNIST). */
  classes?: string[];
  name?: string;
  gunzip?: Gunzip;
}

/** The path of `base` in `dir`, preferring `base.gz`; the error lists both names tried. */
export async function resolveMaybeGz(dir: string, base: string): Promise<string> {
  for (const candidate of [`${base}.gz`, base]) {
    const path = join(dir, candidate);
    try {
      await access(path);
      return path;
    } catch {
      // try the next spelling
    }
  }
  throw new Error(`${dir}: neither ${base}.gz nor ${base} exists`);
}

/** Loads an MNIST-format split from `dir` (train-* or t10k-* files, gzipped or not). */
export async function loadMnistLike(
  dir: string,
  split: Split,
  options: MnistLikeOptions = {},
): Promise<Dataset> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = await resolveMaybeGz(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = await resolveMaybeGz(dir, `${prefix}-labels-idx1-ubyte`);
  const classes = options.classes ?? MNIST_CLASSES;
  const gunzip = options.gunzip ?? nodeGunzip;
  const images = await loadIdxImages(imagesPath, gunzip);
  const labels = await loadIdxLabels(labelsPath, classes.length, gunzip);
  const dataset = options.name ?? `${dir}:${split}`;
  return mnistDataset(images, labels, { images: imagesPath, labels: labelsPath, dataset }, classes);
}
