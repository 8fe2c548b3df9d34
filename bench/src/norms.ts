/** Softmax and layer-norm throughput (elements per second) on (rows, cols) float32 inputs. */
import { cpuBackend, ones, Rng, uniform, zeros } from '@gqa-lab/tensor';
import { type CaseOptions, rate, timeCase } from './harness';
import type { RateRow } from './matmul';
import { type PeerName, usePeer } from './peers';

/** Softmax along the last axis and layer norm over it (eps 1e-5, weight and bias): ours (when `ours`), then each of `peers`. */
export async function benchNorms(
  rows: number,
  cols: number,
  ours: boolean,
  peers: readonly PeerName[],
  opts: CaseOptions,
): Promise<RateRow[]> {
  const out: RateRow[] = [];
  const melems = (rows * cols) / 1e6;
  const x = uniform([rows, cols], -3, 3, new Rng(3));
  const w = ones([cols]);
  const b = zeros([cols]);
  const push = (workload: string, impl: string, t: Awaited<ReturnType<typeof timeCase>>) =>
    out.push({ workload, impl, unit: 'Melem/s', ...rate(t, melems), samples: t.samples });
  const sm = `softmax ${rows}x${cols}`;
  const ln = `layer norm ${rows}x${cols}`;
  if (ours) {
    push(sm, 'gqa-lab', await timeCase(`${sm} gqa-lab`, () => void cpuBackend.softmax(x, 1), opts));
    push(
      ln,
      'gqa-lab',
      await timeCase(`${ln} gqa-lab`, () => void cpuBackend.layerNorm(x, w, b, 1e-5), opts),
    );
  }
  for (const peer of peers) {
    const tf = await usePeer(peer);
    const tx = tf.tensor2d(Float32Array.from(x.values()), [rows, cols]);
    const tw = tf.ones([cols]);
    const tb = tf.zeros([cols]);
    const softmax = () => tf.tidy(() => void tf.softmax(tx).dataSync());
    const layerNorm = () =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(tx, -1, true);
        void tf.add(tf.mul(tf.mul(tf.sub(tx, mean), tf.rsqrt(tf.add(variance, 1e-5))), tw), tb).dataSync();
      });
    push(sm, peer, await timeCase(`${sm} ${peer}`, softmax, opts));
    push(ln, peer, await timeCase(`${ln} ${peer}`, layerNorm, opts));
    tf.dispose([tx, tw, tb]);
  }
  return out;
}
