/**
 * The browser entry of @gqa-lab/nn (the `browser` export condition, and `@gqa-lab/nn/browser`): modules,
 * layers, init, losses, optimizers, schedules, state dicts and safetensors encode / decode from bytes,
 * without the parts that need Node's file system (atomic file writes, safetensors files, checkpoints).
 * The Node entry (index.ts) exports all of this and those parts.
 */
export * from './activation';
export * from './conv2d';
export * from './dropout';
export * from './embedding';
export * from './identity';
export * as init from './init';
export * from './init';
export * from './io/in-memory';
export * from './layer';
export * from './layer-norm';
export * from './linear';
export * from './loss';
export * from './mlp';
export * from './module';
export * from './optim/index';
export * from './parameter';
export * from './sequential';
export * from './summary';
