/**
 * The reference backend: every kernel of the Backend interface as the plainest correct loop (inputs read in
 * row-major order, float64 arithmetic, no blocking, no threads, no tables). Slow, and meant to be read first:
 * it is what each kernel computes; the cpu/ and gpujs/ tiers compute the same faster, and the backend contract
 * suite checks them against it. Select it with GQA_BACKEND=reference or setBackend(referenceBackend).
 */
import { ARG_REDUCE_OPS, type Backend, BINARY_OPS, COMPARE_OPS, REDUCE_OPS, UNARY_OPS } from '../backend';
import { kernelTable } from '../kernel-table';
import type { NDArray } from '../ndarray';
import { attention, attentionBackward } from './attention';
import { binary, compare, gelu, geluBackward, unary } from './elementwise';
import { gather, indexAdd, indexSelect, scatterAdd } from './index-ops';
import { layerNorm, layerNormBackward } from './layer-norm';
import { linear, matmul } from './matmul';
import { argReduce, reduce } from './reduce';
import { cast, concat, copy, pad, where } from './shape-ops';
import { logsumexp, softmax, softmaxBackward } from './softmax';

export {
  BINARY_FORMULAS,
  COMPARE_FORMULAS,
  geluDerivative,
  geluFormula,
  UNARY_FORMULAS,
} from './elementwise';
export { referenceErf } from './erf';
export { elements, flatIndex, indices } from './loops';

/** A reference backend (they hold no state: one is as good as another). */
export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    unary: kernelTable(UNARY_OPS, (op) => (x: NDArray) => unary(op, x)),
    binary: kernelTable(BINARY_OPS, (op) => (a: NDArray, b: NDArray) => binary(op, a, b)),
    compare: kernelTable(COMPARE_OPS, (op) => (a: NDArray, b: NDArray) => compare(op, a, b)),
    reduce: kernelTable(
      REDUCE_OPS,
      (op) => (x: NDArray, axes: readonly number[], keepdims: boolean) => reduce(op, x, axes, keepdims),
    ),
    argReduce: kernelTable(
      ARG_REDUCE_OPS,
      (op) => (x: NDArray, axis: number, keepdims: boolean) => argReduce(op, x, axis, keepdims),
    ),
    matmul,
    linear,
    cast,
    copy,
    where,
    gather,
    scatterAdd,
    indexSelect,
    indexAdd,
    concat,
    pad,
    softmax,
    softmaxBackward,
    logsumexp,
    gelu,
    geluBackward,
    layerNorm,
    layerNormBackward,
    attention,
    attentionBackward,
  };
}

/** The reference backend: the oracle of the backend contract suite, and the first kernels to read. */
export const referenceBackend: Backend = createReferenceBackend();
