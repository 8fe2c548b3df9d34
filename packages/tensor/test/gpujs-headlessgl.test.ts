/**
 * The backend contract, unchanged, against the gpu.js backend in headlessgl mode (WebGL1 through headless-gl's
 * ANGLE, Mesa's llvmpipe without a GPU). Opt-in: it needs gpu.js's native `gl` built (.ci/headlessgl-setup.sh)
 * and an X display (`xvfb-run -a`). threshold 0 sends every float32 op with a GPU kernel to the GPU. With
 * GQA_HEADLESSGL=1 a mode that cannot start, or a CPU kernel run in place of a GPU one, fails the file;
 * without it, an unavailable mode skips with the reason printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createGpuBackend, type GpuBackend } from '../src/index';
import { describeBackend } from './backend-contract';

const required = process.env.GQA_HEADLESSGL === '1';
let backend: GpuBackend | null = null;
let reason = '';
try {
  backend = await createGpuBackend({ mode: 'headlessgl', threshold: 0 });
} catch (e) {
  reason = e instanceof Error ? e.message : String(e);
  if (required) throw new Error(`GQA_HEADLESSGL=1 but the headlessgl backend did not start: ${reason}`);
  console.warn(`gpujs-headlessgl contract skipped: ${reason}`);
}

/** Ops that have GPU kernels: with threshold 0, each must have run on the GPU and never for reason 'small'. */
const GPU_OPS = [
  'exp',
  'tanh',
  'erf',
  'add',
  'pow',
  'lt',
  'sum',
  'max',
  'matmul',
  'softmax',
  'softmaxBackward',
  'logsumexp',
  'layerNorm',
  'layerNormBackward',
];

if (backend) {
  const be = backend;
  describeBackend('gpujs-headlessgl', () => be);
  describe('gpujs-headlessgl runs GPU kernels', () => {
    afterAll(() => be.dispose());
    it("reports headless-gl's kernel class", () => {
      expect(be.mode).toBe('headlessgl');
      expect(be.kernelClass).toBe('HeadlessGLKernel');
      expect(be.device.length).toBeGreaterThan(0);
    });
    it('ran every GPU-capable op on the GPU and never fell back for size', () => {
      for (const op of GPU_OPS) {
        const c = be.counts.get(op);
        expect(c, op).toBeDefined();
        expect(c?.gpu, op).toBeGreaterThan(0);
        expect(c?.cpuReasons.small ?? 0, op).toBe(0);
        expect(c?.cpuReasons['too-large'] ?? 0, op).toBe(0);
      }
      expect(be.runnerStats().liveDeviceResults).toBe(0);
    });
  });
} else {
  describe.skip(`gpujs-headlessgl contract (skipped: ${reason})`, () => {
    it('needs the headlessgl mode (gl built by .ci/headlessgl-setup.sh, run under xvfb-run -a)', () => {});
  });
}
