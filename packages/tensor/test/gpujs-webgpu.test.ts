/**
 * The backend contract, unchanged, against the gpu.js backend in webgpu mode (Dawn on EGL surfaceless, Mesa's
 * llvmpipe in CI). threshold 0 sends every float32 op with a GPU kernel to the GPU. With GQA_GPU=1 (CI, after
 * .ci/gpu-setup.sh) a mode that cannot start or a CPU kernel run in place of a GPU one fails the file;
 * without it, an unavailable mode skips with the reason printed.
 */
import { describeGpuModeContract } from './gpu-mode-contract';

await describeGpuModeContract({
  mode: 'webgpu',
  kernelClass: 'WebGPUKernel',
  required: process.env.GQA_GPU === '1',
  requiredBy: 'GQA_GPU=1',
  skipHint: 'needs the webgpu mode (Mesa EGL libraries: .ci/gpu-setup.sh)',
  namesDevice: true,
});
