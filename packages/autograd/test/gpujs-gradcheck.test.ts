/**
 * Autograd through the gpu.js backend: float32 gradients (the GPU computes in float32 only) of matmul, softmax,
 * layer norm and a small MLP loss, checked by random-direction finite differences and against the CPU backend.
 * GQA_GPU=1 (set by CI after .ci/gpu-setup.sh) makes an unavailable webgpu mode a failure; otherwise the file
 * skips with the reason.
 */
import { type Backend, cpuBackend, type GpuBackend, Rng, withBackend } from '@gqa-lab/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebGpu } from '../../../testing/gpu-start';
import * as T from '../src/index';

const { backend: gpu, reason } = await startWebGpu();

afterAll(() => gpu?.dispose());

/** `gpuOp`: a backend kernel that must have run on the GPU (not a CPU fallback) during the check. */
type Case = { name: string; gpuOp: string; shapes: number[][]; fn: (...xs: T.Tensor[]) => T.Tensor };

const CASES: Case[] = [
  {
    name: 'matmul',
    gpuOp: 'matmul',
    shapes: [
      [2, 5, 6],
      [6, 7],
    ],
    fn: (a, b) => T.matmul(a, b),
  },
  { name: 'softmax', gpuOp: 'softmax', shapes: [[4, 9]], fn: (x) => T.softmax(T.mul(x, 2)) },
  {
    name: 'layerNorm',
    gpuOp: 'layerNorm',
    shapes: [[6, 8], [8], [8]],
    fn: (x, w, b) => T.layerNorm(x, w, b),
  },
  {
    name: 'mlp + cross entropy',
    gpuOp: 'matmul',
    shapes: [
      [8, 5],
      [5, 16],
      [16, 3],
    ],
    fn: (x, w1, w2) => T.crossEntropy(T.matmul(T.gelu(T.matmul(x, w1)), w2), [0, 1, 2, 0, 1, 2, 0, 1]),
  },
];

function inputs(shapes: number[][], seed: number): T.Tensor[] {
  const rng = new Rng(seed);
  return shapes.map((s) => T.randn(s, rng, { requiresGrad: true }));
}

function gradsOn(be: Backend, c: Case, seed: number): Float32Array[] {
  return withBackend(be, () => {
    const xs = inputs(c.shapes, seed);
    T.sum(c.fn(...xs)).backward();
    return xs.map((x) => Float32Array.from(x.grad?.data.values() ?? []));
  });
}

describe.skipIf(gpu === null)(`autograd on gpu.js webgpu${gpu ? '' : ` (skipped: ${reason})`}`, () => {
  it.each(CASES)('$name: float32 gradients pass a random-direction check on the GPU', (c) => {
    const backend = gpu as GpuBackend;
    const before = backend.counts.get(c.gpuOp)?.gpu ?? 0;
    const r = withBackend(backend, () =>
      T.directionalGradcheck(c.fn, inputs(c.shapes, 3), { eps: 1e-2, atol: 2e-3, rtol: 2e-2 }),
    );
    expect(r.message).toBe('');
    expect(backend.counts.get(c.gpuOp)?.gpu ?? 0).toBeGreaterThan(before);
  });

  it.each(CASES)('$name: GPU gradients equal the CPU backend within float32 tolerance', (c) => {
    const onGpu = gradsOn(gpu as GpuBackend, c, 5);
    const onCpu = gradsOn(cpuBackend, c, 5);
    onGpu.forEach((g, i) => {
      for (let j = 0; j < g.length; j++) {
        expect(Math.abs(g[j] - onCpu[i][j])).toBeLessThan(1e-4 + 1e-4 * Math.abs(onCpu[i][j]));
      }
    });
  });
});
