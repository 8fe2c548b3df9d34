import { argmax, crossEntropy, noGrad, type Tensor, tensor } from '@gqa-lab/autograd';
import { Rng } from '@gqa-lab/tensor';
import { describe, expect, it } from 'vitest';
import {
  AdamW,
  Linear,
  MLP,
  type Module,
  ReLU,
  Sequential,
  SGD,
  Tanh,
  warmupCosineSchedule,
} from '../src/index';

function accuracy(model: Module & { forward(x: Tensor): Tensor }, x: Tensor, y: number[]): number {
  const pred = noGrad(() => argmax(model.forward(x), 1)).data.values();
  return y.filter((t, i) => pred[i] === t).length / y.length;
}

/** Two interleaving half circles with Gaussian noise (sklearn's make_moons), seeded. */
function twoMoons(n: number, noise: number, rng: Rng): { x: Tensor; y: number[] } {
  const xs = new Float32Array(2 * n);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = Math.PI * rng.next();
    const [px, py] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    xs[2 * i] = px + noise * rng.normal();
    xs[2 * i + 1] = py + noise * rng.normal();
    y.push(label);
  }
  return { x: tensor(xs, { shape: [n, 2] }), y };
}

describe('learning smoke tests (on top of the gradient checks)', () => {
  it('an MLP fits XOR with SGD + momentum', () => {
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = [0, 1, 1, 0];
    const rng = new Rng(0);
    const model = new Sequential(new Linear(2, 8, { rng }), new Tanh(), new Linear(8, 2, { rng }));
    const opt = new SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });
    let loss = Number.POSITIVE_INFINITY;
    for (let step = 0; step < 300; step++) {
      opt.zeroGrad();
      const l = crossEntropy(model.forward(x), y);
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
    expect(accuracy(model, x, y)).toBe(1);
  });

  it('an MLP (timm names, GELU) fits two moons with AdamW and a warmup-cosine schedule', () => {
    const data = twoMoons(200, 0.1, new Rng(1));
    const test = twoMoons(200, 0.1, new Rng(2));
    const model = new MLP(2, { hiddenFeatures: 32, outFeatures: 2, rng: new Rng(3) });
    const steps = 200;
    const opt = new AdamW(model.parameters(), { lr: 0.02, weightDecay: 1e-4 });
    const schedule = warmupCosineSchedule({ lr: 0.02, warmupSteps: 10, totalSteps: steps });
    const before = accuracy(model, test.x, test.y);
    for (let step = 0; step < steps; step++) {
      opt.zeroGrad();
      crossEntropy(model.forward(data.x), data.y).backward();
      opt.setLr(schedule(step));
      opt.step();
    }
    expect(before).toBeLessThan(0.9);
    expect(accuracy(model, test.x, test.y)).toBeGreaterThan(0.97);
  });

  it('a ReLU net trained twice from the same seed is bit-identical', () => {
    const run = () => {
      const rng = new Rng(9);
      const model = new Sequential(new Linear(2, 6, { rng }), new ReLU(), new Linear(6, 2, { rng }));
      const opt = new AdamW(model.parameters(), { lr: 0.05 });
      const data = twoMoons(32, 0.2, new Rng(4));
      for (let i = 0; i < 20; i++) {
        opt.zeroGrad();
        crossEntropy(model.forward(data.x), data.y).backward();
        opt.step();
      }
      return model.parameters().map((p) => Array.from(p.data.values()));
    };
    expect(run()).toEqual(run());
  });
});
