/** The public tensor ops (every one recorded through a primitive, so all are differentiable where it makes sense). */
import { installGradOps } from './grad-ops';
import {
  add,
  cos,
  div,
  eq,
  exp,
  ge,
  gt,
  log,
  lt,
  maskedFill,
  mul,
  neg,
  pow,
  rsqrt,
  sign,
  sin,
  square,
  sub,
  tanh,
  where,
} from './ops/arith';
import { indexAdd, indexSelect } from './ops/indexing';
import { matmul } from './ops/linalg';
import { mean, softmax, sum, sumTo } from './ops/reduce';
import { cast, expand, pad, permute, reshape, slice, transpose, unsqueeze } from './ops/shape';

export * from './ops/arith';
export * from './ops/indexing';
export * from './ops/lift';
export * from './ops/linalg';
export * from './ops/reduce';
export * from './ops/shape';

// The backward rules in primitives/ are written with these ops and receive them through their context.
installGradOps({
  add,
  sub,
  mul,
  div,
  pow,
  eq,
  lt,
  gt,
  ge,
  neg,
  exp,
  log,
  rsqrt,
  sin,
  cos,
  tanh,
  sign,
  square,
  where,
  maskedFill,
  sum,
  mean,
  sumTo,
  softmax,
  matmul,
  transpose,
  permute,
  reshape,
  expand,
  unsqueeze,
  slice,
  pad,
  cast,
  indexSelect,
  indexAdd,
});
