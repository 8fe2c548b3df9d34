/** CPU backends for the pool tests: one thread, and pools whose workers compute every unit. */
import { createCpuBackend } from '../src/index';

/** The plain one-thread backend every pooled result is compared with. */
export const oneThread = createCpuBackend({ threading: { threads: 1, minMacs: 0 } });

/** Workers only (the caller takes no unit): every unit goes through the shared control block. */
export const workersOnly = (threads: number) =>
  createCpuBackend({ threading: { threads, minMacs: 0, callerWorks: false } });
