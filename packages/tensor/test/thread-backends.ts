/** CPU backends for the pool tests: one thread, and pools whose workers compute every unit, per kernel tier. */
import { createCpuBackend, type KernelTier } from '../src/index';

/** The plain one-thread backend every pooled result is compared with. */
export const oneThreadOf = (kernels: KernelTier) =>
  createCpuBackend({ threading: { threads: 1, minMacs: 0 }, kernels });

/** Workers only (the caller takes no unit): every unit goes through the shared control block. */
export const workersOnlyOf = (kernels: KernelTier) => (threads: number) =>
  createCpuBackend({ threading: { threads, minMacs: 0, callerWorks: false }, kernels });

/** The scalar tier's backends (the tests written before the WebAssembly tier). */
export const oneThread = oneThreadOf('js');
export const workersOnly = workersOnlyOf('js');
