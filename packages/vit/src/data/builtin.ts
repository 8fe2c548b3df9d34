/**
 * Built-in Fashion-MNIST, so training runs with no download: the full dataset when the Debian package
 * `dataset-fashion-mnist` is installed, otherwise the committed class-balanced subset in
 * packages/vit/data/fashion-mnist-subset/ (sha256-verified at load). The result says which it used.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashBytes, verifyChecksum } from './checksums';
import type { Dataset } from './dataset';
import { FASHION_MNIST_CLASSES, loadMnistLike, type Split } from './mnist';

export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
// The package's data/ folder: two levels up from src/data/ (sources), one up from dist/ (the built package).
const PACKAGE_ROOT = import.meta.url.endsWith('.ts') ? '../../' : '../';
export const BUILTIN_SUBSET_DIR = fileURLToPath(
  new URL(`${PACKAGE_ROOT}data/fashion-mnist-subset/`, import.meta.url),
);

export type BuiltinSource = 'debian-full' | 'builtin-subset';

const FILES: Record<Split, string[]> = {
  train: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
  test: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
};

function hasAllFiles(dir: string): boolean {
  return [...FILES.train, ...FILES.test].every((f) => existsSync(join(dir, f)));
}

/** The directory of the Debian package's files (from `dpkg -L`, else the known path), or undefined. */
export function findDebianFashionMnist(): string | undefined {
  try {
    const listing = execFileSync('dpkg', ['-L', 'dataset-fashion-mnist'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const line = listing.split('\n').find((l) => l.endsWith('/train-images-idx3-ubyte.gz'));
    if (line && hasAllFiles(dirname(line))) return dirname(line);
  } catch {
    // dpkg absent or package not installed: fall through to the known path
  }
  return hasAllFiles(DEBIAN_FASHION_MNIST_DIR) ? DEBIAN_FASHION_MNIST_DIR : undefined;
}

/** Parses a `sha256sum` listing: `<hex>  <file>` per line. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2], m[1]);
  }
  return sums;
}

/** Checks the subset's files for `split` against its SHA256SUMS; errors name the file and both hashes. */
export async function verifyBuiltinSubset(split: Split, dir = BUILTIN_SUBSET_DIR): Promise<void> {
  const sumsPath = join(dir, 'SHA256SUMS');
  const sums = parseSha256Sums(await readFile(sumsPath, 'utf8'));
  for (const file of FILES[split]) {
    const expected = sums.get(file);
    if (!expected) throw new Error(`${sumsPath}: no sha256 listed for ${file}`);
    const path = join(dir, file);
    const actual = hashBytes(new Uint8Array(await readFile(path)), 'sha256');
    if (actual !== expected)
      throw new Error(`checksum mismatch for ${path}: expected sha256 ${expected}, actual ${actual}`);
  }
}

export interface BuiltinOptions {
  /** Use the committed subset even when the full Debian dataset is installed (default false). */
  forceSubset?: boolean;
}

/** Fashion-MNIST `split`: full (Debian package) when installed, else the committed subset. */
export async function loadBuiltinFashionMnist(
  split: Split,
  options: BuiltinOptions = {},
): Promise<Dataset & { source: BuiltinSource; dir: string }> {
  const full = options.forceSubset ? undefined : findDebianFashionMnist();
  if (full) {
    for (const f of FILES[split]) {
      const path = join(full, f);
      verifyChecksum(path, new Uint8Array(await readFile(path)), 'fashion-mnist-debian');
    }
    const ds = await loadMnistLike(full, split, {
      classes: FASHION_MNIST_CLASSES,
      name: `fashion-mnist:${split}`,
    });
    return { ...ds, source: 'debian-full', dir: full };
  }
  await verifyBuiltinSubset(split);
  const ds = await loadMnistLike(BUILTIN_SUBSET_DIR, split, {
    classes: FASHION_MNIST_CLASSES,
    name: `fashion-mnist-subset:${split}`,
  });
  return { ...ds, source: 'builtin-subset', dir: BUILTIN_SUBSET_DIR };
}
