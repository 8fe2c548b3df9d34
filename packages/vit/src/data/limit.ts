/** The experiment's data subsets and normalisation, shared by the CLI's up-training and the browser playground. */
import { Rng } from '@gqa-lab/tensor';
import { channelStats, type Dataset, subset } from './dataset';

/** Images are chosen by this fixed seed, so runs with different seeds see the same subset. */
const SUBSET_SEED = 20240815;

/** A seeded subset of at most `limit` samples (the whole set when limit is null or not smaller). */
export function limitDataset(ds: Dataset, limit: number | null): Dataset {
  if (limit === null || limit >= ds.n) return ds;
  const order = new Rng(SUBSET_SEED).permutation(ds.n).subarray(0, limit);
  return subset(ds, order, `${ds.name}[${limit}]`);
}

/** Per-channel mean and std of the training images (a constant channel gets std 1), for the loaders. */
export function trainNormalization(train: Dataset): { mean: number[]; std: number[] } {
  const stats = channelStats(train);
  return { mean: stats.mean, std: stats.std.map((s) => (s > 0 ? s : 1)) };
}
