/**
 * DataLoader: batches of a Dataset as (B, C, H, W) float32 NDArrays. Everything random depends only
 * on (seed, epoch, batch): the epoch's order on (seed, epoch) and a batch's augmentations on
 * (seed, epoch, batch), so a run resumed at any batch sees exactly the data an uninterrupted run saw.
 */
import { NDArray, Rng } from '@gqa-lab/tensor';
import type { Augment, ImageCHW } from './augment/image';
import { normalize as normalizeAugment } from './augment/image';
import type { Dataset } from './dataset';
import { deriveSeed } from './seed';

export interface Batch {
  /** (B, C, H, W) float32. */
  images: NDArray;
  /** (B) class indices. */
  labels: Int32Array;
  /** (B) dataset indices of the samples. */
  indices: Int32Array;
}

export interface DataLoaderOptions {
  batchSize: number;
  shuffle?: boolean;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /** Base seed of the shuffles and augmentations (default 0). */
  seed?: number;
  /** Alternative to `seed`: one 32-bit draw from this generator becomes the base seed, at construction. */
  rng?: Rng;
  /** Per-sample augmentation (compose several with `compose`), applied before `normalize`. */
  augment?: Augment;
  /** Per-channel normalisation applied last. */
  normalize?: { mean: readonly number[]; std: readonly number[] };
}

const ORDER_STREAM = 1;
const AUGMENT_STREAM = 2;

export class DataLoader {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  private readonly augment?: Augment;
  private readonly normalizer?: Augment;

  constructor(dataset: Dataset, options: DataLoaderOptions) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(
        `DataLoader(${dataset.name}): batchSize must be a positive integer, got ${batchSize}`,
      );
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.seed = options.rng ? options.rng.nextUint32() : (options.seed ?? 0);
    this.augment = options.augment;
    this.normalizer = options.normalize
      ? normalizeAugment(options.normalize.mean, options.normalize.std)
      : undefined;
  }

  /** Number of batches per epoch. */
  get numBatches(): number {
    const n = this.dataset.n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of epoch `epoch`: a permutation depending only on (seed, epoch), or 0..N-1. */
  order(epoch: number): Int32Array {
    if (!this.shuffle) return Int32Array.from({ length: this.dataset.n }, (_, i) => i);
    return new Rng(deriveSeed(this.seed, epoch, ORDER_STREAM)).permutation(this.dataset.n);
  }

  /** Batch `b` of epoch `epoch` (computable without the batches before it). */
  batch(epoch: number, b: number, order: Int32Array = this.order(epoch)): Batch {
    if (!Number.isInteger(b) || b < 0 || b >= this.numBatches) {
      throw new RangeError(`DataLoader(${this.dataset.name}): batch ${b} is outside [0, ${this.numBatches})`);
    }
    const indices = order.slice(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
    return this.collate(indices, new Rng(deriveSeed(this.seed, epoch, b, AUGMENT_STREAM)));
  }

  /** Iterates the batches of epoch `epoch`, starting at batch `from` (for resuming mid-epoch). */
  *epoch(epoch: number, from = 0): Generator<Batch> {
    const order = this.order(epoch);
    for (let b = from; b < this.numBatches; b++) yield this.batch(epoch, b, order);
  }

  private collate(indices: Int32Array, rng: Rng): Batch {
    const ds = this.dataset;
    const per = ds.channels * ds.height * ds.width;
    const images: ImageCHW[] = [];
    for (const i of indices) {
      let img: ImageCHW = {
        channels: ds.channels,
        height: ds.height,
        width: ds.width,
        data: ds.images.slice(i * per, (i + 1) * per),
      };
      if (this.augment) img = this.augment(img, rng);
      if (this.normalizer) img = this.normalizer(img, rng);
      images.push(img);
    }
    const first = images[0];
    const size = first.channels * first.height * first.width;
    const out = new Float32Array(images.length * size); // (B, C, H, W)
    images.forEach((img, j) => {
      if (img.channels !== first.channels || img.height !== first.height || img.width !== first.width) {
        throw new RangeError(
          `DataLoader(${ds.name}): sample ${indices[j]} became ${img.channels}x${img.height}x${img.width} after augmentation, sample ${indices[0]} is ${first.channels}x${first.height}x${first.width}`,
        );
      }
      out.set(img.data, j * size);
    });
    const labels = Int32Array.from(indices, (i) => ds.labels[i]);
    return {
      images: NDArray.of(out, [images.length, first.channels, first.height, first.width]),
      labels,
      indices,
    };
  }
}
