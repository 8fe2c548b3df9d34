/**
 * Our implementations to compare: the CPU backend on each kernel tier (the scalar TypeScript kernels and the
 * WebAssembly SIMD ones), on one thread and on the worker pool when it has more than one.
 */
import {
  createCpuBackend,
  defaultThreading,
  type KernelTier,
  setBackend,
  wasmSimdSupported,
} from '@gqa-lab/tensor';

export interface OurImpl {
  readonly name: string;
  /** Switches the CPU backend into this configuration before the impl's cases run. */
  readonly before?: () => void;
}

/**
 * `gqa-lab js` / `gqa-lab wasm` (one thread) and, when GQA_THREADS / the machine allow more,
 * `gqa-lab js Nt` / `gqa-lab wasm Nt` on the pool. The wasm rows are left out where SIMD does not validate.
 */
export function ourImpls(): OurImpl[] {
  const pooled = defaultThreading();
  const tiers: KernelTier[] = wasmSimdSupported() ? ['js', 'wasm'] : ['js'];
  return tiers.flatMap((kernels) => {
    const one: OurImpl = {
      name: `gqa-lab ${kernels}`,
      before: () => setBackend(createCpuBackend({ threading: { threads: 1, minMacs: 0 }, kernels })),
    };
    if (pooled.threads <= 1) return [one];
    const many: OurImpl = {
      name: `gqa-lab ${kernels} ${pooled.threads}t`,
      before: () =>
        setBackend(
          createCpuBackend({ name: `cpu-${kernels}-${pooled.threads}t`, threading: pooled, kernels }),
        ),
    };
    return [one, many];
  });
}

/** `gqa-lab`: the default configuration on one thread (the wasm tier where SIMD validates, else js). */
export function defaultImpl(): OurImpl {
  return {
    name: 'gqa-lab',
    before: () => setBackend(createCpuBackend({ threading: { threads: 1, minMacs: 0 } })),
  };
}
