/** Our implementations to compare: the CPU backend on one thread, and on the worker pool when it has >1 thread. */
import { createCpuBackend, defaultThreading, setBackend } from '@gqa-lab/tensor';

export interface OurImpl {
  readonly name: string;
  /** Switches the CPU backend into this configuration before the impl's cases run. */
  readonly before?: () => void;
}

/** `gqa-lab` (one thread) and, when GQA_THREADS / the machine allow more, `gqa-lab Nt` on the matmul pool. */
export function ourImpls(): OurImpl[] {
  const pooled = defaultThreading();
  const one: OurImpl = {
    name: 'gqa-lab',
    before: () => setBackend(createCpuBackend({ threading: { threads: 1, minMacs: 0 } })),
  };
  if (pooled.threads <= 1) return [one];
  return [
    one,
    {
      name: `gqa-lab ${pooled.threads}t`,
      before: () => setBackend(createCpuBackend({ name: `cpu-${pooled.threads}t`, threading: pooled })),
    },
  ];
}
