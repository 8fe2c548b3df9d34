import { tensor } from '@gqa-lab/autograd';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW, Parameter, SGD } from '../src/index';

function param(values: number[]): Parameter {
  return new Parameter(tensor(values, { dtype: 'float64' }).data);
}
function setGrad(p: Parameter, values: number[]): void {
  p.grad = tensor(values, { dtype: 'float64' });
}
function values(p: Parameter): number[] {
  return Array.from(p.data.values());
}

describe('AdamW by hand', () => {
  it('first two steps equal the written-out arithmetic (lr 0.1, betas 0.9/0.999, eps 1e-8, wd 0.01)', () => {
    const p = param([1, -2]);
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.01 });
    // Step 1, g = [0.5, -1].
    setGrad(p, [0.5, -1]);
    opt.step();
    // p <- p * (1 - 0.1 * 0.01) = p * 0.999 -> [0.999, -1.998]
    // m = 0.1 g = [0.05, -0.1];  v = 0.001 g^2 = [0.00025, 0.001]
    // mHat = m / (1 - 0.9) = [0.5, -1];  vHat = v / (1 - 0.999) = [0.25, 1]
    // p <- p - 0.1 * mHat / (sqrt(vHat) + 1e-8) = p - 0.1 * [0.5 / (0.5 + 1e-8), -1 / (1 + 1e-8)]
    const s1 = [0.999 - (0.1 * 0.5) / (0.5 + 1e-8), -1.998 + 0.1 / (1 + 1e-8)];
    expect(values(p)[0]).toBeCloseTo(s1[0], 14);
    expect(values(p)[1]).toBeCloseTo(s1[1], 14);
    // Step 2, g = [-0.25, 2].
    setGrad(p, [-0.25, 2]);
    opt.step();
    const decayed = s1.map((x) => x * 0.999);
    // m = 0.9 m + 0.1 g = [0.045 - 0.025, -0.09 + 0.2] = [0.02, 0.11]
    // v = 0.999 v + 0.001 g^2 = [0.999 * 0.00025 + 0.001 * 0.0625, 0.999 * 0.001 + 0.001 * 4]
    const m = [0.02, 0.11];
    const v = [0.999 * 0.00025 + 0.001 * 0.0625, 0.999 * 0.001 + 0.004];
    const bc1 = 1 - 0.9 ** 2; // 0.19
    const bc2 = 1 - 0.999 ** 2; // 0.001999
    const expected = decayed.map(
      (x, i) => x - (0.1 / bc1) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + 1e-8)),
    );
    expect(values(p)[0]).toBeCloseTo(expected[0], 14);
    expect(values(p)[1]).toBeCloseTo(expected[1], 14);
  });

  it('Adam adds weight decay to the gradient instead (coupled L2)', () => {
    const p = param([2]);
    const opt = new Adam([p], { lr: 0.01, weightDecay: 0.5 });
    setGrad(p, [1]);
    opt.step();
    // g' = 1 + 0.5 * 2 = 2; mHat = 2, vHat = 4 -> step = 0.01 * 2 / (2 + 1e-8)
    expect(values(p)[0]).toBeCloseTo(2 - (0.01 * 2) / (2 + 1e-8), 14);
  });

  it('amsgrad uses the running maximum of v', () => {
    const p = param([0]);
    const opt = new Adam([p], { lr: 1, betas: [0, 0.5], eps: 0, amsgrad: true });
    setGrad(p, [2]);
    opt.step(); // m = 2, v = 0.5 * 4 = 2, vmax = 2; p -= 1 * 2 / (sqrt(2) / sqrt(0.5)) = 2 / 2
    expect(values(p)[0]).toBeCloseTo(-1, 14);
    setGrad(p, [0.5]);
    opt.step(); // m = 0.5, v = 1 + 0.125 = 1.125 < vmax 2 -> denom sqrt(2) / sqrt(0.75)
    expect(values(p)[0]).toBeCloseTo(-1 - 0.5 / (Math.sqrt(2) / Math.sqrt(0.75)), 14);
  });
});

describe('SGD by hand', () => {
  it('plain SGD with L2 weight decay: p -= lr (g + wd p)', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, weightDecay: 0.2 });
    setGrad(p, [3]);
    opt.step();
    expect(values(p)[0]).toBeCloseTo(1 - 0.1 * (3 + 0.2), 15);
  });

  it('momentum 0.9 with dampening 0.1: buf = g, then 0.9 buf + 0.9 g', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1 });
    setGrad(p, [2]);
    opt.step(); // buf = 2 (first step takes d as is); p = 1 - 0.2 = 0.8
    expect(values(p)[0]).toBeCloseTo(0.8, 15);
    setGrad(p, [1]);
    opt.step(); // buf = 0.9 * 2 + 0.9 * 1 = 2.7; p = 0.8 - 0.27 = 0.53
    expect(values(p)[0]).toBeCloseTo(0.53, 15);
  });

  it('nesterov: p -= lr (g + momentum buf)', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5, nesterov: true });
    setGrad(p, [2]);
    opt.step(); // buf = 2; d = 2 + 0.5 * 2 = 3; p = 1 - 0.3 = 0.7
    expect(values(p)[0]).toBeCloseTo(0.7, 15);
    setGrad(p, [-1]);
    opt.step(); // buf = 0.5 * 2 - 1 = 0; d = -1 + 0 = -1; p = 0.7 + 0.1 = 0.8
    expect(values(p)[0]).toBeCloseTo(0.8, 15);
  });

  it('rejects nesterov without momentum, and negative lr, naming the optimizer', () => {
    expect(() => new SGD([param([1])], { lr: 0.1, nesterov: true })).toThrow(/SGD: nesterov/);
    expect(() => new SGD([param([1])], { lr: -1 })).toThrow(/SGD: lr/);
    expect(() => new AdamW([param([1])], { betas: [1, 0.9] })).toThrow(/AdamW: betas/);
  });

  it('skips parameters without gradients', () => {
    const p = param([1]);
    new SGD([p], { lr: 1 }).step();
    expect(values(p)).toEqual([1]);
  });
});
