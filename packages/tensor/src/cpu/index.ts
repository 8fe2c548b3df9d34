/**
 * The CPU backend: plain TypeScript loops over typed arrays, one small file per idea.
 * It is the default backend (see select-backend.ts).
 */
import type { Backend } from '../backend';
import { composedAttention, composedAttentionBackward } from '../composed-attention';
import { type KernelTier, resolveKernelTier } from '../wasm/support';
import { attentionKernel } from './attention';
import { attentionBackwardKernel } from './attention-backward';
import { attentionBackwardOnPool, attentionOnPool } from './attention-pool';
import { binaryKernel, compareKernel } from './binary';
import { geluBackwardKernel, geluKernel } from './gelu';
import { gatherKernel, indexAddKernel, indexSelectKernel, scatterAddKernel } from './index-ops';
import { layerNormBackwardKernel, layerNormKernel } from './layer-norm';
import { defaultThreading, linearKernel, type MatmulThreading, matmulKernel } from './matmul';
import { argReduceKernel, reduceKernel } from './reduce';
import { castKernel, concatKernel, copyKernel, padKernel, whereKernel } from './shape-ops';
import { logsumexpKernel, softmaxBackwardKernel, softmaxKernel } from './softmax';
import { unaryKernel } from './unary';

export { kernelListing } from '../wasm/kernel-module';
export { type KernelTier, wasmSimdSupported } from '../wasm/support';
export { erf } from './erf';

export { defaultThreading, type MatmulThreading } from './matmul';

/** Options of createCpuBackend. */
export interface CpuBackendOptions {
  /** Name in messages and benchmark tables (default 'cpu'). */
  readonly name?: string;
  /** Worker-pool use for matmul (default: GQA_THREADS threads, matmuls of at least 2^22 multiply-adds). */
  readonly threading?: MatmulThreading;
  /**
   * Kernel tier: 'wasm' (WebAssembly SIMD kernels for float32 matmul / Linear) or 'js' (scalar TypeScript).
   * Default: GQA_KERNELS if set, else 'wasm' where the runtime validates a SIMD module. Forcing 'wasm'
   * where it does not is an error.
   */
  readonly kernels?: KernelTier;
}

/** The default CPU backend: every kernel of the Backend interface, float32 / float64 / int32. */
export const cpuBackend: Backend = createCpuBackend();

/** A CPU backend with its own matmul threading (e.g. one thread, or every matmul on the pool for tests). */
export function createCpuBackend(opts: CpuBackendOptions = {}): Backend {
  const threading = opts.threading ?? defaultThreading();
  const kernels = resolveKernelTier(opts.kernels);
  const backend: Backend = {
    name: opts.name ?? 'cpu',
    unary: {
      neg: (x) => unaryKernel('neg', x),
      abs: (x) => unaryKernel('abs', x),
      exp: (x) => unaryKernel('exp', x),
      log: (x) => unaryKernel('log', x),
      sqrt: (x) => unaryKernel('sqrt', x),
      rsqrt: (x) => unaryKernel('rsqrt', x),
      sin: (x) => unaryKernel('sin', x),
      cos: (x) => unaryKernel('cos', x),
      tanh: (x) => unaryKernel('tanh', x),
      sigmoid: (x) => unaryKernel('sigmoid', x),
      relu: (x) => unaryKernel('relu', x),
      erf: (x) => unaryKernel('erf', x),
      sign: (x) => unaryKernel('sign', x),
      square: (x) => unaryKernel('square', x),
      reciprocal: (x) => unaryKernel('reciprocal', x),
    },
    binary: {
      add: (a, b) => binaryKernel('add', a, b),
      sub: (a, b) => binaryKernel('sub', a, b),
      mul: (a, b) => binaryKernel('mul', a, b),
      div: (a, b) => binaryKernel('div', a, b),
      pow: (a, b) => binaryKernel('pow', a, b),
      maximum: (a, b) => binaryKernel('maximum', a, b),
      minimum: (a, b) => binaryKernel('minimum', a, b),
    },
    compare: {
      eq: (a, b) => compareKernel('eq', a, b),
      ne: (a, b) => compareKernel('ne', a, b),
      lt: (a, b) => compareKernel('lt', a, b),
      le: (a, b) => compareKernel('le', a, b),
      gt: (a, b) => compareKernel('gt', a, b),
      ge: (a, b) => compareKernel('ge', a, b),
    },
    reduce: {
      sum: (x, axes, keepdims) => reduceKernel('sum', x, axes, keepdims),
      max: (x, axes, keepdims) => reduceKernel('max', x, axes, keepdims),
      min: (x, axes, keepdims) => reduceKernel('min', x, axes, keepdims),
      mean: (x, axes, keepdims) => reduceKernel('mean', x, axes, keepdims),
    },
    argReduce: {
      argmax: (x, axis, keepdims) => argReduceKernel('argmax', x, axis, keepdims),
      argmin: (x, axis, keepdims) => argReduceKernel('argmin', x, axis, keepdims),
    },
    matmul: (a, b) => matmulKernel(a, b, threading, kernels),
    linear: (x, w, b) => linearKernel(x, w, b, threading, kernels),
    cast: castKernel,
    copy: copyKernel,
    where: whereKernel,
    gather: gatherKernel,
    scatterAdd: scatterAddKernel,
    indexSelect: indexSelectKernel,
    indexAdd: indexAddKernel,
    concat: concatKernel,
    pad: padKernel,
    softmax: softmaxKernel,
    softmaxBackward: softmaxBackwardKernel,
    logsumexp: logsumexpKernel,
    gelu: geluKernel,
    geluBackward: geluBackwardKernel,
    layerNorm: layerNormKernel,
    layerNormBackward: layerNormBackwardKernel,
    // Large calls run on the worker pool by (batch, KV head); shapes too large for the fused kernel's
    // workspace are composed from this backend's kernels.
    attention: (q, k, v, kvHead, scale, mask, keepWeights) =>
      attentionOnPool(q, k, v, kvHead, scale, mask, keepWeights, threading) ??
      attentionKernel(q, k, v, kvHead, scale, mask, keepWeights, () =>
        composedAttention(backend, backend, q, k, v, kvHead, scale, mask),
      ),
    attentionBackward: (q, k, v, out, lse, weights, dOut, kvHead, scale, mask) =>
      attentionBackwardOnPool(q, k, v, { out, lse, weights, dOut }, kvHead, scale, mask, threading) ??
      attentionBackwardKernel(q, k, v, out, lse, weights, dOut, kvHead, scale, mask, () =>
        composedAttentionBackward(backend, backend, q, k, v, out, lse, dOut, kvHead, scale, mask),
      ),
  };
  return backend;
}
