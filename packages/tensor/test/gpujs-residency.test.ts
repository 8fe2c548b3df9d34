/**
 * Device residency of the gpu.js backend (webgpu mode): chains of GPU ops pass results on the device and read
 * back only when `.data` is read; tidy / keep / download release device results deterministically; host
 * writes after a download are what the next GPU op sees. Skips without webgpu, fails with GQA_GPU=1.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebGpu } from '../../../testing/gpu-start';
import { cpuBackend, type NDArray, normal, Rng, type UnaryOp } from '../src/index';

const { backend, reason } = await startWebGpu();

const CHAIN_OPS: readonly UnaryOp[] = ['neg', 'tanh', 'sigmoid', 'square'];

/** Equal within fp32 error, relative to the magnitude (the chain doubles values at each add). */
function close(a: NDArray, b: NDArray): void {
  const x = a.values();
  const y = b.values();
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) {
    expect(Math.abs(x[i] - y[i]), `element ${i}`).toBeLessThan(1e-5 * (1 + Math.abs(y[i])));
  }
}

if (backend) {
  const be = backend;
  afterAll(() => be.dispose());
  const x0 = normal([16, 32], 0, 1, new Rng(3)); // (16, 32)

  describe('gpujs-webgpu device residency', () => {
    it('a chain of N GPU ops uploads its input once and reads back only when .data is read', () => {
      fc.assert(
        // Each run in its own tidy, so no earlier run's results are released (by collection) mid-run.
        fc.property(fc.array(fc.constantFrom(...CHAIN_OPS), { minLength: 1, maxLength: 6 }), (ops) =>
          be.tidy(() => {
            const before = be.runnerStats();
            let g = be.unary.neg(x0); // the only upload
            let c = cpuBackend.unary.neg(x0);
            for (const op of ops) {
              g = be.binary.add(be.unary[op](g), g); // both inputs device-resident
              c = cpuBackend.binary.add(cpuBackend.unary[op](c), c);
            }
            const mid = be.runnerStats();
            expect(mid.uploads - before.uploads).toBe(1);
            expect(mid.downloads - before.downloads).toBe(0);
            expect(mid.liveDeviceResults - before.liveDeviceResults).toBe(1 + 2 * ops.length);
            expect(g.deviceSource).not.toBeNull();
            close(g, c);
            expect(be.runnerStats().downloads - before.downloads).toBe(1);
            expect(g.deviceSource).toBeNull();
            // The downloaded result left the device; the other intermediates wait for tidy or collection.
            expect(be.runnerStats().liveDeviceResults - before.liveDeviceResults).toBe(2 * ops.length);
          }),
        ),
        { numRuns: 15 },
      );
    });

    it('tidy deletes what was made inside it except returned and kept results', () => {
      const base = be.runnerStats().liveDeviceResults;
      let kept: NDArray | null = null;
      let dropped: NDArray | null = null;
      const { out, mean } = be.tidy(() => {
        dropped = be.unary.exp(x0);
        kept = be.keep(be.unary.neg(x0));
        const nested = be.tidy(() => be.unary.tanh(x0)); // returned from the inner scope: joins this one
        return be.layerNorm(be.binary.add(nested, dropped), null, null, 1e-5);
      });
      expect(be.runnerStats().liveDeviceResults - base).toBe(4); // kept, out, mean, rstd
      close(
        out,
        cpuBackend.layerNorm(
          cpuBackend.binary.add(cpuBackend.unary.tanh(x0), cpuBackend.unary.exp(x0)),
          null,
          null,
          1e-5,
        ).out,
      );
      close(
        mean.reshape([16]),
        cpuBackend.reduce.mean(
          cpuBackend.binary.add(cpuBackend.unary.tanh(x0), cpuBackend.unary.exp(x0)),
          [1],
          false,
        ),
      );
      if (!kept || !dropped) throw new Error('tidy did not run its function');
      close(kept, cpuBackend.unary.neg(x0));
      const lost: NDArray = dropped;
      expect(() => lost.data).toThrow(/released \(by tidy\(\) or dispose\(\)\) before its values were read/);
      expect(be.runnerStats().liveDeviceResults - base).toBe(1); // rstd: never read, outside any scope
    });

    it('a host write after the download is what the next GPU op reads (no stale device copy)', () => {
      const y = be.unary.neg(x0);
      y.data[5] = 100; // downloads, then writes on the host
      const z = be.unary.neg(y);
      expect(z.get(0, 5)).toBe(-100);
      expect(z.get(0, 4)).toBeCloseTo(x0.get(0, 4), 6);
    });

    it('reshape stays on the device; a transposed input is gathered on the host once', () => {
      const y = be.unary.neg(x0); // (16, 32)
      const s0 = be.runnerStats();
      const r = be.unary.neg(y.reshape([32, 16]));
      expect(be.runnerStats().downloads - s0.downloads).toBe(0);
      const t = be.unary.neg(y.transpose()); // (32, 16), not dense: y is read back, the result uploaded
      const s1 = be.runnerStats();
      expect(s1.downloads - s0.downloads).toBe(1);
      expect(s1.uploads - s0.uploads).toBe(1);
      close(r, x0.reshape([32, 16]));
      close(t, x0.transpose());
    });
  });
} else {
  describe.skip(`gpujs-webgpu device residency (skipped: ${reason})`, () => {
    it('needs the webgpu mode', () => {});
  });
}
