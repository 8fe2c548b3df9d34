/** The public tensor ops (every one recorded through a primitive, so all are differentiable where it makes sense). */

export * from './ops/arith';
export * from './ops/indexing';
export * from './ops/lift';
export * from './ops/linalg';
export * from './ops/reduce';
export * from './ops/shape';
