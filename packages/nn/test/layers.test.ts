import { Tensor, tensor } from '@gqa-lab/autograd';
import { type NDArray, normal, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Conv2d, Dropout, Embedding, GELU, LayerNorm, MLP } from '../src/index';

/** Direct convolution with stride == kernel, in float64, as an independent reference. */
function naiveConv(x: NDArray, w: NDArray, b: NDArray | null, kh: number, kw: number): number[] {
  const [B, C, H, W] = x.shape;
  const O = w.shape[0];
  const gh = Math.floor(H / kh);
  const gw = Math.floor(W / kw);
  const out: number[] = [];
  for (let n = 0; n < B; n++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < gh; i++)
        for (let j = 0; j < gw; j++) {
          let acc = b ? b.get(o) : 0;
          for (let c = 0; c < C; c++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) acc += x.get(n, c, i * kh + u, j * kw + v) * w.get(o, c, u, v);
          out.push(acc);
        }
  return out;
}

describe('Conv2d (patch embedding)', () => {
  it('equals a direct convolution for random shapes (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          b: fc.integer({ min: 1, max: 2 }),
          c: fc.integer({ min: 1, max: 3 }),
          o: fc.integer({ min: 1, max: 4 }),
          kh: fc.integer({ min: 1, max: 3 }),
          kw: fc.integer({ min: 1, max: 3 }),
          gh: fc.integer({ min: 1, max: 3 }),
          gw: fc.integer({ min: 1, max: 3 }),
          extra: fc.integer({ min: 0, max: 1 }),
          seed: fc.integer(),
        }),
        ({ b, c, o, kh, kw, gh, gw, extra, seed }) => {
          const conv = new Conv2d(c, o, [kh, kw], { rng: new Rng(seed), dtype: 'float64' });
          const [h, w] = [gh * kh + extra, gw * kw + extra];
          const x = normal([b, c, h, w], 0, 1, new Rng(seed + 1), 'float64');
          const y = conv.forward(new Tensor(x));
          expect(y.shape).toEqual([b, o, Math.floor(h / kh), Math.floor(w / kw)]);
          const ref = naiveConv(x, conv.weight.data, conv.bias?.data ?? null, kh, kw);
          const got = Array.from(y.data.values());
          expect(got.length).toBe(ref.length);
          for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(ref[i], 10);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('stores the weight (out, in, kh, kw) and rejects other strides and bad inputs', () => {
    const conv = new Conv2d(3, 8, 4);
    expect(conv.weight.shape).toEqual([8, 3, 4, 4]);
    expect(() => new Conv2d(3, 8, 4, { stride: 2 })).toThrow(/Conv2d: only stride == kernelSize/);
    expect(() => conv.forward(tensor(new Float32Array(2 * 16), { shape: [1, 2, 4, 4] }))).toThrow(
      'Conv2d: input [1, 2, 4, 4] must be (B, 3, H, W)',
    );
  });
});

describe('Dropout', () => {
  it('keeps about 1 - p of the elements, scaled by 1 / (1 - p); identity in eval; seeded', () => {
    const x = tensor(new Float32Array(4000).fill(1), { shape: [4000] });
    const d = new Dropout(0.25, { rng: new Rng(5) });
    const y = Array.from(d.forward(x).data.values());
    const kept = y.filter((v) => v !== 0);
    expect(kept.length / y.length).toBeGreaterThan(0.72);
    expect(kept.length / y.length).toBeLessThan(0.78);
    for (const v of kept) expect(v).toBeCloseTo(1 / 0.75, 6);
    const again = Array.from(new Dropout(0.25, { rng: new Rng(5) }).forward(x).data.values());
    expect(again).toEqual(y);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(() => new Dropout(1)).toThrow(/Dropout: p must be in \[0, 1\)/);
  });
});

describe('other layers', () => {
  it('Embedding looks up rows and keeps the index shape', () => {
    const e = new Embedding(4, 3, { rng: new Rng(1) });
    const y = e.forward(tensor([[3, 0]], { dtype: 'int32' }));
    expect(y.shape).toEqual([1, 2, 3]);
    expect(Array.from(y.data.values())).toEqual([
      ...e.weight.data.values().slice(9, 12),
      ...e.weight.data.values().slice(0, 3),
    ]);
    expect(() => e.forward([4])).toThrow('Embedding: index 4 at 0 is out of range for 4 rows');
  });

  it('LayerNorm normalises the last dim (mean 0, var 1 before the affine) and checks the shape', () => {
    const ln = new LayerNorm(6, { dtype: 'float64' });
    const x = new Tensor(normal([3, 6], 2, 5, new Rng(2), 'float64'));
    const y = ln.forward(x).data;
    for (let r = 0; r < 3; r++) {
      const row = Array.from({ length: 6 }, (_, i) => y.get(r, i));
      const mean = row.reduce((a, b) => a + b) / 6;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 6;
      expect(mean).toBeCloseTo(0, 10);
      expect(variance).toBeCloseTo(1, 4);
    }
    expect(() => ln.forward(tensor([[1, 2]]))).toThrow(
      'LayerNorm: input [1, 2] does not end in normalizedShape 6',
    );
  });

  it('GELU matches the erf formula and the tanh approximation', () => {
    const x = tensor([-2, -0.5, 0, 1, 3], { dtype: 'float64' });
    const exact = Array.from(new GELU().forward(x).data.values());
    const approx = Array.from(new GELU('tanh').forward(x).data.values());
    // reference values from torch.nn.functional.gelu
    const ref = [-0.0455002638963584, -0.1542687665939502, 0, 0.841344746068543, 2.99595027510072];
    for (let i = 0; i < ref.length; i++) {
      expect(exact[i]).toBeCloseTo(ref[i], 6);
      expect(approx[i]).toBeCloseTo(ref[i], 2);
    }
  });

  it('MLP uses timm names and shapes', () => {
    const m = new MLP(4, { hiddenFeatures: 16, outFeatures: 2 });
    expect([...m.stateDict().keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(m.forward(tensor(new Float32Array(12), { shape: [3, 4] })).shape).toEqual([3, 2]);
  });
});
