/** The backend the worker trains on: the CPU backend (WebAssembly SIMD kernels where supported) or gpu.js webgl2. */
import {
  type Backend,
  cpuBackend,
  createGpuBackend,
  type GpuBackend,
  setBackend,
  wasmSimdSupported,
} from '@gqa-lab/tensor';
import type { BackendChoice } from '../settings';

let gpu: GpuBackend | null = null;

/** Makes `choice` the default backend and returns what runs, in words. `note` receives gpu.js's notices. */
export async function useBackend(choice: BackendChoice, note: (text: string) => void): Promise<string> {
  let backend: Backend = cpuBackend;
  let label = `cpu (${wasmSimdSupported() ? 'WebAssembly SIMD kernels' : 'scalar TypeScript kernels'})`;
  if (choice === 'webgl2') {
    gpu ??= await createGpuBackend({ mode: 'webgl2', gpujs: await import('gpu.js'), warn: note });
    backend = gpu;
    label = `gpu.js ${gpu.kernelClass} (small ops on the cpu)`;
  }
  setBackend(backend);
  return label;
}
