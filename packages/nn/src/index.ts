/** @gqa-lab/nn: modules, layers, init, losses, optimizers, schedules, state dicts and checkpoints. */
export * from './activation';
export * from './checkpoint';
export * from './conv2d';
export * from './dropout';
export * from './embedding';
export * from './identity';
export * as init from './init';
export * from './init';
export * from './io/index';
export * from './layer';
export * from './layer-norm';
export * from './linear';
export * from './loss';
export * from './mlp';
export * from './module';
export * from './optim/index';
export * from './parameter';
export * from './sequential';
