/**
 * Adam and AdamW on the wasm tier (one SIMD kernel per float32 parameter) against the same optimizers
 * on the scalar loop (GQA_KERNELS=js when constructed): bit-identical parameters and moments after
 * several steps, for random lengths (not multiples of 4) and hyper-parameters; amsgrad and float64
 * parameters stay on the loop.
 */
import { tensor } from '@gqa-lab/autograd';
import { Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW, Parameter } from '../src/index';

/** An optimizer built while GQA_KERNELS is `tier`. */
function withTier<T>(tier: 'js' | 'wasm', make: () => T): T {
  const before = process.env.GQA_KERNELS;
  process.env.GQA_KERNELS = tier;
  try {
    return make();
  } finally {
    if (before === undefined) delete process.env.GQA_KERNELS;
    else process.env.GQA_KERNELS = before;
  }
}

function run(
  tier: 'js' | 'wasm',
  kind: 'AdamW' | 'Adam',
  init: number[][],
  grads: number[][][],
  opts: { lr: number; weightDecay: number; amsgrad: boolean },
  dtype: 'float32' | 'float64',
): number[][] {
  const params = init.map((v) => new Parameter(tensor(v, { dtype }).data));
  const opt = withTier(tier, () => (kind === 'AdamW' ? new AdamW(params, opts) : new Adam(params, opts)));
  for (const step of grads) {
    params.forEach((p, i) => {
      p.grad = tensor(step[i], { dtype });
    });
    opt.step();
  }
  // every state array (expAvg, expAvgSq, maxExpAvgSq) of every parameter, in a fixed order
  const moments = [...opt.stateDict().state.values()].flatMap((st) =>
    Object.keys(st)
      .sort()
      .flatMap((k) => {
        const value = st[k];
        return typeof value === 'number' ? [] : [Array.from(value)];
      }),
  );
  return [...params.map((p) => Array.from(p.data.values())), ...moments];
}

describe('Adam / AdamW wasm kernel', () => {
  it('equals the scalar loop bit for bit (float32, random lengths and hyper-parameters, 4 steps)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 23 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('AdamW', 'Adam'),
        fc.double({ min: 1e-4, max: 0.3, noNaN: true }),
        fc.constantFrom(0, 0.01, 0.3),
        fc.nat(10_000),
        (lengths, kind, lr, weightDecay, seed) => {
          const rng = new Rng(seed);
          const rand = (n: number) => Array.from({ length: n }, () => Math.fround(rng.uniform() * 4 - 2));
          const init = lengths.map(rand);
          const grads = [0, 1, 2, 3].map(() => lengths.map(rand));
          const opts = { lr, weightDecay, amsgrad: false };
          expect(run('wasm', kind, init, grads, opts, 'float32')).toEqual(
            run('js', kind, init, grads, opts, 'float32'),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('amsgrad and float64 parameters run the scalar loop on either tier (same results)', () => {
    const init = [[0.5, -1, 2, 0.25, 3]];
    const grads = [[[1, -1, 0.5, 2, -3]], [[0.1, 0.2, -0.3, 0.4, 0.5]]];
    const ams = { lr: 0.01, weightDecay: 0.01, amsgrad: true };
    expect(run('wasm', 'AdamW', init, grads, ams, 'float32')).toEqual(
      run('js', 'AdamW', init, grads, ams, 'float32'),
    );
    const plain = { lr: 0.01, weightDecay: 0.01, amsgrad: false };
    expect(run('wasm', 'AdamW', init, grads, plain, 'float64')).toEqual(
      run('js', 'AdamW', init, grads, plain, 'float64'),
    );
  });
});
