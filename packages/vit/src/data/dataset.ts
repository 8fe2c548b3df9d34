/** The in-memory image classification dataset every loader returns and the DataLoader consumes. */
export interface Dataset {
  name: string;
  /** (N, C, H, W) row-major float32, usually in [0, 1] unless a normalisation was applied. */
  images: Float32Array;
  /** (N) class indices in [0, classes.length). */
  labels: Int32Array;
  n: number;
  channels: number;
  height: number;
  width: number;
  classes: string[];
}

/** Checks the invariants of a Dataset (buffer sizes, label range) and returns it; errors name the dataset. */
export function assertDataset(ds: Dataset): Dataset {
  const { name, n, channels, height, width } = ds;
  for (const [key, v] of [
    ['n', n],
    ['channels', channels],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`${name}: ${key} must be a non-negative integer, got ${v}`);
  }
  const expected = n * channels * height * width;
  if (ds.images.length !== expected) {
    throw new RangeError(
      `${name}: images hold ${ds.images.length} values, expected N*C*H*W = ${n}*${channels}*${height}*${width} = ${expected}`,
    );
  }
  if (ds.labels.length !== n) throw new RangeError(`${name}: ${ds.labels.length} labels for ${n} images`);
  const k = ds.classes.length;
  for (let i = 0; i < n; i++) {
    const y = ds.labels[i];
    if (y < 0 || y >= k) throw new RangeError(`${name}: label ${y} at index ${i} is outside [0, ${k})`);
  }
  return ds;
}

/** A new dataset holding copies of the given samples, in the given order (duplicates allowed). */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = `${ds.name}[subset]`): Dataset {
  const per = ds.channels * ds.height * ds.width;
  const images = new Float32Array(indices.length * per);
  const labels = new Int32Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= ds.n) {
      throw new RangeError(`subset(${ds.name}): index ${i} at position ${j} is outside [0, ${ds.n})`);
    }
    images.set(ds.images.subarray(i * per, (i + 1) * per), j * per);
    labels[j] = ds.labels[i];
  }
  return { ...ds, name, images, labels, n: indices.length, classes: [...ds.classes] };
}

/** Per-channel mean and standard deviation over the whole dataset (population std). */
export function channelStats(ds: Dataset): { mean: number[]; std: number[] } {
  const hw = ds.height * ds.width;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < ds.channels; c++) {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < ds.n; i++) {
      const base = (i * ds.channels + c) * hw;
      for (let p = 0; p < hw; p++) {
        const v = ds.images[base + p];
        sum += v;
        sq += v * v;
      }
    }
    const count = Math.max(1, ds.n * hw);
    const m = sum / count;
    mean.push(m);
    std.push(Math.sqrt(Math.max(0, sq / count - m * m)));
  }
  return { mean, std };
}

/** Per-channel normalisation in place: x = (x - mean[c]) / std[c] over (N, C, H, W) data. */
export function normalizeChannelsInPlace(
  images: Float32Array,
  channels: number,
  hw: number,
  norm: { mean: readonly number[]; std: readonly number[] },
  name: string,
): void {
  if (norm.mean.length !== channels || norm.std.length !== channels) {
    throw new RangeError(
      `${name}: normalisation needs ${channels} means and stds, got ${norm.mean.length} and ${norm.std.length}`,
    );
  }
  for (const s of norm.std)
    if (!(s > 0)) throw new RangeError(`${name}: normalisation std must be > 0, got ${s}`);
  const n = images.length / (channels * hw);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      const base = (i * channels + c) * hw;
      const m = norm.mean[c];
      const inv = 1 / norm.std[c];
      for (let p = 0; p < hw; p++) images[base + p] = (images[base + p] - m) * inv;
    }
  }
}
