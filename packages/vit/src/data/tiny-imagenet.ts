/**
 * Tiny ImageNet loader (R4.4). No JPEG decoder is bundled: the caller passes one (`ImageDecoder`), e.g.
 * a wrapper around jpeg-js or sharp in Node, or createImageBitmap + a canvas in the browser. Labels are
 * the line order of wnids.txt; val labels come from val/val_annotations.txt (tab-separated). Every image
 * must be 64x64; grayscale becomes RGB. A decoded split can be cached as a packed binary file.
 */
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { readRegularFile, readRegularTextFile, writeFileAtomic } from '@gqa-lab/nn';
import type { Dataset } from './dataset';
import { pathExists } from './node-io';
import { packTinyImageNet, type TinyImageNetRaw, unpackTinyImageNet } from './tiny-imagenet-cache';

/** A decoded image: interleaved (H, W, channels) uint8, channels 1 (gray), 3 (RGB) or 4 (RGBA). */
export interface DecodedImage {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Decodes one image file's bytes; `path` is for error messages. */
export type ImageDecoder = (bytes: Uint8Array, path: string) => DecodedImage | Promise<DecodedImage>;

export const TINY_IMAGENET_SIZE = 64;
const PIXELS = 3 * TINY_IMAGENET_SIZE * TINY_IMAGENET_SIZE;

/** The wnids in file order (their index is the label); blank lines ignored, duplicates rejected. */
export function parseWnids(text: string, name: string): string[] {
  const wnids = text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const seen = new Set<string>();
  wnids.forEach((w, i) => {
    if (seen.has(w)) throw new RangeError(`${name}: duplicate wnid ${w} on line ${i + 1}`);
    seen.add(w);
  });
  return wnids;
}

/** Parses val_annotations.txt: `file<TAB>wnid<TAB>x0<TAB>y0<TAB>x1<TAB>y1` per line. */
export function parseValAnnotations(text: string, name: string): { file: string; wnid: string }[] {
  const rows: { file: string; wnid: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim().length === 0) return;
    const cols = line.split('\t');
    if (cols.length < 2 || cols[0] === '' || cols[1] === '') {
      throw new RangeError(
        `${name}: line ${i + 1} has ${cols.length} tab-separated fields, expected at least 2`,
      );
    }
    rows.push({ file: cols[0], wnid: cols[1] });
  });
  return rows;
}

/** Converts a decoded 64x64 image to CHW RGB uint8 (gray replicated, alpha dropped). */
export function toRgbCHW(img: DecodedImage, path: string, size = TINY_IMAGENET_SIZE): Uint8Array {
  if (img.width !== size || img.height !== size) {
    throw new RangeError(
      `${path}: expected a ${size}x${size} image, decoder returned ${img.width}x${img.height}`,
    );
  }
  if (img.channels !== 1 && img.channels !== 3 && img.channels !== 4) {
    throw new RangeError(`${path}: expected 1, 3 or 4 channels, decoder returned ${img.channels}`);
  }
  const hw = size * size;
  if (img.data.length !== hw * img.channels) {
    throw new RangeError(
      `${path}: decoder returned ${img.data.length} bytes, expected ${size}*${size}*${img.channels} = ${hw * img.channels}`,
    );
  }
  const out = new Uint8Array(3 * hw); // (3, H, W)
  for (let p = 0; p < hw; p++) {
    for (let c = 0; c < 3; c++) out[c * hw + p] = img.data[p * img.channels + (img.channels === 1 ? 0 : c)];
  }
  return out;
}

export interface TinyImageNetOptions {
  decode: ImageDecoder;
  /** If set: read this packed cache when it exists, else decode and write it (atomically). */
  cachePath?: string;
  /** Train only: keep the first k images (sorted by file name) of each class; the full train split is ~4.9 GB as float32. */
  maxPerClass?: number;
}

export type { TinyImageNetRaw } from './tiny-imagenet-cache';

async function listSamples(root: string, split: 'train' | 'val', wnids: string[], maxPerClass?: number) {
  const samples: { path: string; label: number }[] = [];
  if (split === 'train') {
    for (const [label, wnid] of wnids.entries()) {
      const dir = join(root, 'train', wnid, 'images');
      const files = (await readdir(dir)).filter((f) => /\.jpe?g$/i.test(f)).sort();
      for (const f of files.slice(0, maxPerClass ?? files.length))
        samples.push({ path: join(dir, f), label });
    }
    return samples;
  }
  const annPath = join(root, 'val', 'val_annotations.txt');
  const index = new Map(wnids.map((w, i) => [w, i]));
  for (const { file, wnid } of parseValAnnotations(await readRegularTextFile(annPath), annPath)) {
    const label = index.get(wnid);
    if (label === undefined)
      throw new RangeError(`${annPath}: ${file} has wnid ${wnid}, which is not in wnids.txt`);
    samples.push({ path: insideFolder(join(root, 'val', 'images'), file, annPath), label });
  }
  return samples;
}

/**
 * `folder/name`, refused unless it stays inside `folder`: an index file must not make the loader read
 * `../../../etc/passwd` or an absolute path.
 */
export function insideFolder(folder: string, name: string, indexPath: string): string {
  const base = resolve(folder);
  const path = resolve(base, name);
  if (isAbsolute(name) || (path !== base && !path.startsWith(base + sep)) || path === base)
    throw new RangeError(`${indexPath}: image path ${JSON.stringify(name)} leaves ${folder}`);
  return path;
}

/** Decodes a split to CHW uint8 (no cache). */
export async function decodeTinyImageNet(
  root: string,
  split: 'train' | 'val',
  wnids: string[],
  options: TinyImageNetOptions,
): Promise<TinyImageNetRaw> {
  const samples = await listSamples(root, split, wnids, options.maxPerClass);
  const pixels = new Uint8Array(samples.length * PIXELS);
  const labels = new Int32Array(samples.length);
  for (const [i, s] of samples.entries()) {
    const bytes = await readRegularFile(s.path);
    pixels.set(toRgbCHW(await options.decode(bytes, s.path), s.path), i * PIXELS);
    labels[i] = s.label;
  }
  return { pixels, labels };
}

/** Loads a Tiny ImageNet split from the extracted `tiny-imagenet-200/` directory. */
export async function loadTinyImageNet(
  root: string,
  split: 'train' | 'val',
  options: TinyImageNetOptions,
): Promise<Dataset & { fromCache: boolean }> {
  const wnidsPath = join(root, 'wnids.txt');
  const wnids = parseWnids(await readRegularTextFile(wnidsPath), wnidsPath);
  let raw: TinyImageNetRaw;
  let fromCache = false;
  if (options.cachePath && (await pathExists(options.cachePath))) {
    raw = unpackTinyImageNet(await readRegularFile(options.cachePath), options.cachePath, wnids.length);
    fromCache = true;
  } else {
    raw = await decodeTinyImageNet(root, split, wnids, options);
    if (options.cachePath) await writeFileAtomic(options.cachePath, packTinyImageNet(raw, wnids.length));
  }
  const images = new Float32Array(raw.pixels.length);
  for (let i = 0; i < images.length; i++) images[i] = raw.pixels[i] / 255;
  return {
    name: `tiny-imagenet:${split}`,
    images,
    labels: raw.labels,
    n: raw.labels.length,
    channels: 3,
    height: TINY_IMAGENET_SIZE,
    width: TINY_IMAGENET_SIZE,
    classes: wnids,
    fromCache,
  };
}
