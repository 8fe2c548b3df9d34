/** The gpu.js backend (optional dependency, loaded on demand by createGpuBackend). */

export { createGpuBackend, type GpuBackend, type GpuBackendOptions, type GpuMode } from './create-backend';
export type { CpuReason, OpCounts } from './dispatch';
export type { RunnerStats } from './runner';
