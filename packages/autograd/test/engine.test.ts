/** The backward engine: graph shapes, accumulation, modes, deep chains, higher order, hooks, anomalies. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index';

const scalar = (v: number) => T.tensor(v, { dtype: 'float64', requiresGrad: true });
/** The gradient as a number (read through a function so TypeScript does not narrow `grad` after `= null`). */
const gradOf = (t: T.Tensor): number | undefined => t.grad?.item();

describe('backward', () => {
  it("reproduces micrograd's README expression and its gradients", () => {
    // From karpathy/micrograd README: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773.
    const a = scalar(-4);
    const b = scalar(2);
    let c = T.add(a, b);
    let d = T.add(T.mul(a, b), T.pow(b, 3));
    c = T.add(c, T.add(c, 1));
    c = T.add(c, T.add(T.add(1, c), T.neg(a)));
    d = T.add(d, T.add(T.mul(d, 2), T.relu(T.add(b, a))));
    d = T.add(d, T.add(T.mul(3, d), T.relu(T.sub(b, a))));
    const e = T.sub(c, d);
    const f = T.pow(e, 2);
    let g = T.div(f, 2);
    g = T.add(g, T.div(10, f));
    g.backward();
    expect(g.item()).toBeCloseTo(24.7041, 4);
    expect(a.grad?.item()).toBeCloseTo(138.8338, 4);
    expect(b.grad?.item()).toBeCloseTo(645.5773, 4);
  });

  it('sums the gradients of a reused node (a + a) and of a diamond', () => {
    const a = scalar(3);
    T.add(a, a).backward();
    expect(a.grad?.item()).toBe(2);
    const x = scalar(2);
    const left = T.mul(x, 3);
    const right = T.square(x);
    T.mul(left, right).backward(); // 3x^3 -> 9x^2 = 36
    expect(x.grad?.item()).toBeCloseTo(36, 12);
  });

  it('accumulates into .grad across backward calls until zeroed', () => {
    const x = scalar(5);
    T.mul(x, 2).backward();
    T.mul(x, 3).backward();
    expect(x.grad?.item()).toBe(5);
    x.grad = null;
    T.mul(x, 4).backward();
    expect(gradOf(x)).toBe(4);
  });

  it('handles a chain of 10,000 ops without overflowing the stack', () => {
    const x = scalar(1);
    let y = x;
    for (let i = 0; i < 10_000; i++) y = T.add(y, 1e-4);
    y.backward();
    expect(x.grad?.item()).toBe(1);
    expect(y.item()).toBeCloseTo(2, 9);
  });

  it('sends broadcast gradients back summed over the broadcast dims', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (m, n) => {
        const row = T.ones([1, n], { dtype: 'float64', requiresGrad: true });
        const col = T.ones([m, 1], { dtype: 'float64', requiresGrad: true });
        T.sum(T.mul(row, col)).backward();
        expect(row.grad?.toArray()).toEqual([Array(n).fill(m)]);
        expect(col.grad?.toArray()).toEqual(Array.from({ length: m }, () => [n]));
      }),
    );
  });

  it('records nothing under noGrad and cuts the graph at detach', () => {
    const x = scalar(2);
    const y = T.noGrad(() => T.mul(x, x));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    const z = T.mul(T.mul(x, 3).detach(), x);
    z.backward();
    expect(x.grad?.item()).toBe(6);
  });

  it('frees the graph after backward unless retainGraph, with a clear error on a second pass', () => {
    const x = scalar(2);
    const y = T.exp(T.mul(x, x));
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad?.item()).toBeCloseTo(2 * 4 * Math.exp(4), 9);
    expect(() => y.backward()).toThrow(/graph through '(exp|mul)' was freed .* retainGraph: true/);
  });

  it('computes second derivatives with createGraph (d2/dx2 x^3 = 6x, through tanh too)', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 2, noNaN: true }), (v) => {
        const x = scalar(v);
        const [dx] = T.grad(T.pow(x, 3), [x], { createGraph: true });
        const [ddx] = T.grad(dx, [x]);
        expect(ddx.item()).toBeCloseTo(6 * v, 9);
        const t = scalar(v);
        const [dt] = T.grad(T.tanh(t), [t], { createGraph: true });
        const [ddt] = T.grad(dt, [t]);
        const th = Math.tanh(v);
        expect(ddt.item()).toBeCloseTo(-2 * th * (1 - th * th), 9);
      }),
      { numRuns: 30 },
    );
  });

  it('second derivatives through softmax and layerNorm match finite differences of the first', () => {
    const x = T.tensor([[0.3, -1.2, 0.8, 0.1]], { dtype: 'float64', requiresGrad: true });
    const w = T.tensor([1.5, -0.5, 0.7, 2], { dtype: 'float64' });
    for (const f of [(t: T.Tensor) => T.softmax(t), (t: T.Tensor) => T.layerNorm(t, null, null, 1e-5)]) {
      const firstGrad = (t: T.Tensor) =>
        T.grad(T.sum(T.mul(T.square(f(t)), w)), [t], { createGraph: true })[0];
      const r = T.gradcheck(firstGrad, [x], { atol: 1e-5, rtol: 1e-4 });
      expect(r.message).toBe('');
    }
  });

  it('T.grad leaves every .grad untouched', () => {
    const x = scalar(3);
    const other = scalar(4);
    const [g] = T.grad(T.mul(x, other), [x]);
    expect(g.item()).toBe(4);
    expect(x.grad).toBeNull();
    expect(other.grad).toBeNull();
  });

  it('runs hooks on gradients and removes them by handle', () => {
    const x = scalar(1);
    const y = T.mul(x, 2);
    const seen: number[] = [];
    const h = y.registerHook((g) => {
      seen.push(g.item());
      return T.mul(g, 10);
    });
    T.mul(y, 3).backward(undefined, { retainGraph: true });
    expect(seen).toEqual([3]);
    expect(x.grad?.item()).toBe(60);
    h.remove();
    x.grad = null;
    T.mul(y, 3).backward();
    expect(gradOf(x)).toBe(6);
  });

  it('retainGrad keeps the gradient of an intermediate tensor', () => {
    const x = scalar(2);
    const y = T.mul(x, x).retainGrad();
    T.mul(y, 5).backward();
    expect(y.grad?.item()).toBe(5);
  });

  it('rejects a non-scalar root without an explicit gradient, and a mis-shaped gradient', () => {
    const x = T.ones([2], { requiresGrad: true });
    const y = T.mul(x, 2);
    expect(() => y.backward()).toThrow(
      'backward: output of shape [2] is not a scalar; pass the gradient explicitly',
    );
    expect(() => y.backward(T.ones([3]))).toThrow('backward: gradient shape [3] does not match output [2]');
    expect(() => T.ones([1]).backward()).toThrow(/does not require grad/);
  });

  it('splits the gradient evenly at ties of maximum and of max', () => {
    const a = scalar(1);
    const b = scalar(1);
    T.maximum(a, b).backward();
    expect([a.grad?.item(), b.grad?.item()]).toEqual([0.5, 0.5]);
    const v = T.tensor([2, 5, 5, 1], { dtype: 'float64', requiresGrad: true });
    T.max(v).backward();
    expect(v.grad?.toArray()).toEqual([0, 0.5, 0.5, 0]);
  });
});

describe('anomaly mode', () => {
  it('names the first op whose forward produced NaN or Inf, with shapes', () => {
    const x = T.tensor([1, -1], { requiresGrad: true });
    expect(() => T.detectAnomaly(() => T.log(T.sub(x, 1)))).toThrow(
      /^anomaly: log forward produced -Infinity at flat index 0 of output \[2\] \(inputs \[2\]\)$/,
    );
    expect(T.log(T.sub(x, 1)).data.values()[0]).toBe(Number.NEGATIVE_INFINITY); // off: no check
  });

  it('names the op whose backward produced a non-finite gradient', () => {
    const x = T.tensor([0], { requiresGrad: true });
    const y = T.sum(T.sqrt(x)); // forward finite (0), backward 1 / (2 * 0) = Inf
    expect(() => T.detectAnomaly(() => y.backward())).toThrow(/^anomaly: sqrt backward produced Infinity/);
  });
});

describe('cast', () => {
  it('sends the gradient back in the input dtype', () => {
    const x = T.tensor([1.5, -2], { dtype: 'float32', requiresGrad: true });
    const y = T.cast(x, 'float64');
    expect(y.dtype).toBe('float64');
    T.sum(T.mul(y, 3)).backward();
    expect(x.grad?.dtype).toBe('float32');
    expect(x.grad?.toArray()).toEqual([3, 3]);
  });
});
