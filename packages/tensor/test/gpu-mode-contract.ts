/**
 * The contract suite, unchanged, against one gpu.js mode, plus the checks that it really ran on the GPU:
 * the mode's kernel class, every GPU-capable op counted on the GPU (threshold 0, never a fallback for size),
 * and no device result left alive. When `required`, a mode that cannot start fails the file; otherwise the
 * file skips with the reason printed. Shared by the webgpu (Node), headlessgl (Node, Xvfb) and webgl / webgl2
 * (headless Chromium) files, so this module imports nothing from Node.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startGpuMode } from '../../../testing/gpu-start';
import type { GpuMode } from '../src/index';
import { describeBackend } from './backend-contract';

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

export interface GpuModeContract {
  mode: GpuMode;
  /** The kernel class gpu.js must report for this mode. */
  kernelClass: string;
  /** Fail (instead of skip) when the mode cannot start. */
  required: boolean;
  /** What made it required, for the failure message (e.g. `GQA_GPU=1`). */
  requiredBy: string;
  /** How to get the mode running, shown when it is skipped. */
  skipHint: string;
  /** The mode names the device it runs on (webgpu's adapter). */
  namesDevice?: boolean;
}

/** Registers the contract for `c.mode` (top-level await: the backend starts before the suites are collected). */
export async function describeGpuModeContract(c: GpuModeContract): Promise<void> {
  // In the browser (vite), gpu.js comes as a bundled module: the backend's own by-name import is for Node.
  const gpujs = globalThis.process === undefined ? await import('gpu.js') : undefined;
  const { backend, reason } = await startGpuMode(c.mode, c.required, c.requiredBy, gpujs);
  if (!backend) {
    describe.skip(`gpujs-${c.mode} contract (skipped: ${reason})`, () => {
      it(c.skipHint, () => {});
    });
    return;
  }
  const be = backend;
  describeBackend(`gpujs-${c.mode}`, () => be);
  describe(`gpujs-${c.mode} runs GPU kernels`, () => {
    afterAll(() => be.dispose());
    it(`reports the ${c.kernelClass} kernel class`, () => {
      expect(be.mode).toBe(c.mode);
      expect(be.kernelClass).toBe(c.kernelClass);
      if (c.namesDevice) expect(be.device.length).toBeGreaterThan(0);
    });
    it('ran every GPU-capable op on the GPU and never fell back for size', () => {
      for (const op of GPU_OPS) {
        const counts = be.counts.get(op);
        expect(counts, op).toBeDefined();
        expect(counts?.gpu, op).toBeGreaterThan(0);
        expect(counts?.cpuReasons.small ?? 0, op).toBe(0);
        expect(counts?.cpuReasons['too-large'] ?? 0, op).toBe(0);
      }
      expect(be.runnerStats().liveDeviceResults).toBe(0);
    });
  });
}
