/**
 * A backend with only the basic kernels (the CPU's element-wise, reduce, matmul, where, index and shape
 * kernels) completed by the composed fallbacks passes the whole backend contract: softmax, logsumexp, layer
 * norm, GELU, Linear and attention then run as compositions of basic kernels.
 */
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  type BasicKernels,
  COMPOSED_KERNELS,
  cpuBackend,
  withComposedFallbacks,
} from '../src/index';
import { describeBackend } from './backend-contract';

/** The backend without any kernel that has a composed fallback. */
function basicKernelsOf(be: Backend): BasicKernels {
  const {
    softmax: _softmax,
    softmaxBackward: _softmaxBackward,
    logsumexp: _logsumexp,
    gelu: _gelu,
    geluBackward: _geluBackward,
    layerNorm: _layerNorm,
    layerNormBackward: _layerNormBackward,
    linear: _linear,
    attention: _attention,
    attentionBackward: _attentionBackward,
    ...basic
  } = be;
  return { ...basic, name: 'cpu-basic+composed' };
}

const composed = withComposedFallbacks(basicKernelsOf(cpuBackend));

describe('composed fallbacks', () => {
  it('replace every kernel that has one', () => {
    for (const k of COMPOSED_KERNELS) expect(composed[k], k).not.toBe(cpuBackend[k]);
    expect(
      Object.keys(basicKernelsOf(cpuBackend)).some((k) =>
        (COMPOSED_KERNELS as readonly string[]).includes(k),
      ),
    ).toBe(false);
  });
});

describeBackend('cpu-basic+composed', () => composed);
