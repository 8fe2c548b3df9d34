/**
 * Regenerates packages/vit/data/fashion-mnist-subset/ from the Debian package dataset-fashion-mnist:
 * the first 1,000 images of each class of the train split and the first 200 of each class of the test
 * split, in their original file order, as gzipped IDX files plus SHA256SUMS. Deterministic: no random
 * choice, and gzip (level 9, no file name, mtime 0) is reproducible for a given zlib.
 *
 *   npx tsx packages/vit/data/make-builtin.ts [sourceDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  DEBIAN_FASHION_MNIST_DIR,
  encodeIdx,
  hashBytes,
  loadIdxImages,
  loadIdxLabels,
} from '../src/data/index';

const PER_CLASS = { train: 1000, test: 200 };
const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'fashion-mnist-subset');
const sourceDir = process.argv[2] ?? DEBIAN_FASHION_MNIST_DIR;

/** Indices of the first `k` samples of each class, in file order. */
function firstPerClass(labels: Uint8Array, k: number, classes = 10): number[] {
  const taken = new Array<number>(classes).fill(0);
  const picked: number[] = [];
  labels.forEach((y, i) => {
    if (taken[y] < k) {
      taken[y]++;
      picked.push(i);
    }
  });
  const short = taken.findIndex((t) => t < k);
  if (short >= 0) throw new Error(`class ${short} has only ${taken[short]} samples, need ${k}`);
  return picked;
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const sums: string[] = [];
  for (const [split, prefix] of [
    ['train', 'train'],
    ['test', 't10k'],
  ] as const) {
    const images = await loadIdxImages(join(sourceDir, `${prefix}-images-idx3-ubyte.gz`));
    const labels = await loadIdxLabels(join(sourceDir, `${prefix}-labels-idx1-ubyte.gz`));
    const picked = firstPerClass(labels, PER_CLASS[split]);
    const per = images.rows * images.cols;
    const pixels = new Uint8Array(picked.length * per);
    picked.forEach((i, j) => {
      pixels.set(images.pixels.subarray(i * per, (i + 1) * per), j * per);
    });
    const outputs = [
      [
        `${prefix}-images-idx3-ubyte.gz`,
        encodeIdx({ type: 'uint8', shape: [picked.length, images.rows, images.cols], data: pixels }),
      ],
      [
        `${prefix}-labels-idx1-ubyte.gz`,
        encodeIdx({ type: 'uint8', shape: [picked.length], data: Uint8Array.from(picked, (i) => labels[i]) }),
      ],
    ] as const;
    for (const [file, raw] of outputs) {
      const gz = new Uint8Array(gzipSync(raw, { level: 9 }));
      writeFileSync(join(outDir, file), gz);
      sums.push(`${hashBytes(gz, 'sha256')}  ${file}`);
      console.log(`${file}: ${picked.length} samples, ${gz.length} bytes`);
    }
  }
  writeFileSync(join(outDir, 'SHA256SUMS'), `${sums.join('\n')}\n`);
}

await main();
