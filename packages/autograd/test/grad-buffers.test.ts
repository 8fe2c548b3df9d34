/**
 * Recycling of gradient temporaries by backward (grad-buffers.ts + tensor's storage pool): results are
 * bit-identical with the pool on and off, recycling really happens, and gradients that escape the pass
 * (leaf / retained .grad, hook arguments) are never handed out again.
 */

import {
  clearStoragePool,
  NDArray,
  Rng,
  setStoragePoolLimit,
  storagePoolStats,
  uniform,
} from '@gqa-lab/tensor';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '../src/index';

const SHAPE = [64, 128]; // 8192 elements: above the pool's minimum length
const DEFAULT_LIMIT = storagePoolStats().limitBytes;

afterEach(() => setStoragePoolLimit(DEFAULT_LIMIT));

interface Step {
  readonly op: number;
  readonly i: number;
  readonly j: number;
  readonly retain: boolean;
  readonly hook: boolean;
}

const stepArb = fc.record({
  op: fc.integer({ min: 0, max: 6 }),
  i: fc.nat(),
  j: fc.nat(),
  retain: fc.boolean(),
  hook: fc.boolean(),
});

/** Runs a random program of ops with aliasing, views, retained grads and stashing hooks; returns every gradient seen. */
function run(steps: readonly Step[], seed: number) {
  const rng = new Rng(seed);
  const leaves = [0, 1].map(() => T.fromNDArray(uniform(SHAPE, -1, 1, rng), { requiresGrad: true }));
  const values: T.Tensor[] = [...leaves];
  const retained: T.Tensor[] = [];
  const stashed: { tensor: T.Tensor; copy: Float32Array }[] = [];
  for (const s of steps) {
    const a = values[s.i % values.length];
    const b = values[s.j % values.length];
    const ops = [
      () => T.tanh(a),
      () => T.add(a, b),
      () => T.mul(a, b),
      () => T.add(a, a),
      () => T.transpose(T.mul(T.transpose(a, 0, 1), 0.5), 0, 1),
      () => T.reshape(T.reshape(a, [128, 64]), SHAPE),
      () => T.sub(a, T.mul(b, 0.5)),
    ];
    const t = ops[s.op]();
    if (s.retain) retained.push(t.retainGrad());
    if (s.hook) {
      t.registerHook((g) => {
        stashed.push({ tensor: g, copy: Float32Array.from(g.data.values()) });
        return undefined;
      });
    }
    values.push(t);
  }
  const out = values[values.length - 1];
  T.sum(T.mul(out, out)).backward();
  // More allocations of the same sizes: a recycled escaped buffer would be overwritten here.
  T.sum(T.mul(T.tanh(leaves[0]), leaves[1])).backward();
  return {
    leafGrads: leaves.map((l) => Array.from(l.grad?.data.values() ?? [])),
    retainedGrads: retained.map((r) => Array.from(r.grad?.data.values() ?? [])),
    stashedNow: stashed.map((s) => Array.from(s.tensor.data.values())),
    stashedThen: stashed.map((s) => Array.from(s.copy)),
  };
}

describe('gradient buffer recycling', () => {
  it('gives bit-identical gradients with the pool on and off; escaped gradients are never reused', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), fc.nat(100), (steps, seed) => {
        setStoragePoolLimit(0);
        const off = run(steps, seed);
        setStoragePoolLimit(DEFAULT_LIMIT);
        const on = run(steps, seed);
        expect(on.leafGrads).toEqual(off.leafGrads);
        expect(on.retainedGrads).toEqual(off.retainedGrads);
        expect(on.stashedNow).toEqual(on.stashedThen);
        expect(on.stashedThen).toEqual(off.stashedThen);
      }),
      { numRuns: 40 },
    );
  });

  it('recycles the temporaries of a backward pass', () => {
    clearStoragePool();
    const x = T.fromNDArray(uniform(SHAPE, -1, 1, new Rng(1)), { requiresGrad: true });
    T.sum(T.tanh(T.mul(T.tanh(x), 2))).backward();
    expect(storagePoolStats().pooledBytes).toBeGreaterThan(0);
  });

  it('recycles nothing under createGraph (the gradients belong to a new graph)', () => {
    clearStoragePool();
    const x = T.fromNDArray(uniform(SHAPE, -1, 1, new Rng(2)), { requiresGrad: true });
    const [g] = T.grad(T.sum(T.tanh(T.mul(T.tanh(x), 2))), [x], { createGraph: true });
    expect(storagePoolStats().pooledBytes).toBe(0);
    T.sum(g).backward();
    expect(x.grad).not.toBeNull();
  });

  it('pooled arrays come back zero-filled and the limit is validated', () => {
    clearStoragePool();
    const x = T.fromNDArray(uniform(SHAPE, -1, 1, new Rng(3)), { requiresGrad: true });
    T.sum(T.tanh(T.mul(T.tanh(x), 2))).backward();
    expect(storagePoolStats().pooledBytes).toBeGreaterThan(0);
    const z = NDArray.empty(SHAPE);
    expect(z.values().every((v) => v === 0)).toBe(true);
    expect(() => setStoragePoolLimit(-1)).toThrow('setStoragePoolLimit: limit must be >= 0 bytes, got -1');
  });
});
