import { grad, gradcheck, mul, noGrad, sum, type Tensor } from '@gqa-lab/autograd';
import { Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costTable, variantCost } from '../src/accounting';
import { GroupedQueryAttention } from '../src/grouped-attention';
import { DynamicPolicy } from '../src/policies/dynamic';
import { KeyNormPolicy } from '../src/policies/key-norm';
import { WeightedGroupedQueryAttention } from '../src/policies/learned';
import { PerturbedPolicy } from '../src/policies/perturbed';
import type { HeadPolicy } from '../src/policies/policy';
import { TelemetryRecorder } from '../src/telemetry';
import { maxAbsDiff, randn64 } from './helpers';

const C = 8;
const H = 4;
const layer = (G: number, policy?: HeadPolicy, seed = 1) =>
  new GroupedQueryAttention({
    dim: C,
    numHeads: H,
    numKvHeads: G,
    policy,
    rng: new Rng(seed),
    dtype: 'float64',
  });

describe('GroupedQueryAttention', () => {
  it("an MHA layer's state dict has exactly timm's keys and shapes, and round-trips", () => {
    const mha = layer(H);
    const sd = mha.stateDict('blocks.0.attn');
    expect([...sd.keys()].sort()).toEqual(
      [
        'blocks.0.attn.proj.bias',
        'blocks.0.attn.proj.weight',
        'blocks.0.attn.qkv.bias',
        'blocks.0.attn.qkv.weight',
      ].sort(),
    );
    expect(sd.get('blocks.0.attn.qkv.weight')?.shape).toEqual([3 * C, C]);
    // Rows [Q | K | V]: the K rows of the fused weight are k.weight.
    expect(
      maxAbsDiff(
        sd.get('blocks.0.attn.qkv.weight')?.slice([{ start: C, stop: 2 * C }]) ?? mha.q.weight.data,
        mha.k.weight.data,
      ),
    ).toBe(0);
    const other = layer(H, undefined, 99);
    other.loadStateDict(mha.stateDict());
    const x = randn64([2, 3, C], 5, false);
    expect(maxAbsDiff(other.forward(x), mha.forward(x))).toBe(0);
  });

  it('reports a mis-shaped fused qkv (grouped layer loading an MHA checkpoint)', () => {
    expect(() => layer(2).loadStateDict(layer(H).stateDict())).toThrow(
      /qkv.weight \(expected \[16, 8\], got \[24, 8\]\)/,
    );
  });

  it('saves and restores the DGQA cache and (corrected) allocation', () => {
    const a = layer(2, new DynamicPolicy({ kind: 'diff', window: 1 }));
    a.forward(randn64([2, 3, C], 3, false), { step: 0 });
    const sd = a.stateDict();
    expect([...sd.keys()].filter((k) => !k.startsWith('q')).sort()).toEqual([
      'allocation',
      'cache',
      'proj.bias',
      'proj.weight',
      'steps_seen',
    ]);
    const b = layer(2, new DynamicPolicy({ kind: 'diff', window: 1 }), 7);
    b.loadStateDict(sd);
    b.eval();
    a.eval();
    const x = randn64([1, 3, C], 4, false);
    expect(maxAbsDiff(b.forward(x), a.forward(x))).toBe(0);
    expect(b.lastAllocation).toEqual(a.lastAllocation);
  });

  it('corrected DGQA freezes the training allocation in eval; reference recomputes it per batch', () => {
    fc.assert(
      fc.property(fc.nat(100), (seed) => {
        const corrected = layer(2, new DynamicPolicy({ kind: 'ema' }), seed);
        corrected.forward(randn64([2, 3, C], seed, false), { step: 0 });
        const frozen = corrected.lastAllocation;
        corrected.eval();
        corrected.forward(randn64([2, 3, C], seed + 1, false));
        expect(corrected.lastAllocation).toEqual(frozen);
      }),
      { numRuns: 10 },
    );
    const ref = layer(2, new DynamicPolicy({ kind: 'diff', fidelity: 'reference', rng: new Rng(0) }));
    expect(() => ref.forward(randn64([1, 3, C], 1, false))).toThrow(/needs opts.step/);
    ref.eval();
    const x = randn64([1, 3, C], 1, false);
    ref.forward(x);
    expect(() => ref.forward(x)).toThrow(/not finite/); // same batch twice: sum |c - m| = 0, NaN in the original
  });

  it('corrected per-sample KDGQA gives a sample the same output alone or in a batch', () => {
    const x1 = randn64([1, 3, C], 11, false);
    const x2 = randn64([1, 3, C], 12, false);
    const both = randn64([2, 3, C], 0, false);
    both.data.data.set(x1.data.values(), 0);
    both.data.data.set(x2.data.values(), 3 * C);
    const perSample = layer(2, new KeyNormPolicy({ perSample: true }));
    const alone = noGrad(() => perSample.forward(x1)).data.values();
    const batched = noGrad(() => perSample.forward(both)).data.values();
    let worst = 0;
    for (let i = 0; i < 3 * C; i++) worst = Math.max(worst, Math.abs(alone[i] - batched[i]));
    expect(worst).toBeLessThan(1e-12);
    expect(Array.isArray(perSample.lastAllocation)).toBe(true);
  });

  it('corrected PGQA is the identity in eval; reference perturbs in eval too', () => {
    const x = randn64([2, 3, C], 2, false);
    const plain = layer(2).eval();
    const corrected = layer(2, new PerturbedPolicy({ rng: new Rng(3) })).eval();
    const reference = layer(2, new PerturbedPolicy({ fidelity: 'reference', rng: new Rng(3) })).eval();
    expect(maxAbsDiff(corrected.forward(x), plain.forward(x))).toBe(0);
    expect(maxAbsDiff(reference.forward(x), plain.forward(x))).toBeGreaterThan(1e-3);
  });

  it('WGQA folds into a plain GQA layer computing the same function', () => {
    const w = new WeightedGroupedQueryAttention({
      dim: C,
      numHeads: H,
      numKvHeads: 2,
      rng: new Rng(4),
      dtype: 'float64',
    });
    w.kHeadWeight.data.data.set([0.2, 0.9, 0.4, 0.7]);
    w.vHeadWeight.data.data.set([1.1, -0.3, 0.5, 0.5]);
    const folded = w.fold();
    expect(folded).not.toBeInstanceOf(WeightedGroupedQueryAttention);
    expect(folded.k.weight.shape).toEqual([4, C]);
    const x = randn64([2, 3, C], 8, false);
    expect(maxAbsDiff(folded.forward(x), w.forward(x))).toBeLessThan(1e-12);
    expect(w.stateDict().get('qkv.weight')?.shape).toEqual([3 * C, C]);
  });

  it('records norms and allocations only when a recorder is attached', () => {
    const l = layer(2, new KeyNormPolicy());
    const x = randn64([2, 3, C], 6, false);
    l.forward(x, { step: 0 });
    const rec = new TelemetryRecorder();
    l.telemetry = { recorder: rec, layer: 'blocks.3.attn' };
    l.forward(x, { step: 5 });
    expect(rec.records.length).toBe(1);
    const r = rec.forLayer('blocks.3.attn')[0];
    expect(r.step).toBe(5);
    expect(r.allocation.reduce((a, b) => a + b, 0)).toBe(H);
    expect(r.keyNorms.length).toBe(2);
    expect(rec.toJSON()[0].allocation).toEqual(Array.from(r.allocation));
  });

  const variants: [string, () => GroupedQueryAttention][] = [
    ['mha', () => layer(H)],
    ['gqa', () => layer(2)],
    ['mqa', () => layer(1)],
    ['kdgqa reference', () => layer(2, new KeyNormPolicy({ fidelity: 'reference' }))],
    ['kdgqa corrected per-sample', () => layer(2, new KeyNormPolicy({ perSample: true }))],
    [
      'dgqa diff reference',
      () => layer(2, new DynamicPolicy({ kind: 'diff', window: 2, fidelity: 'reference', rng: new Rng(1) })),
    ],
    ['dgqa ema corrected', () => layer(2, new DynamicPolicy({ kind: 'ema', window: 2 }))],
    ['pgqa reference', () => layer(2, new PerturbedPolicy({ fidelity: 'reference', noise: fixedNoise }))],
    ['pgqa corrected', () => layer(2, new PerturbedPolicy({ scale: 0.5, noise: fixedNoise }))],
    [
      'wgqa',
      () =>
        new WeightedGroupedQueryAttention({
          dim: C,
          numHeads: H,
          numKvHeads: 2,
          rng: new Rng(2),
          dtype: 'float64',
        }),
    ],
  ];
  for (const [name, make] of variants) {
    it(`passes a float64 gradient check (input and every parameter): ${name}`, () => {
      const l = make();
      // DGQA: one window step first, then step 1 (inside the window) keeps the allocation frozen while
      // the finite differences evaluate the layer many times.
      if (l.policy instanceof DynamicPolicy) l.forward(randn64([2, 3, C], 22, false), { step: 0 });
      const x = randn64([2, 3, C], 21);
      const check = gradcheck((xi) => l.forward(xi, { step: 1 }), [x], { atol: 1e-7, rtol: 1e-5 });
      expect(check.message).toBe('');
      const worst = parameterGradientError(l, x, (xi) => l.forward(xi, { step: 1 }));
      expect(worst.message).toBe('');
    });
  }
});

/** Central differences on every parameter element in place, against grad(); returns the first mismatch. */
function parameterGradientError(
  l: GroupedQueryAttention,
  x: Tensor,
  run: (x: Tensor) => Tensor,
): { message: string } {
  const w = randn64([2, 3, C], 77, false);
  const params = l.parameters();
  const loss = (xi: Tensor) => sum(mul(run(xi), w));
  const analytic = grad(loss(x), params);
  const eps = 1e-6;
  for (const [k, p] of params.entries()) {
    const g = analytic[k].data.values();
    const buf = p.data.data;
    for (let i = 0; i < buf.length; i++) {
      const orig = buf[i];
      buf[i] = orig + eps;
      const plus = noGrad(() => loss(x).item());
      buf[i] = orig - eps;
      const minus = noGrad(() => loss(x).item());
      buf[i] = orig;
      const numeric = (plus - minus) / (2 * eps);
      if (!(Math.abs(numeric - g[i]) <= 1e-7 + 1e-5 * Math.abs(numeric))) {
        return { message: `parameter ${k} ${p.shape} element ${i}: analytic ${g[i]} vs numeric ${numeric}` };
      }
    }
  }
  return { message: '' };
}

function fixedNoise(g: number, rows: number, cols: number): Float64Array {
  return Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(1 + g * 7 + i * 0.37));
}

describe('accounting', () => {
  it('matches the layers parameter counts and caches 2·G·d values per token', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 4), (G) => {
        const shape = { dim: C, numHeads: H, numKvHeads: G };
        expect(variantCost('gqa', shape).parameters).toBe(layer(G).numParameters());
        expect(variantCost('gqa', shape).kvBytesPerToken).toBe(2 * G * (C / H) * 4);
      }),
    );
    const wgqa = new WeightedGroupedQueryAttention({ dim: C, numHeads: H, numKvHeads: 2, dtype: 'float64' });
    expect(variantCost('wgqa-training', { dim: C, numHeads: H, numKvHeads: 2 }).parameters).toBe(
      wgqa.numParameters(),
    );
    expect(variantCost('wgqa-folded', { dim: C, numHeads: H, numKvHeads: 2 }).parameters).toBe(
      wgqa.fold().numParameters(),
    );
    const table = costTable({ dim: C, numHeads: H, numKvHeads: 2 });
    expect(table.find((r) => r.variant === 'mha')?.kvHeads).toBe(H);
    expect(table.find((r) => r.variant === 'mqa')?.kvHeads).toBe(1);
  });
});
