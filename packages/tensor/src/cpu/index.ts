/**
 * The CPU backend: plain TypeScript loops over typed arrays, one small file per idea.
 * It is the default backend (see select-backend.ts).
 */
import { ARG_REDUCE_OPS, type Backend, BINARY_OPS, COMPARE_OPS, REDUCE_OPS, UNARY_OPS } from '../backend';
import { composedAttention, composedAttentionBackward } from '../composed-attention';
import { kernelTable } from '../kernel-table';
import type { NDArray } from '../ndarray';
import { attentionWasm } from '../wasm/attention';
import { attentionBackwardWasm } from '../wasm/attention-backward';
import { binaryWasm, unaryWasm } from '../wasm/elementwise';
import { geluBackwardWasm, geluWasm } from '../wasm/gelu';
import { layerNormBackwardWasm, layerNormWasm } from '../wasm/layer-norm';
import { reduceWasm } from '../wasm/reduce';
import { logsumexpWasm, softmaxBackwardWasm, softmaxWasm } from '../wasm/softmax';
import { type KernelTier, resolveKernelTier, resolveWasmFma } from '../wasm/support';
import { attentionKernel } from './attention';
import { attentionBackwardKernel } from './attention-backward';
import { attentionBackwardOnPool, attentionOnPool } from './attention-pool';
import { binaryKernel, compareKernel } from './binary';
import { geluBackwardKernel, geluKernel } from './gelu';
import { geluOnPool } from './gelu-pool';
import { gatherKernel, indexAddKernel, indexSelectKernel, scatterAddKernel } from './index-ops';
import { layerNormBackwardKernel, layerNormKernel } from './layer-norm';
import { layerNormOnPool } from './layer-norm-pool';
import { defaultThreading, linearKernel, type MatmulThreading, matmulKernel } from './matmul';
import { poolOutputs } from './pool-outputs';
import { argReduceKernel, reduceKernel } from './reduce';
import { castKernel, concatKernel, copyKernel, padKernel, whereKernel } from './shape-ops';
import { logsumexpKernel, softmaxBackwardKernel, softmaxKernel } from './softmax';
import { unaryKernel } from './unary';

export { type AdamScalars, adamUpdateWasm } from '../wasm/adam';
export { kernelListing } from '../wasm/kernel-module';
export {
  type KernelTier,
  resolveKernelTier,
  resolveWasmFma,
  wasmRelaxedSimdSupported,
  wasmSimdSupported,
} from '../wasm/support';
export { erf } from './erf';

export { defaultThreading, type MatmulThreading } from './matmul';

/** Options of createCpuBackend. */
export interface CpuBackendOptions {
  /** Name in messages and benchmark tables (default 'cpu'). */
  readonly name?: string;
  /** Worker-pool use for matmul (default: GQA_THREADS threads, matmuls of at least 2^22 multiply-adds). */
  readonly threading?: MatmulThreading;
  /**
   * Kernel tier: 'wasm' (WebAssembly SIMD kernels for float32 matmul, attention, norms, element-wise ops,
   * AdamW) or 'js' (scalar TypeScript).
   * Default: GQA_KERNELS if set, else 'wasm' where the runtime validates a SIMD module. Forcing 'wasm'
   * where it does not is an error.
   */
  readonly kernels?: KernelTier;
  /**
   * float32 matmul / Linear on the wasm tier with relaxed-SIMD FMA (f32x4.relaxed_madd): one rounding per
   * step where the CPU fuses, so the bits depend on the machine (and no faster where measured: bench/README.md,
   * Round 4c). Default: GQA_WASM_FMA=1, else off. Asking for it on the 'js' tier or where relaxed SIMD does
   * not validate (Node 20 without --experimental-wasm-relaxed-simd) is an error. Attention and the other
   * kernels keep their separate multiply and add.
   */
  readonly fma?: boolean;
}

/** The default CPU backend: every kernel of the Backend interface, float32 / float64 / int32. */
export const cpuBackend: Backend = createCpuBackend();

/** A CPU backend with its own matmul threading (e.g. one thread, or every matmul on the pool for tests). */
export function createCpuBackend(opts: CpuBackendOptions = {}): Backend {
  const threading = opts.threading ?? defaultThreading();
  const kernels = resolveKernelTier(opts.kernels);
  const fma = resolveWasmFma(opts.fma, kernels);
  // Large element-wise and layer-norm-backward outputs, on shared storage when the pool may read them.
  const outputs = poolOutputs(threading.threads);
  const backend: Backend = {
    name: opts.name ?? 'cpu',
    // float32 contiguous / row-broadcast operands of the ops with a SIMD kernel on the wasm tier.
    unary: kernelTable(
      UNARY_OPS,
      (op) => (x: NDArray) => (kernels === 'wasm' ? unaryWasm(op, x, outputs) : null) ?? unaryKernel(op, x),
    ),
    binary: kernelTable(
      BINARY_OPS,
      (op) => (a: NDArray, b: NDArray) =>
        (kernels === 'wasm' ? binaryWasm(op, a, b, outputs) : null) ?? binaryKernel(op, a, b),
    ),
    compare: kernelTable(COMPARE_OPS, (op) => (a: NDArray, b: NDArray) => compareKernel(op, a, b)),
    reduce: kernelTable(
      REDUCE_OPS,
      (op) => (x: NDArray, axes: readonly number[], keepdims: boolean) =>
        (kernels === 'wasm' ? reduceWasm(op, x, axes, keepdims) : null) ??
        reduceKernel(op, x, axes, keepdims),
    ),
    argReduce: kernelTable(
      ARG_REDUCE_OPS,
      (op) => (x: NDArray, axis: number, keepdims: boolean) => argReduceKernel(op, x, axis, keepdims),
    ),
    matmul: (a, b) => matmulKernel(a, b, threading, kernels, fma),
    linear: (x, w, b) => linearKernel(x, w, b, threading, kernels, fma),
    cast: castKernel,
    copy: copyKernel,
    where: whereKernel,
    gather: gatherKernel,
    scatterAdd: scatterAddKernel,
    indexSelect: indexSelectKernel,
    indexAdd: indexAddKernel,
    concat: concatKernel,
    pad: padKernel,
    // float32 contiguous rows over the last axis on the wasm tier; other axes and layouts on the scalar kernels.
    softmax: (x, axis) => (kernels === 'wasm' ? softmaxWasm(x, axis) : null) ?? softmaxKernel(x, axis),
    softmaxBackward: (y, dy, axis) =>
      (kernels === 'wasm' ? softmaxBackwardWasm(y, dy, axis) : null) ?? softmaxBackwardKernel(y, dy, axis),
    logsumexp: (x, axis, keepdims) =>
      (kernels === 'wasm' ? logsumexpWasm(x, axis, keepdims) : null) ?? logsumexpKernel(x, axis, keepdims),
    // float32 contiguous GELU (exact form) on the wasm tier; everything else on the scalar kernels.
    gelu: (x, approximate) =>
      (kernels === 'wasm'
        ? (geluOnPool(x, null, approximate, threading) ?? geluWasm(x, approximate))
        : null) ?? geluKernel(x, approximate),
    geluBackward: (x, dy, approximate) =>
      (kernels === 'wasm'
        ? (geluOnPool(x, dy, approximate, threading) ?? geluBackwardWasm(x, dy, approximate))
        : null) ?? geluBackwardKernel(x, dy, approximate),
    // float32 contiguous x (and dy) on the wasm tier, bit-identical to the scalar kernels.
    layerNorm: (x, w, b, eps) =>
      (kernels === 'wasm'
        ? (layerNormOnPool(x, w, b, eps, threading) ?? layerNormWasm(x, w, b, eps))
        : null) ?? layerNormKernel(x, w, b, eps),
    layerNormBackward: (dy, x, w, mean, rstd, hasBias) =>
      (kernels === 'wasm' ? layerNormBackwardWasm(dy, x, w, mean, rstd, hasBias, outputs) : null) ??
      layerNormBackwardKernel(dy, x, w, mean, rstd, hasBias),
    // Large calls run on the worker pool by (batch, KV head); float32 on the wasm tier runs the SIMD units;
    // other shapes too large for the scalar kernel's workspace are composed from this backend's kernels.
    attention: (args, keepWeights) =>
      attentionOnPool(args, keepWeights, threading, kernels) ??
      (kernels === 'wasm' ? attentionWasm(args, keepWeights) : null) ??
      attentionKernel(args, keepWeights, () => composedAttention(backend, backend, args)),
    attentionBackward: (args, saved, dOut) =>
      attentionBackwardOnPool(args, saved, dOut, threading, kernels) ??
      (kernels === 'wasm' ? attentionBackwardWasm(args, saved, dOut) : null) ??
      attentionBackwardKernel(args, saved, dOut, () =>
        composedAttentionBackward(backend, backend, args, saved, dOut),
      ),
  };
  return backend;
}
