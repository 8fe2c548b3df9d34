export * from './backend';
export {
  type BasicKernels,
  COMPOSED_KERNELS,
  type ComposedKernel,
  withComposedFallbacks,
} from './composed-backend';
export * from './cpu';
export * from './creation';
export * from './dtype';
export * from './gpujs';
export * from './ndarray';
export * from './reference';
export * from './registry';
export * from './rng';
export * from './select-backend';
export * from './shape';
export {
  clearStoragePool,
  closeAllocationLog,
  isSharedStorage,
  openAllocationLog,
  recycleStorage,
  setStoragePoolLimit,
  storagePoolStats,
} from './storage-pool';
export * from './strided';
export * from './view';
