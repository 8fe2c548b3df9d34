/**
 * The backend contract, unchanged, against the gpu.js backend in webgl2 and webgl modes inside headless
 * Chromium (vitest.browser.config.ts: ANGLE on SwiftShader, no GPU). threshold 0 sends every float32 op with a
 * GPU kernel to the GPU. With GQA_GPU=1 a mode that cannot start, a kernel class other than the mode's, or a
 * CPU kernel run in place of a GPU one fails the file; without it, an unavailable mode skips with the reason.
 * Named *.browser.ts so the Node suite (packages/*\/test/**\/*.test.ts) never collects it.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createGpuBackend, type GpuBackend } from '../src/index';
import { describeBackend } from './backend-contract';

declare module 'vitest' {
  export interface ProvidedContext {
    gqaGpuRequired: boolean;
  }
}

const required = inject('gqaGpuRequired');

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

const MODES = [
  { mode: 'webgl2', kernelClass: 'WebGL2Kernel' },
  { mode: 'webgl', kernelClass: 'WebGLKernel' },
] as const;

for (const { mode, kernelClass } of MODES) {
  let backend: GpuBackend | null = null;
  let reason = '';
  try {
    backend = await createGpuBackend({ mode, threshold: 0 });
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
    if (required) throw new Error(`GQA_GPU=1 but the ${mode} backend did not start: ${reason}`);
    console.warn(`gpujs-${mode} contract skipped: ${reason}`);
  }

  if (backend) {
    const be = backend;
    describeBackend(`gpujs-${mode}`, () => be);
    describe(`gpujs-${mode} runs GPU kernels`, () => {
      afterAll(() => be.dispose());
      it(`reports the ${kernelClass} kernel class`, () => {
        expect(be.mode).toBe(mode);
        expect(be.kernelClass).toBe(kernelClass);
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
    describe.skip(`gpujs-${mode} contract (skipped: ${reason})`, () => {
      it(`needs the ${mode} mode`, () => {});
    });
  }
}
