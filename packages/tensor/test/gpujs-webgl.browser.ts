/**
 * The backend contract, unchanged, against the gpu.js backend in webgl2 and webgl modes inside headless
 * Chromium (vitest.browser.config.ts: ANGLE on SwiftShader, no GPU). threshold 0 sends every float32 op with a
 * GPU kernel to the GPU. With GQA_GPU=1 a mode that cannot start, a kernel class other than the mode's, or a
 * CPU kernel run in place of a GPU one fails the file; without it, an unavailable mode skips with the reason.
 * Named *.browser.ts so the Node suite (packages/*\/test/**\/*.test.ts) never collects it.
 */
import { inject } from 'vitest';
import { describeGpuModeContract } from './gpu-mode-contract';

declare module 'vitest' {
  export interface ProvidedContext {
    gqaGpuRequired: boolean;
  }
}

for (const [mode, kernelClass] of [
  ['webgl2', 'WebGL2Kernel'],
  ['webgl', 'WebGLKernel'],
] as const) {
  await describeGpuModeContract({
    mode,
    kernelClass,
    required: inject('gqaGpuRequired'),
    requiredBy: 'GQA_GPU=1',
    skipHint: `needs the ${mode} mode (headless Chromium: .ci/browser-setup.sh, pnpm test:browser)`,
  });
}
