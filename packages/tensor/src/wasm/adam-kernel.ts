/**
 * The Adam / AdamW update as one WebAssembly SIMD loop over param, grad, m and v (float32), with the
 * arithmetic of the scalar optimizer (packages/nn/src/optim/adam.ts) in float64 (f64x2, two values per
 * half-step) and each stored value rounded to float32 where the scalar code stores it, so both agree bit
 * for bit:
 *   mode 1 (AdamW): p = f32(p * shrink);  mode 2 (Adam, L2): g = g + wd * p;  mode 0: neither
 *   m = f32(m + c1 (g - m));  v = f32(b2 v + c2 g g);  p = f32(p - stepSize m / (sqrt(v) / bc2Sqrt + eps))
 * `adam_f32(p, g, m, v, n, mode, shrink, wd, c1, b2, c2, stepSize, bc2Sqrt, eps)` runs four elements per
 * step; the last step may run past n into the arena's padding.
 */
import { FunctionBuilder, type Local } from './function-builder';

/** f64x2 on the stack -> the same values rounded to float32 and widened back (what a store then load does). */
function roundToF32(f: FunctionBuilder): FunctionBuilder {
  return f.op('f32x4.demote_f64x2_zero').op('f64x2.promote_low_f32x4');
}

export function emitAdam(): FunctionBuilder {
  const f = new FunctionBuilder('adam_f32', {
    p: 'i32',
    g: 'i32',
    m: 'i32',
    v: 'i32',
    n: 'i32',
    mode: 'i32',
    shrink: 'f64',
    wd: 'f64',
    c1: 'f64',
    b2: 'f64',
    c2: 'f64',
    stepSize: 'f64',
    bc2Sqrt: 'f64',
    eps: 'f64',
  });
  const [p, g, m, v, n, mode] = f.params;
  const scalars = f.params.slice(6);
  // The scalars splatted once: local `s_<name>`.
  const splat = new Map<string, Local>();
  for (const s of scalars) {
    const l = f.local(`s_${s.name}`, 'v128');
    f.get(s).op('f64x2.splat').set(l);
    splat.set(s.name, l);
  }
  const k = (name: string): Local => splat.get(name) as Local;
  const [gi, pi, mi] = ['gi', 'pi', 'mi'].map((s) => f.local(s, 'v128'));
  const out = {
    p: [f.local('pLo', 'v128'), f.local('pHi', 'v128')],
    m: [f.local('mLo', 'v128'), f.local('mHi', 'v128')],
    v: [f.local('vLo', 'v128'), f.local('vHi', 'v128')],
  };
  const pair = (addr: Local, offset: number) =>
    f.get(addr).mem('v128.load64_zero', offset).op('f64x2.promote_low_f32x4');
  f.block('done', () => {
    f.loop('next', () => {
      f.get(n).i32(0).op('i32.le_s').brIf('done');
      for (const h of [0, 1]) {
        const at = 8 * h;
        pair(g, at).set(gi);
        pair(p, at).set(pi);
        f.get(mode)
          .i32(1)
          .op('i32.eq')
          .if(() => {
            roundToF32(f.get(pi).get(k('shrink')).op('f64x2.mul')).set(pi);
          });
        f.get(mode)
          .i32(2)
          .op('i32.eq')
          .if(() => {
            f.get(gi).get(k('wd')).get(pi).op('f64x2.mul').op('f64x2.add').set(gi);
          });
        // m += c1 (g - m)
        pair(m, at).set(mi);
        f.get(mi).get(k('c1')).get(gi).get(mi).op('f64x2.sub').op('f64x2.mul').op('f64x2.add');
        roundToF32(f).set(out.m[h]);
        // v = b2 v + c2 g g
        f.get(k('b2'));
        pair(v, at);
        f.op('f64x2.mul').get(k('c2')).get(gi).op('f64x2.mul').get(gi).op('f64x2.mul').op('f64x2.add');
        roundToF32(f).set(out.v[h]);
        // p -= stepSize m / (sqrt(v) / bc2Sqrt + eps)
        f.get(pi).get(k('stepSize')).get(out.m[h]).op('f64x2.mul');
        f.get(out.v[h]).op('f64x2.sqrt').get(k('bc2Sqrt')).op('f64x2.div').get(k('eps')).op('f64x2.add');
        f.op('f64x2.div').op('f64x2.sub').set(out.p[h]);
      }
      for (const [addr, [lo, hi]] of [
        [p, out.p],
        [m, out.m],
        [v, out.v],
      ] as const) {
        f.get(addr);
        f.get(lo).op('f32x4.demote_f64x2_zero').get(hi).op('f32x4.demote_f64x2_zero');
        f.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
        f.mem('v128.store');
        f.get(addr).i32(16).op('i32.add').set(addr);
      }
      f.get(g).i32(16).op('i32.add').set(g);
      f.get(n).i32(4).op('i32.sub').set(n).br('next');
    });
  });
  return f;
}
