/**
 * CIFAR-10 / CIFAR-100 binary codec (R4.2). A CIFAR-10 record is <label><3072 pixels>, CIFAR-100 is
 * <coarse><fine><3072 pixels>; pixels are 1024 R, 1024 G, 1024 B bytes, each channel row-major 32x32,
 * which is already CHW. The pickled "python version" is not supported.
 */
import type { Dataset } from './dataset';
import { normalizeChannelsInPlace } from './dataset';

export const CIFAR_PIXELS = 3 * 32 * 32;
export const CIFAR10_RECORD = 1 + CIFAR_PIXELS; // 3073
export const CIFAR100_RECORD = 2 + CIFAR_PIXELS; // 3074

export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

export type CifarVariant = 'cifar10' | 'cifar100';
export type Cifar100Label = 'fine' | 'coarse';

/** Exact sizes of the canonical files (CIFAR-100 sizes derived from 50,000 / 10,000 records). */
const CANONICAL_BYTES: Record<CifarVariant, Record<string, number>> = {
  cifar10: {
    'data_batch_1.bin': 30_730_000,
    'data_batch_2.bin': 30_730_000,
    'data_batch_3.bin': 30_730_000,
    'data_batch_4.bin': 30_730_000,
    'data_batch_5.bin': 30_730_000,
    'test_batch.bin': 30_730_000,
  },
  cifar100: { 'train.bin': 153_700_000, 'test.bin': 30_740_000 },
};

const PICKLE_NAMES = /^(data_batch_[1-5]|test_batch|train|test|batches\.meta|meta)$/;

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Throws a clear error when `name` is a file of the pickled CIFAR "python version". */
export function assertNotCifarPickle(name: string): void {
  if (PICKLE_NAMES.test(baseName(name))) {
    throw new Error(
      `${name}: this is the pickled CIFAR "python version", which gqa-lab does not read (pickle can run code); ` +
        'download the binary version (cifar-10-binary.tar.gz / cifar-100-binary.tar.gz) and point at the .bin files',
    );
  }
}

export interface CifarDecodeOptions {
  /** CIFAR-100 only: which label byte becomes the dataset label (default 'fine'). */
  label?: Cifar100Label;
  /** Class names (default: CIFAR-10 names, or 'fine_0'.. / 'coarse_0'.. for CIFAR-100). */
  classes?: string[];
  /** Optional per-channel normalisation applied after scaling to [0, 1]. */
  normalize?: { mean: readonly number[]; std: readonly number[] };
}

/** The decoded labels of a CIFAR-100 file: both kinds are always returned. */
export interface CifarDecoded extends Dataset {
  coarseLabels?: Int32Array;
  fineLabels?: Int32Array;
}

/** Decodes a CIFAR binary file into CHW float32 in [0, 1]; `name` is quoted in every error. */
export function decodeCifar(
  bytes: Uint8Array,
  name: string,
  variant: CifarVariant,
  options: CifarDecodeOptions = {},
): CifarDecoded {
  assertNotCifarPickle(name);
  const record = variant === 'cifar10' ? CIFAR10_RECORD : CIFAR100_RECORD;
  if (bytes.length % record !== 0) {
    throw new RangeError(
      `${name}: ${bytes.length} bytes is not a multiple of the ${variant} record size ${record} (remainder ${bytes.length % record})`,
    );
  }
  const canonical = CANONICAL_BYTES[variant][baseName(name)];
  if (canonical !== undefined && bytes.length !== canonical) {
    throw new RangeError(
      `${name}: canonical ${variant} file must be exactly ${canonical} bytes (${canonical / record} records), got ${bytes.length}`,
    );
  }
  const n = bytes.length / record;
  const images = new Float32Array(n * CIFAR_PIXELS);
  const labels = new Int32Array(n);
  const coarse = variant === 'cifar100' ? new Int32Array(n) : undefined;
  const fine = variant === 'cifar100' ? new Int32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const at = i * record;
    if (coarse && fine) {
      coarse[i] = checkLabel(bytes[at], 20, name, 'coarse label', i, at);
      fine[i] = checkLabel(bytes[at + 1], 100, name, 'fine label', i, at + 1);
      labels[i] = options.label === 'coarse' ? coarse[i] : fine[i];
    } else {
      labels[i] = checkLabel(bytes[at], 10, name, 'label', i, at);
    }
    const px = at + record - CIFAR_PIXELS;
    const out = i * CIFAR_PIXELS;
    for (let p = 0; p < CIFAR_PIXELS; p++) images[out + p] = bytes[px + p] / 255;
  }
  if (options.normalize) normalizeChannelsInPlace(images, 3, 1024, options.normalize, name);
  const classes = options.classes ?? defaultClasses(variant, options.label ?? 'fine');
  const ds: CifarDecoded = { name, images, labels, n, channels: 3, height: 32, width: 32, classes };
  if (coarse && fine) {
    ds.coarseLabels = coarse;
    ds.fineLabels = fine;
  }
  return ds;
}

function checkLabel(v: number, k: number, name: string, what: string, i: number, offset: number): number {
  if (v >= k)
    throw new RangeError(`${name}: ${what} ${v} of record ${i} (byte ${offset}) is outside [0, ${k})`);
  return v;
}

function defaultClasses(variant: CifarVariant, label: Cifar100Label): string[] {
  if (variant === 'cifar10') return [...CIFAR10_CLASSES];
  const k = label === 'coarse' ? 20 : 100;
  return Array.from({ length: k }, (_, i) => `${label}_${i}`);
}

/** One CIFAR record for the encoder: CHW uint8 pixels (3072) plus label(s). */
export interface CifarRecord {
  pixels: Uint8Array;
  label: number;
  /** CIFAR-100 only. */
  coarse?: number;
}

/** Encodes records as a CIFAR binary file (CIFAR-100 uses `coarse` then `label` as the fine label). */
export function encodeCifar(records: readonly CifarRecord[], variant: CifarVariant): Uint8Array {
  const record = variant === 'cifar10' ? CIFAR10_RECORD : CIFAR100_RECORD;
  const out = new Uint8Array(records.length * record);
  records.forEach((r, i) => {
    if (r.pixels.length !== CIFAR_PIXELS) {
      throw new RangeError(
        `encodeCifar: record ${i} has ${r.pixels.length} pixels, expected ${CIFAR_PIXELS}`,
      );
    }
    const at = i * record;
    if (variant === 'cifar100') {
      out[at] = checkLabel(r.coarse ?? 0, 20, 'encodeCifar', 'coarse label', i, at);
      out[at + 1] = checkLabel(r.label, 100, 'encodeCifar', 'fine label', i, at + 1);
    } else {
      out[at] = checkLabel(r.label, 10, 'encodeCifar', 'label', i, at);
    }
    out.set(r.pixels, at + record - CIFAR_PIXELS);
  });
  return out;
}

/** Concatenates several decoded files (same variant) into one dataset. */
export function concatDatasets(parts: readonly Dataset[], name: string): Dataset {
  if (parts.length === 0) throw new RangeError(`${name}: nothing to concatenate`);
  const first = parts[0];
  const n = parts.reduce((s, p) => s + p.n, 0);
  const images = new Float32Array(parts.reduce((s, p) => s + p.images.length, 0));
  const labels = new Int32Array(n);
  let at = 0;
  let row = 0;
  for (const p of parts) {
    if (p.channels !== first.channels || p.height !== first.height || p.width !== first.width) {
      throw new RangeError(
        `${name}: ${p.name} is ${p.channels}x${p.height}x${p.width}, ${first.name} is ${first.channels}x${first.height}x${first.width}`,
      );
    }
    images.set(p.images, at);
    labels.set(p.labels, row);
    at += p.images.length;
    row += p.n;
  }
  return { ...first, name, images, labels, n, classes: [...first.classes] };
}
