/**
 * The gpu.js backend's attention is composed from Backend kernels (matmul, softmax, where, indexSelect, ...).
 * Run that composition over the CPU backend's kernels through the attention contract, so its logic (masking
 * with a finite value, the NaN / -Infinity fix-ups of fully blocked rows, the scatter-add over the head map)
 * is checked on every machine; the GPU modes run the same contract on their own kernels in CI.
 */

import { gpuAttention, gpuAttentionBackward } from '../src/gpujs/ops-attention';
import { type Backend, cpuBackend } from '../src/index';
import { describeAttention } from './contract-attention';

const composed: Backend = {
  ...cpuBackend,
  name: 'cpu-composed-attention',
  attention: (q, k, v, kvHead, scale, mask) =>
    gpuAttention(composed, cpuBackend, q, k, v, kvHead, scale, mask),
  attentionBackward: (q, k, v, out, lse, dOut, kvHead, scale, mask) =>
    gpuAttentionBackward(composed, cpuBackend, q, k, v, out, lse, dOut, kvHead, scale, mask),
};

describeAttention(composed);
