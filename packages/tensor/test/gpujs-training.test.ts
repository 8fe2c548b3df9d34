/**
 * 100 SGD steps of a 2-layer MLP (matmul, relu, softmax cross-entropy, layer norm) written with backend kernels
 * only (the tensor package knows no autograd): the gpu.js loss curve must equal the CPU backend's within fp32
 * tolerance, and device results / compiled kernels must not grow after the first step: each step runs in
 * `be.tidy`, which deletes every device-resident result the step made and did not read back.
 * GQA_GPU=1 makes an unavailable webgpu mode a failure; otherwise the file skips with the reason.
 */
import { describe, expect, it } from 'vitest';
import { startWebGpu } from '../../../testing/gpu-start';
import { type Backend, cpuBackend, NDArray, normal, Rng, zeros } from '../src/index';

const { backend: gpu, reason } = await startWebGpu();

const [B, D, H, C] = [32, 8, 16, 4];

/** One SGD step in place on w1 (D, H) and w2 (H, C); returns the mean cross-entropy before the step. */
function step(be: Backend, x: NDArray, onehot: NDArray, w1: NDArray, w2: NDArray, lr: number): number {
  const pre = be.matmul(x, w1); // (B, H)
  const { out: hn, mean, rstd } = be.layerNorm(pre, null, null, 1e-5); // (B, H)
  const h = be.unary.relu(hn);
  const logits = be.matmul(h, w2); // (B, C)
  const p = be.softmax(logits, -1); // (B, C)
  const lse = be.logsumexp(logits, -1, false); // (B)
  const picked = be.reduce.sum(be.binary.mul(logits, onehot), [1], false); // (B)
  const loss = be.reduce.mean(be.binary.sub(lse, picked), [0], false).item();
  const dlogits = be.binary.div(
    be.binary.sub(p, onehot),
    NDArray.of(new Float32Array(B * C).fill(B), [B, C]),
  );
  const dw2 = be.matmul(h.transpose(), dlogits); // (H, C)
  const dh = be.matmul(dlogits, w2.transpose()); // (B, H)
  const dhn = be.binary.mul(dh, be.compare.gt(hn, zeros([B, H]))); // relu'
  const { dx: dpre } = be.layerNormBackward(dhn, pre, null, mean, rstd, false);
  const dw1 = be.matmul(x.transpose(), dpre); // (D, H)
  for (let i = 0; i < w1.size; i++) w1.data[i] -= lr * dw1.data[i];
  for (let i = 0; i < w2.size; i++) w2.data[i] -= lr * dw2.data[i];
  return loss;
}

/** Runs one step's work; the gpu.js backend passes its `tidy`. */
type Scope = (fn: () => number) => number;

function train(
  be: Backend,
  steps: number,
  scope: Scope = (fn) => fn(),
  after?: (i: number) => void,
): number[] {
  const rng = new Rng(7);
  const x = normal([B, D], 0, 1, rng);
  const labels = Array.from(
    { length: B },
    (_, i) => (x.data[i * D] > 0 ? 1 : 0) + (x.data[i * D + 1] > 0 ? 2 : 0),
  );
  const onehot = zeros([B, C]);
  labels.forEach((c, i) => {
    onehot.data[i * C + c] = 1;
  });
  const w1 = normal([D, H], 0, 0.5, rng);
  const w2 = normal([H, C], 0, 0.5, rng);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    losses.push(scope(() => step(be, x, onehot, w1, w2, 0.5)));
    after?.(i);
  }
  return losses;
}

if (gpu) {
  const be = gpu;
  describe('gpujs-webgpu training', () => {
    it('100 steps: loss curve equals the CPU one, no device memory or kernel growth', () => {
      const cpu = train(cpuBackend, 100);
      let compiledAfterFirst = -1;
      const seen: number[] = [];
      const transfers: string[] = [];
      let last = be.runnerStats();
      const losses = train(
        be,
        100,
        (fn) => be.tidy(fn),
        (i) => {
          const s = be.runnerStats();
          if (i === 0) compiledAfterFirst = s.kernelsCompiled;
          seen.push(s.liveDeviceResults);
          transfers.push(`${s.uploads - last.uploads} up / ${s.downloads - last.downloads} down`);
          last = s;
          expect(s.kernelsCompiled).toBe(compiledAfterFirst);
        },
      );
      expect(cpu[99]).toBeLessThan(cpu[0] * 0.7); // the model learns, so the comparison means something
      for (let i = 0; i < 100; i++)
        expect(Math.abs(losses[i] - cpu[i]), `step ${i}`).toBeLessThan(1e-3 + 1e-3 * cpu[i]);
      expect(Math.max(...seen)).toBe(0);
      // Every step moves the same data: w1, w2 (updated on the host), x and the constants up; the loss, dw1,
      // dw2 and h (its transpose is gathered on the host) down. Everything else stays on the device.
      expect(new Set(transfers)).toEqual(new Set([transfers[0]]));
      console.log(`gpujs training, per step: ${transfers[0]}`);
      expect(be.counts.get('matmul')?.gpu).toBe(500);
      be.dispose();
    });
  });
} else {
  describe.skip(`gpujs-webgpu training (skipped: ${reason})`, () => {
    it('needs the webgpu mode', () => {});
  });
}
