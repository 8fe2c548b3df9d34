/**
 * A whole Backend from the basic kernels alone: softmax, logsumexp, layer norm, GELU, Linear and attention
 * (forward and backward) composed from element-wise, reduce, matmul, where and index kernels. A new backend
 * can start with the basic kernels and replace a composed one with a fused kernel when a benchmark earns it.
 */
import type { Backend } from './backend';
import { composedAttention, composedAttentionBackward } from './composed-attention';
import { composedGelu, composedGeluBackward } from './composed-gelu';
import { composedLayerNorm, composedLayerNormBackward } from './composed-layer-norm';
import { composedLinear } from './composed-linear';
import { composedLogsumexp, composedSoftmax, composedSoftmaxBackward } from './composed-softmax';
import { referenceBackend } from './reference';

/** The kernels that have a composed fallback. */
export const COMPOSED_KERNELS = [
  'softmax',
  'softmaxBackward',
  'logsumexp',
  'gelu',
  'geluBackward',
  'layerNorm',
  'layerNormBackward',
  'linear',
  'attention',
  'attentionBackward',
] as const;
export type ComposedKernel = (typeof COMPOSED_KERNELS)[number];

/** A backend's basic kernels: everything but the ones composed here. */
export type BasicKernels = Omit<Backend, ComposedKernel>;

/**
 * `basic` completed with the composed kernels (each built from the completed backend's own kernels).
 * Attention calls with an empty dim have nothing to compute and go to the reference backend.
 */
export function withComposedFallbacks(basic: BasicKernels): Backend {
  const be: Backend = {
    ...basic,
    softmax: (x, axis) => composedSoftmax(be, x, axis),
    softmaxBackward: (y, dy, axis) => composedSoftmaxBackward(be, y, dy, axis),
    logsumexp: (x, axis, keepdims) => composedLogsumexp(be, x, axis, keepdims),
    gelu: (x, approximate) => composedGelu(be, x, approximate),
    geluBackward: (x, dy, approximate) => composedGeluBackward(be, x, dy, approximate),
    layerNorm: (x, weight, bias, eps) => composedLayerNorm(be, x, weight, bias, eps),
    layerNormBackward: (dy, x, weight, mean, rstd, hasBias) =>
      composedLayerNormBackward(be, dy, x, weight, mean, rstd, hasBias),
    linear: (x, weight, bias) => composedLinear(be, x, weight, bias),
    attention: (args) => composedAttention(be, referenceBackend, args),
    attentionBackward: (args, saved, dOut) =>
      composedAttentionBackward(be, referenceBackend, args, saved, dOut),
  };
  return be;
}
