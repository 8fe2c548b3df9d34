/**
 * The wasm-tier wrappers split long operands into chunks of about CHUNK floats (so the arena, which never
 * shrinks, stays small): operands several chunks long, with lengths that do not divide evenly, give the
 * scalar kernels' results bit for bit (sums over trailing axes: within float64 rounding, one float32 ulp).
 */
import { describe, expect, it } from 'vitest';
import { binaryKernel } from '../src/cpu/binary';
import { layerNormBackwardKernel, layerNormKernel } from '../src/cpu/layer-norm';
import { reduceKernel } from '../src/cpu/reduce';
import { unaryKernel } from '../src/cpu/unary';
import { fromArray, type NDArray, Rng } from '../src/index';
import { type AdamScalars, adamUpdateWasm } from '../src/wasm/adam';
import { binaryWasm, unaryWasm } from '../src/wasm/elementwise';
import { layerNormBackwardWasm, layerNormWasm } from '../src/wasm/layer-norm';
import { CHUNK } from '../src/wasm/operands';
import { reduceWasm } from '../src/wasm/reduce';

const rng = new Rng(7);
function randomArray(shape: readonly number[]): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  return fromArray(
    Float32Array.from({ length: n }, () => rng.uniform() * 4 - 2),
    shape,
  );
}
/** The first index where two arrays differ (NaN equal to NaN), or null: a short message on failure. */
function firstDifference(got: ArrayLike<number>, want: ArrayLike<number>): [number, number, number] | null {
  if (got.length !== want.length) return [-1, got.length, want.length];
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) return [i, got[i], want[i]];
  return null;
}
function expectSame(got: NDArray | null, want: NDArray): void {
  expect(got).not.toBeNull();
  expect(got?.shape).toEqual(want.shape);
  expect(firstDifference(got?.values() ?? [], want.values())).toBeNull();
}

describe('wasm tier in chunks', () => {
  const shape = [601, 523]; // 314,323 floats
  it('the inputs here span more than one chunk', () => {
    expect(601 * 523).toBeGreaterThan(CHUNK);
  });

  it('binary ops: same shape, a row broadcast, two repeated blocks, a repeated block longer than a chunk', () => {
    const a = randomArray(shape);
    const b = randomArray(shape);
    const row = randomArray([523]).reshape([1, 523]).expand(shape);
    expectSame(binaryWasm('sub', a, b), binaryKernel('sub', a, b));
    expectSame(binaryWasm('div', row, a), binaryKernel('div', row, a));
    const big = [3, 700, 200];
    const table = randomArray([1, 700, 200]).expand(big);
    const bias = randomArray([200]).reshape([1, 1, 200]).expand(big);
    expectSame(binaryWasm('add', table, bias), binaryKernel('add', table, bias));
    const long = [2, 300_000];
    const block = randomArray([1, 300_000]).expand(long);
    const full = randomArray(long);
    expectSame(binaryWasm('mul', full, block), binaryKernel('mul', full, block));
  });

  it('unary ops', () => {
    const a = randomArray(shape);
    expectSame(unaryWasm('sqrt', a), unaryKernel('sqrt', a));
  });

  it('layer norm forward and backward (dweight / dbias summed across chunks in row order)', () => {
    const x = randomArray([5003, 61]);
    const w = randomArray([61]);
    const b = randomArray([61]);
    const dy = randomArray([5003, 61]);
    const want = layerNormKernel(x, w, b, 1e-5);
    const got = layerNormWasm(x, w, b, 1e-5);
    expectSame(got?.out ?? null, want.out);
    expectSame(got?.mean ?? null, want.mean);
    expectSame(got?.rstd ?? null, want.rstd);
    const gWant = layerNormBackwardKernel(dy, x, w, want.mean, want.rstd, true);
    const gGot = layerNormBackwardWasm(dy, x, w, want.mean, want.rstd, true);
    expectSame(gGot?.dx ?? null, gWant.dx);
    expectSame(gGot?.dweight ?? null, gWant.dweight as NDArray);
    expectSame(gGot?.dbias ?? null, gWant.dbias as NDArray);
  });

  it('sums over leading axes (rows in chunks of a multiple of 4), and over trailing axes', () => {
    const x = randomArray([5003, 61]);
    expectSame(reduceWasm('sum', x, [0], false), reduceKernel('sum', x, [0], false));
    const wide = randomArray([9, 40_001]);
    expectSame(reduceWasm('mean', wide, [0], false), reduceKernel('mean', wide, [0], false));
    const t = randomArray([61, 5003]);
    const got = reduceWasm('sum', t, [1], false)?.values() ?? [];
    const want = reduceKernel('sum', t, [1], false).values();
    expect(got.length).toBe(61);
    for (let i = 0; i < 61; i++)
      expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(2 ** -23 * Math.abs(want[i]) + 1e-9);
  });

  it('the Adam update', () => {
    const n = 300_001;
    const rand = () => Float32Array.from({ length: n }, () => rng.uniform() * 4 - 2);
    const [p, g] = [rand(), rand()];
    const [m, v] = [new Float32Array(n), new Float32Array(n)];
    const s: AdamScalars = {
      decay: 'decoupled',
      shrink: 1 - 1e-3 * 0.05,
      weightDecay: 0.05,
      beta1: 0.9,
      beta2: 0.999,
      stepSize: 1e-3 / 0.1,
      bc2Sqrt: Math.sqrt(0.001),
      eps: 1e-8,
    };
    const [p2, m2, v2] = [p.slice(), m.slice(), v.slice()];
    adamUpdateWasm(p, g, m, v, s);
    for (let i = 0; i < n; i++) {
      p2[i] *= s.shrink;
      m2[i] += (1 - s.beta1) * (g[i] - m2[i]);
      v2[i] = s.beta2 * v2[i] + (1 - s.beta2) * g[i] * g[i];
      p2[i] -= (s.stepSize * m2[i]) / (Math.sqrt(v2[i]) / s.bc2Sqrt + s.eps);
    }
    expect(firstDifference(p, p2)).toBeNull();
    expect(firstDifference(m, m2)).toBeNull();
    expect(firstDifference(v, v2)).toBeNull();
  });
});
