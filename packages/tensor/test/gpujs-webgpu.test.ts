/**
 * The backend contract, unchanged, against the gpu.js backend in webgpu mode (Dawn on EGL surfaceless, Mesa's
 * llvmpipe in CI). threshold 0 sends every float32 op with a GPU kernel to the GPU. With GQA_GPU=1 (CI, after
 * .ci/gpu-setup.sh) a mode that cannot start or a CPU kernel run in place of a GPU one fails the file;
 * without it, an unavailable mode skips with the reason printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createGpuBackend, type GpuBackend } from '../src/index';
import { describeBackend } from './backend-contract';

const required = process.env.GQA_GPU === '1';
let backend: GpuBackend | null = null;
let reason = '';
try {
  backend = await createGpuBackend({ mode: 'webgpu', threshold: 0 });
} catch (e) {
  reason = e instanceof Error ? e.message : String(e);
  if (required) throw new Error(`GQA_GPU=1 but the webgpu backend did not start: ${reason}`);
  console.warn(`gpujs-webgpu contract skipped: ${reason}`);
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
  describeBackend('gpujs-webgpu', () => be);
  describe('gpujs-webgpu runs GPU kernels', () => {
    it('reports the WebGPU kernel class and an adapter', () => {
      expect(be.kernelClass).toBe('WebGPUKernel');
      expect(be.device.length).toBeGreaterThan(0);
    });
    afterAll(() => be.dispose());
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
  describe.skip(`gpujs-webgpu contract (skipped: ${reason})`, () => {
    it('needs the webgpu mode', () => {});
  });
}
