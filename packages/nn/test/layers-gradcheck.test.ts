import { gradcheck, mul, noGrad, sum, type Tensor, tensor } from '@gqa-lab/autograd';
import { normal, Rng } from '@gqa-lab/tensor';
import { describe, expect, it } from 'vitest';
import {
  Conv2d,
  Embedding,
  GELU,
  Identity,
  LayerNorm,
  Linear,
  MLP,
  type Module,
  ReLU,
  Sequential,
} from '../src/index';

/**
 * Checks d(sum(fn(x) * w))/d(x, params) by float64 central differences. gradcheck covers the input;
 * the parameters are checked here by perturbing their storage in place, since gradcheck's leaves are
 * fresh tensors that a module's fields cannot point at.
 */
function checkModule(module: Module, x: Tensor | null, fn: (x: Tensor | null) => Tensor): void {
  if (x) {
    const res = gradcheck((t: Tensor) => fn(t), [x]);
    expect(res.message).toBe('');
    expect(res.ok).toBe(true);
  }
  const out = noGrad(() => fn(x));
  const wRng = new Rng(123);
  const w = tensor(
    Float64Array.from({ length: out.size }, () => wRng.uniform(0.5, 1.5) * (wRng.next() < 0.5 ? -1 : 1)),
    { shape: [...out.shape], dtype: 'float64' },
  );
  const objective = () => sum(mul(fn(x), w));
  module.zeroGrad();
  objective().backward();
  const params = module.parameters();
  const eps = 1e-6;
  for (const p of params) {
    const g = p.grad?.data.values();
    if (!g) throw new Error(`no gradient for a parameter of shape [${p.shape}]`);
    const v = p.data.data;
    for (let i = 0; i < v.length; i++) {
      const orig = v[i];
      v[i] = orig + eps;
      const plus = noGrad(() => objective().item());
      v[i] = orig - eps;
      const minus = noGrad(() => objective().item());
      v[i] = orig;
      const numeric = (plus - minus) / (2 * eps);
      expect(Math.abs(g[i] - numeric)).toBeLessThanOrEqual(1e-5 + 1e-3 * Math.abs(numeric));
    }
  }
}

function randX(shape: number[], seed: number): Tensor {
  return tensor(normal(shape, 0, 1, new Rng(seed), 'float64').data, {
    shape,
    dtype: 'float64',
    requiresGrad: true,
  });
}

const dtype = 'float64' as const;

describe('layer gradients (float64 gradcheck)', () => {
  it('Linear with and without bias', () => {
    for (const bias of [true, false]) {
      const m = new Linear(3, 2, { rng: new Rng(1), dtype, bias });
      checkModule(m, randX([4, 3], 2), (x) => m.forward(x as Tensor));
    }
  });

  it('LayerNorm (affine, no bias, no affine)', () => {
    const variants = [
      new LayerNorm(5, { dtype }),
      new LayerNorm(5, { dtype, bias: false }),
      new LayerNorm(5, { dtype, elementwiseAffine: false }),
    ];
    for (const m of variants) {
      for (const p of m.parameters()) for (let i = 0; i < p.size; i++) p.data.data[i] += 0.1 * (i + 1);
      checkModule(m, randX([2, 3, 5], 3), (x) => m.forward(x as Tensor));
    }
  });

  it('GELU exact and tanh', () => {
    for (const approx of ['none', 'tanh'] as const) {
      const m = new GELU(approx);
      checkModule(m, randX([3, 4], 4), (x) => m.forward(x as Tensor));
    }
  });

  it('MLP (fc1, GELU, fc2)', () => {
    const m = new MLP(3, { hiddenFeatures: 5, outFeatures: 2, rng: new Rng(5), dtype });
    checkModule(m, randX([2, 3], 6), (x) => m.forward(x as Tensor));
  });

  it('Sequential of Linear, ReLU, Linear, Identity', () => {
    const rng = new Rng(7);
    const m = new Sequential(
      new Linear(3, 4, { rng, dtype }),
      new ReLU(),
      new Linear(4, 2, { rng, dtype }),
      new Identity(),
    );
    checkModule(m, randX([2, 3], 8), (x) => m.forward(x as Tensor));
  });

  it('Embedding (gradient scattered into the used rows, repeated index)', () => {
    const m = new Embedding(5, 3, { rng: new Rng(9), dtype });
    checkModule(m, null, () =>
      m.forward(
        tensor(
          [
            [0, 2],
            [2, 4],
          ],
          { dtype: 'int32' },
        ),
      ),
    );
  });

  it('Conv2d patch embedding, including a cropped border', () => {
    const m = new Conv2d(2, 3, [2, 3], { rng: new Rng(10), dtype });
    checkModule(m, randX([2, 2, 5, 6], 11), (x) => m.forward(x as Tensor));
  });
});
