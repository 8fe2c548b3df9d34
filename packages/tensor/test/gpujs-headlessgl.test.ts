/**
 * The backend contract, unchanged, against the gpu.js backend in headlessgl mode (WebGL1 through headless-gl's
 * ANGLE, Mesa's llvmpipe without a GPU). Opt-in: it needs gpu.js's native `gl` built (.ci/headlessgl-setup.sh)
 * and an X display (`xvfb-run -a`). threshold 0 sends every float32 op with a GPU kernel to the GPU. With
 * GQA_HEADLESSGL=1 a mode that cannot start, or a CPU kernel run in place of a GPU one, fails the file;
 * without it, an unavailable mode skips with the reason printed.
 */
import { describeGpuModeContract } from './gpu-mode-contract';

await describeGpuModeContract({
  mode: 'headlessgl',
  kernelClass: 'HeadlessGLKernel',
  required: process.env.GQA_HEADLESSGL === '1',
  requiredBy: 'GQA_HEADLESSGL=1',
  skipHint: 'needs the headlessgl mode (gl built by .ci/headlessgl-setup.sh, run under xvfb-run -a)',
});
