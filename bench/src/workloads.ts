/** Workloads B (attention block) and C (tiny ViT training step): ours and / or the tfjs peers, same run. */
import { ATTENTION_SHAPE, type AttentionShape, attentionInputs, ourAttention } from './attention';
import { tfAttention } from './attention-tf';
import { type CaseOptions, type Timing, timeCase } from './harness';
import { peak, resetPeak } from './memory';
import { type PeerName, usePeer } from './peers';
import { ourVitStep, VIT_SHAPE, type VitShape } from './vit';
import { tfVitStep } from './vit-tf';

export interface TimeRow {
  readonly workload: string;
  readonly impl: string;
  readonly unit: 'ms';
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number;
  /** Workload C: images per second at the median step time. */
  readonly imagesPerS?: number;
  /** Workload C: highest sampled JS heap + ArrayBuffers during the steps, MiB. */
  readonly peakMiB?: number;
}

const ms = (workload: string, impl: string, t: Timing): TimeRow => ({
  workload,
  impl,
  unit: 'ms',
  median: t.medianS * 1e3,
  min: t.minS * 1e3,
  max: t.maxS * 1e3,
  samples: t.samples,
});

/** Workload B, forward and forward + backward, for `ourImpls` (e.g. 1 and 2 threads) and `peers`. */
export async function benchAttention(
  ourImpls: readonly { name: string; before?: () => void }[],
  peers: readonly PeerName[],
  opts: CaseOptions,
  s: AttentionShape = ATTENTION_SHAPE,
): Promise<TimeRow[]> {
  const inputs = attentionInputs(s);
  const rows: TimeRow[] = [];
  for (const impl of ourImpls) {
    impl.before?.();
    const { fwd, fwdBwd } = ourAttention(s, inputs);
    rows.push(ms('B attention fwd', impl.name, await timeCase(`B fwd ${impl.name}`, fwd, opts)));
    rows.push(ms('B attention fwd+bwd', impl.name, await timeCase(`B fwd+bwd ${impl.name}`, fwdBwd, opts)));
  }
  for (const peer of peers) {
    const tf = await usePeer(peer);
    const { fwd, fwdBwd, dispose } = tfAttention(tf, s, inputs);
    rows.push(ms('B attention fwd', peer, await timeCase(`B fwd ${peer}`, fwd, opts)));
    rows.push(ms('B attention fwd+bwd', peer, await timeCase(`B fwd+bwd ${peer}`, fwdBwd, opts)));
    dispose();
  }
  return rows;
}

/** Workload C: one AdamW training step per call; adds images/s and the sampled peak memory. */
export async function benchVit(
  ourImpls: readonly { name: string; before?: () => void }[],
  peers: readonly PeerName[],
  opts: CaseOptions,
  s: VitShape = VIT_SHAPE,
): Promise<TimeRow[]> {
  const rows: TimeRow[] = [];
  const withStats = (impl: string, t: Timing, base: number): TimeRow => ({
    ...ms('C ViT train step', impl, t),
    imagesPerS: s.batch / t.medianS,
    peakMiB: (peak() - base) / 2 ** 20,
  });
  for (const impl of ourImpls) {
    impl.before?.();
    const step = ourVitStep(s);
    const base = resetPeak();
    rows.push(withStats(impl.name, await timeCase(`C step ${impl.name}`, () => void step(), opts), base));
  }
  for (const peer of peers) {
    const tf = await usePeer(peer);
    const { step, dispose } = tfVitStep(tf, s);
    const base = resetPeak();
    rows.push(withStats(peer, await timeCase(`C step ${peer}`, () => void step(), opts), base));
    dispose();
  }
  return rows;
}
