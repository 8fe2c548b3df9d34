/** Workload A: fp32 square matmul C = A B at N = 128..1024, reported in GFLOP/s (2 N^3 FLOPs per call). */
import { getBackend, type NDArray, Rng, recycleStorage, uniform } from '@gqa-lab/tensor';
import { type CaseOptions, rate, timeCase } from './harness';
import { type PeerName, usePeer } from './peers';

export interface RateRow {
  readonly workload: string;
  readonly impl: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number;
}

/** Our side: the current backend's matmul (each impl's `before` sets it: one thread, or the pool). */
export function ourMatmul(n: number, seed = 1): () => NDArray {
  const rng = new Rng(seed);
  const a = uniform([n, n], -1, 1, rng);
  const b = uniform([n, n], -1, 1, rng);
  return () => getBackend().matmul(a, b);
}

/** Runs workload A for each size: `impls` (gqa-lab configurations), then each of `peers`, same shapes. */
export async function benchMatmul(
  sizes: readonly number[],
  impls: readonly { name: string; before?: () => void }[],
  peers: readonly PeerName[],
  opts: CaseOptions,
): Promise<RateRow[]> {
  const rows: RateRow[] = [];
  for (const n of sizes) {
    const flops = 2 * n ** 3;
    const workload = `A matmul ${n}`;
    for (const impl of impls) {
      impl.before?.();
      const run = ourMatmul(n);
      // Each call frees its product, as the tfjs side's dispose() and PyTorch's reference counting do:
      // the next call reuses the storage instead of faulting in fresh pages.
      const t = await timeCase(`${workload} ${impl.name}`, () => void recycleStorage(run().data), opts);
      rows.push({ workload, impl: impl.name, unit: 'GFLOP/s', ...rate(t, flops / 1e9), samples: t.samples });
    }
    for (const peer of peers) {
      const tf = await usePeer(peer);
      const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
      const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
      const t = await timeCase(
        `${workload} ${peer}`,
        () => {
          const c = tf.matMul(a, b);
          c.dataSync();
          c.dispose();
        },
        opts,
      );
      a.dispose();
      b.dispose();
      rows.push({ workload, impl: peer, unit: 'GFLOP/s', ...rate(t, flops / 1e9), samples: t.samples });
    }
  }
  return rows;
}
