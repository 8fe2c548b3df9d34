/**
 * Every CPU kernel tier the backend contract runs on, each compared with the reference backend. A new tier
 * (e.g. WebAssembly SIMD) is one more entry here; backend-contract.test.ts runs the suite on each.
 */
import { type Backend, cpuBackend, createCpuBackend } from '../src/index';

export interface NamedBackend {
  readonly name: string;
  readonly make: () => Backend;
}

export const CPU_TIERS: readonly NamedBackend[] = [
  // The default backend: scalar TypeScript kernels; every contract shape is below the pool's 2^22
  // multiply-adds, so this is the single-thread path.
  { name: 'cpu', make: () => cpuBackend },
  // The same kernels with every matmul and attention call shared between three workers (the caller takes none).
  {
    name: 'cpu-pool',
    make: () =>
      createCpuBackend({ name: 'cpu-pool', threading: { threads: 3, minMacs: 0, callerWorks: false } }),
  },
];
