/**
 * Every CPU kernel tier the backend contract runs on, each compared with the reference backend. A new tier
 * is one more entry here; backend-contract.test.ts runs the suite on each.
 */
import { type Backend, cpuBackend, createCpuBackend } from '../src/index';

export interface NamedBackend {
  readonly name: string;
  readonly make: () => Backend;
}

export const CPU_TIERS: readonly NamedBackend[] = [
  // The default backend: the WebAssembly SIMD tier where the runtime validates SIMD (Node 20 does), with
  // float32 matmul / Linear on the wasm kernels; every contract shape is below the pool's 2^22
  // multiply-adds, so this is the single-thread path.
  { name: 'cpu', make: () => cpuBackend },
  // Each kernel tier forced: the scalar TypeScript kernels, and the WebAssembly ones.
  { name: 'cpu-js', make: () => createCpuBackend({ name: 'cpu-js', kernels: 'js' }) },
  { name: 'cpu-wasm', make: () => createCpuBackend({ name: 'cpu-wasm', kernels: 'wasm' }) },
  // Both tiers with every matmul and attention call shared between three workers (the caller takes none).
  ...(['js', 'wasm'] as const).map((kernels) => ({
    name: `cpu-pool-${kernels}`,
    make: () =>
      createCpuBackend({
        name: `cpu-pool-${kernels}`,
        threading: { threads: 3, minMacs: 0, callerWorks: false },
        kernels,
      }),
  })),
];
