/**
 * The composed attention (the gpu.js backend's, and the CPU's for shapes beyond the fused kernel's
 * workspace) is built from Backend kernels (matmul, softmax, where, indexSelect, ...). Run it over the CPU
 * backend's kernels through the attention contract, so its logic (masking with a finite value, the NaN /
 * -Infinity fix-ups of fully blocked rows, the scatter-add over the head map) is checked on every machine;
 * the GPU modes run the same contract on their own kernels in CI.
 */

import { composedAttention, composedAttentionBackward } from '../src/composed-attention';
import { type Backend, cpuBackend } from '../src/index';
import { describeAttention } from './contract-attention';

const composed: Backend = {
  ...cpuBackend,
  name: 'cpu-composed-attention',
  attention: (args) => composedAttention(composed, cpuBackend, args),
  attentionBackward: (args, saved, dOut) =>
    composedAttentionBackward(composed, cpuBackend, args, saved, dOut),
};

describeAttention(composed);
