/**
 * The Adam / AdamW kernel against the scalar update written out in float64 with float32 stores (the loop
 * of packages/nn/src/optim/adam.ts), bit for bit, for any length and each weight-decay mode.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdamScalars, adamUpdateWasm, Rng } from '../src/index';
import { emitAdam } from '../src/wasm/adam-kernel';
import { buildModule } from '../src/wasm/module-builder';

/** The scalar optimizer's loop (float32 arrays: every store rounds). */
function scalarAdam(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  s: AdamScalars,
): void {
  for (let i = 0; i < p.length; i++) {
    let gi = g[i];
    if (s.decay === 'decoupled') p[i] *= s.shrink;
    else if (s.decay === 'coupled') gi += s.weightDecay * p[i];
    m[i] += (1 - s.beta1) * (gi - m[i]);
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * gi * gi;
    p[i] -= (s.stepSize * m[i]) / (Math.sqrt(v[i]) / s.bc2Sqrt + s.eps);
  }
}

describe('adam_f32 kernel', () => {
  it('is a valid module on its own', () => {
    expect(WebAssembly.validate(buildModule([emitAdam()], { minPages: 1 }))).toBe(true);
  });

  it('equals the scalar update bit for bit over several steps, any length, each decay mode', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 37 }),
        fc.constantFrom('decoupled', 'coupled', 'none'),
        fc.double({ min: 1e-5, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.nat(10_000),
        (n, decay, lr, wd, seed) => {
          const rng = new Rng(seed);
          const rand = () => Float32Array.from({ length: n }, () => rng.uniform() * 4 - 2);
          const p0 = rand();
          const [pa, pb] = [p0.slice(), p0.slice()];
          const [ma, va, mb, vb] = [0, 1, 2, 3].map(() => new Float32Array(n));
          for (let t = 1; t <= 3; t++) {
            const g = rand();
            const s: AdamScalars = {
              decay,
              shrink: 1 - lr * wd,
              weightDecay: wd,
              beta1: 0.9,
              beta2: 0.999,
              stepSize: lr / (1 - 0.9 ** t),
              bc2Sqrt: Math.sqrt(1 - 0.999 ** t),
              eps: 1e-8,
            };
            adamUpdateWasm(pa, g, ma, va, s);
            scalarAdam(pb, g, mb, vb, s);
          }
          expect(Array.from(pa)).toEqual(Array.from(pb));
          expect(Array.from(ma)).toEqual(Array.from(mb));
          expect(Array.from(va)).toEqual(Array.from(vb));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects arrays of unequal lengths, naming them', () => {
    const a = new Float32Array(4);
    const s: AdamScalars = {
      decay: 'none',
      shrink: 1,
      weightDecay: 0,
      beta1: 0.9,
      beta2: 0.999,
      stepSize: 1e-3,
      bc2Sqrt: 1,
      eps: 1e-8,
    };
    expect(() => adamUpdateWasm(a, new Float32Array(3), a.slice(), a.slice(), s)).toThrow(
      'adamUpdateWasm: param, grad, m, v must have equal lengths, got 4, 3, 4, 4',
    );
  });
});
