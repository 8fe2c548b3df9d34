/**
 * Starting a gpu.js mode in a test file: the backend, or null plus the reason it could not start. When the
 * mode is required (CI sets GQA_GPU=1 after installing the software renderer), not starting is an error,
 * so the file fails instead of skipping. Imports nothing from Node (the browser tests use it too).
 */
import { createGpuBackend, type GpuBackend, type GpuMode } from '../packages/tensor/src/index';

export interface GpuStart {
  backend: GpuBackend | null;
  /** Why the mode did not start ('' when it did). */
  reason: string;
}

/**
 * Starts `mode` with threshold 0 (every float32 op with a GPU kernel goes to the GPU). In the browser (vite)
 * the caller passes the bundled gpu.js module; in Node the backend imports it by name.
 */
export async function startGpuMode(
  mode: GpuMode,
  required: boolean,
  requiredBy: string,
  gpujs?: object,
): Promise<GpuStart> {
  try {
    return { backend: await createGpuBackend({ mode, threshold: 0, gpujs }), reason: '' };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (required) throw new Error(`${requiredBy} but the ${mode} backend did not start: ${reason}`);
    console.warn(`gpujs-${mode} skipped: ${reason}`);
    return { backend: null, reason };
  }
}

/** webgpu, required under GQA_GPU=1 (the Node test files' default). */
export function startWebGpu(): Promise<GpuStart> {
  return startGpuMode('webgpu', globalThis.process?.env.GQA_GPU === '1', 'GQA_GPU=1');
}
