/** Node loaders for the extracted CIFAR binary archives (cifar-10-batches-bin/, cifar-100-binary/). */
import { join } from 'node:path';
import { ReadLimitError, readLimits, readRegularFile, readRegularTextFile } from '@gqa-lab/nn';
import { type Cifar100Label, type CifarDecodeOptions, concatDatasets, decodeCifar } from './cifar';
import type { Dataset } from './dataset';
import type { Split } from './mnist';
import { pathExists } from './node-io';

async function readBin(dir: string, file: string): Promise<Uint8Array> {
  const path = join(dir, file);
  if (!(await pathExists(path))) {
    const pickled = join(dir, file.replace(/\.bin$/, ''));
    if (await pathExists(pickled)) {
      throw new Error(
        `${path} is missing but ${pickled} exists: that is the pickled CIFAR "python version", which is unsupported; ` +
          'use the binary version (cifar-10-binary.tar.gz / cifar-100-binary.tar.gz)',
      );
    }
    throw new Error(`${path}: file not found (expected the extracted CIFAR binary version)`);
  }
  const bytes = await readRegularFile(path);
  // One record is a label byte (two for CIFAR-100) and 3072 pixel bytes.
  const { maxImages } = readLimits();
  if (bytes.length / 3073 > maxImages)
    throw new ReadLimitError(
      path,
      'maxImages',
      'the image count',
      Math.floor(bytes.length / 3073),
      maxImages,
    );
  return bytes;
}

async function readClassNames(path: string, expected: number): Promise<string[] | undefined> {
  if (!(await pathExists(path))) return undefined;
  const names = (await readRegularTextFile(path))
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length !== expected)
    throw new RangeError(`${path}: expected ${expected} class names, got ${names.length}`);
  return names;
}

/** Loads CIFAR-10 from `cifar-10-batches-bin/` (5 train batches or test_batch.bin; class names from batches.meta.txt). */
export async function loadCifar10(
  dir: string,
  split: Split,
  options: Omit<CifarDecodeOptions, 'label'> = {},
): Promise<Dataset> {
  const files = split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const classes = options.classes ?? (await readClassNames(join(dir, 'batches.meta.txt'), 10));
  const parts: Dataset[] = [];
  for (const f of files)
    parts.push(decodeCifar(await readBin(dir, f), join(dir, f), 'cifar10', { ...options, classes }));
  return concatDatasets(parts, `cifar10:${split}`);
}

/** Loads CIFAR-100 from `cifar-100-binary/` (train.bin or test.bin), fine labels unless `label: 'coarse'`. */
export async function loadCifar100(
  dir: string,
  split: Split,
  options: CifarDecodeOptions = {},
): Promise<Dataset> {
  const label: Cifar100Label = options.label ?? 'fine';
  const names = label === 'fine' ? 'fine_label_names.txt' : 'coarse_label_names.txt';
  const classes = options.classes ?? (await readClassNames(join(dir, names), label === 'fine' ? 100 : 20));
  const file = `${split}.bin`;
  const ds = decodeCifar(await readBin(dir, file), join(dir, file), 'cifar100', {
    ...options,
    label,
    classes,
  });
  return { ...ds, name: `cifar100-${label}:${split}` };
}
