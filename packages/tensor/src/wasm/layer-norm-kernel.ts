/**
 * Layer norm over rows of n float32 values, forward and backward, as WebAssembly SIMD loops whose
 * arithmetic is float64 (f64x2: two values widened per step), in the same order as the scalar kernel
 * (cpu/layer-norm.ts): every sum keeps two partial sums, lane 0 over even and lane 1 over odd columns,
 * an odd last column joins lane 0, and lane 0 + lane 1 ends it. So both tiers agree bit for bit.
 *   layer_norm_f32(x, w, b, out, mean, rstd, rows, n, eps): w, b are n float64 values;
 *     mean, rstd get one float32 per row.
 *   layer_norm_grad_f32(x, dy, w, mean, rstd, dx, xhat, g, dw, dbias, rows, n): xhat, g are float64
 *     scratch rows; dw, dbias are float64 sums over rows that the caller zeroes.
 * Output passes run four columns per step (two f64x2 halves narrowed into one f32x4); a row's last step may
 * run past its end, into the next row (rewritten when that row runs) or the arena's padding.
 */
import { FunctionBuilder, type Local } from './function-builder';

/** Pushes the two floats at addr + offset, widened to f64x2. */
function loadPair(f: FunctionBuilder, addr: Local, j: Local, offset = 0): void {
  f.get(addr).get(j).op('i32.add').mem('v128.load64_zero', offset).op('f64x2.promote_low_f32x4');
}

/** Pushes the float at addr + at (an i32 local), widened to f64. */
function loadOne(f: FunctionBuilder, addr: Local, at: Local): void {
  f.get(addr).get(at).op('i32.add').mem('f32.load').op('f64.promote_f32');
}

/** Pushes the f64x2 at addr + 2 * j + offset (float64 rows are indexed by the float32 byte offset j). */
function loadWide(f: FunctionBuilder, addr: Local, j2: Local, offset = 0): void {
  f.get(addr).get(j2).op('i32.add').mem('v128.load', offset);
}

/** Narrows the two f64x2 on the stack (low half first) to one f32x4. */
function narrowQuad(f: FunctionBuilder, lo: Local, hi: Local): void {
  f.get(lo).op('f32x4.demote_f64x2_zero').get(hi).op('f32x4.demote_f64x2_zero');
  f.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
}

/** A loop `while (j < end) { body(); j += step }` with j starting at 0 (j2 = 2 j kept beside it). */
function columns(f: FunctionBuilder, j: Local, j2: Local, end: Local, step: number, body: () => void): void {
  f.i32(0).set(j).i32(0).set(j2);
  f.block('colsDone', () => {
    f.loop('cols', () => {
      f.get(j).get(end).op('i32.ge_s').brIf('colsDone');
      body();
      f.get(j).i32(step).op('i32.add').set(j);
      f.get(j2)
        .i32(2 * step)
        .op('i32.add')
        .set(j2);
      f.br('cols');
    });
  });
}

/** Common locals: byte offsets and row sizes. */
function rowLocals(f: FunctionBuilder, n: Local) {
  const l = {
    j: f.local('j', 'i32'),
    j2: f.local('j2', 'i32'),
    last: f.local('last', 'i32'), // byte offset of an odd row's last column
    pairBytes: f.local('pairBytes', 'i32'),
    rowBytes: f.local('rowBytes', 'i32'),
    count: f.local('count', 'f64'),
  };
  f.get(n).i32(2).op('i32.shl').tee(l.rowBytes).i32(4).op('i32.sub').set(l.last);
  f.get(n).i32(1).op('i32.shr_u').i32(3).op('i32.shl').set(l.pairBytes);
  f.get(n).op('f64.convert_i32_s').set(l.count);
  return l;
}

/** `if (n is odd) then()`. */
function ifOdd(f: FunctionBuilder, n: Local, then: () => void): void {
  f.get(n).i32(1).op('i32.and').if(then);
}

export function emitLayerNorm(): FunctionBuilder {
  const f = new FunctionBuilder('layer_norm_f32', {
    x: 'i32',
    w: 'i32',
    b: 'i32',
    out: 'i32',
    mean: 'i32',
    rstd: 'i32',
    rows: 'i32',
    n: 'i32',
    eps: 'f64',
  });
  const [x, w, b, out, mean, rstd, rows, n, eps] = f.params;
  const { j, j2, last, pairBytes, rowBytes, count } = rowLocals(f, n);
  const acc = f.local('acc', 'v128');
  const c = f.local('c', 'v128');
  const lo = f.local('lo', 'v128');
  const hi = f.local('hi', 'v128');
  const mu = f.local('mu', 'f64');
  const rs = f.local('rs', 'f64');
  const s0 = f.local('s0', 'f64');
  const t = f.local('t', 'f64');
  f.block('done', () => {
    f.loop('row', () => {
      f.get(rows).i32(0).op('i32.le_s').brIf('done');
      // mean = (s0 + s1) / n, the odd last column in s0
      f.f64(0).op('f64x2.splat').set(acc);
      columns(f, j, j2, pairBytes, 8, () => {
        f.get(acc);
        loadPair(f, x, j);
        f.op('f64x2.add').set(acc);
      });
      f.get(acc).lane('f64x2.extract_lane', 0).set(s0);
      ifOdd(f, n, () => {
        f.get(s0);
        loadOne(f, x, last);
        f.op('f64.add').set(s0);
      });
      f.get(s0).get(acc).lane('f64x2.extract_lane', 1).op('f64.add').get(count).op('f64.div').set(mu);
      // rstd = 1 / sqrt((q0 + q1) / n + eps), q the sums of (x - mean)^2
      f.f64(0).op('f64x2.splat').set(acc);
      columns(f, j, j2, pairBytes, 8, () => {
        loadPair(f, x, j);
        f.get(mu).op('f64x2.splat').op('f64x2.sub').set(c);
        f.get(acc).get(c).get(c).op('f64x2.mul').op('f64x2.add').set(acc);
      });
      f.get(acc).lane('f64x2.extract_lane', 0).set(s0);
      ifOdd(f, n, () => {
        loadOne(f, x, last);
        f.get(mu).op('f64.sub').set(t);
        f.get(s0).get(t).get(t).op('f64.mul').op('f64.add').set(s0);
      });
      f.f64(1).get(s0).get(acc).lane('f64x2.extract_lane', 1).op('f64.add');
      f.get(count).op('f64.div').get(eps).op('f64.add').op('f64.sqrt').op('f64.div').set(rs);
      f.get(mean).get(mu).op('f32.demote_f64').mem('f32.store');
      f.get(rstd).get(rs).op('f32.demote_f64').mem('f32.store');
      // out = (x - mean) * rstd * w + b, four columns per step
      columns(f, j, j2, rowBytes, 16, () => {
        for (const [half, at] of [
          [lo, 0],
          [hi, 8],
        ] as const) {
          loadPair(f, x, j, at);
          f.get(mu).op('f64x2.splat').op('f64x2.sub').get(rs).op('f64x2.splat').op('f64x2.mul');
          loadWide(f, w, j2, 2 * at);
          f.op('f64x2.mul');
          loadWide(f, b, j2, 2 * at);
          f.op('f64x2.add').set(half);
        }
        f.get(out).get(j).op('i32.add');
        narrowQuad(f, lo, hi);
        f.mem('v128.store');
      });
      for (const p of [x, out]) f.get(p).get(rowBytes).op('i32.add').set(p);
      for (const p of [mean, rstd]) f.get(p).i32(4).op('i32.add').set(p);
      f.get(rows).i32(1).op('i32.sub').set(rows).br('row');
    });
  });
  return f;
}

export function emitLayerNormGrad(): FunctionBuilder {
  const f = new FunctionBuilder('layer_norm_grad_f32', {
    x: 'i32',
    dy: 'i32',
    w: 'i32',
    mean: 'i32',
    rstd: 'i32',
    dx: 'i32',
    xhat: 'i32',
    g: 'i32',
    dw: 'i32',
    dbias: 'i32',
    rows: 'i32',
    n: 'i32',
  });
  const [x, dy, w, mean, rstd, dx, xhat, g, dw, dbias, rows, n] = f.params;
  const { j, j2, last, pairBytes, rowBytes, count } = rowLocals(f, n);
  const [xh, gy, gw, accG, accGX, lo, hi] = ['xh', 'gy', 'gw', 'accG', 'accGX', 'lo', 'hi'].map((s) =>
    f.local(s, 'v128'),
  );
  const [mu, rs, sG, sGX, meanG, meanGX, txh, tgy, tgw] = [
    'mu',
    'rs',
    'sG',
    'sGX',
    'meanG',
    'meanGX',
    'txh',
    'tgy',
    'tgw',
  ].map((s) => f.local(s, 'f64'));
  const last2 = f.local('last2', 'i32');
  f.get(last).i32(1).op('i32.shl').set(last2);
  /** dst[at] += value (the f64x2 or f64 pushed by `value`), at = dst + offset local. */
  const addInto = (dst: Local, at: Local, value: () => void, wide: boolean) => {
    const [load, store, add] = wide
      ? (['v128.load', 'v128.store', 'f64x2.add'] as const)
      : (['f64.load', 'f64.store', 'f64.add'] as const);
    f.get(dst).get(at).op('i32.add');
    f.get(dst).get(at).op('i32.add').mem(load);
    value();
    f.op(add).mem(store);
  };
  f.block('done', () => {
    f.loop('row', () => {
      f.get(rows).i32(0).op('i32.le_s').brIf('done');
      f.get(mean).mem('f32.load').op('f64.promote_f32').set(mu);
      f.get(rstd).mem('f32.load').op('f64.promote_f32').set(rs);
      f.f64(0).op('f64x2.splat').tee(accG).set(accGX);
      // xhat = (x - mean) rstd, g = dy w; their sums; dw += dy xhat, dbias += dy
      columns(f, j, j2, pairBytes, 8, () => {
        loadPair(f, x, j);
        f.get(mu).op('f64x2.splat').op('f64x2.sub').get(rs).op('f64x2.splat').op('f64x2.mul').set(xh);
        loadPair(f, dy, j);
        f.set(gy);
        f.get(gy);
        loadWide(f, w, j2);
        f.op('f64x2.mul').set(gw);
        f.get(xhat).get(j2).op('i32.add').get(xh).mem('v128.store');
        f.get(g).get(j2).op('i32.add').get(gw).mem('v128.store');
        f.get(accG).get(gw).op('f64x2.add').set(accG);
        f.get(accGX).get(gw).get(xh).op('f64x2.mul').op('f64x2.add').set(accGX);
        addInto(dw, j2, () => f.get(gy).get(xh).op('f64x2.mul'), true);
        addInto(dbias, j2, () => f.get(gy), true);
      });
      f.get(accG).lane('f64x2.extract_lane', 0).set(sG);
      f.get(accGX).lane('f64x2.extract_lane', 0).set(sGX);
      ifOdd(f, n, () => {
        loadOne(f, x, last);
        f.get(mu).op('f64.sub').get(rs).op('f64.mul').set(txh);
        loadOne(f, dy, last);
        f.tee(tgy).get(w).get(last2).op('i32.add').mem('f64.load').op('f64.mul').set(tgw);
        f.get(xhat).get(last2).op('i32.add').get(txh).mem('f64.store');
        f.get(g).get(last2).op('i32.add').get(tgw).mem('f64.store');
        f.get(sG).get(tgw).op('f64.add').set(sG);
        f.get(sGX).get(tgw).get(txh).op('f64.mul').op('f64.add').set(sGX);
        addInto(dw, last2, () => f.get(tgy).get(txh).op('f64.mul'), false);
        addInto(dbias, last2, () => f.get(tgy), false);
      });
      f.get(sG).get(accG).lane('f64x2.extract_lane', 1).op('f64.add').get(count).op('f64.div').set(meanG);
      f.get(sGX).get(accGX).lane('f64x2.extract_lane', 1).op('f64.add').get(count).op('f64.div').set(meanGX);
      // dx = rstd (g - mean(g) - xhat mean(g xhat)), four columns per step
      columns(f, j, j2, rowBytes, 16, () => {
        for (const [half, at] of [
          [lo, 0],
          [hi, 16],
        ] as const) {
          f.get(rs).op('f64x2.splat');
          loadWide(f, g, j2, at);
          f.get(meanG).op('f64x2.splat').op('f64x2.sub');
          loadWide(f, xhat, j2, at);
          f.get(meanGX).op('f64x2.splat').op('f64x2.mul').op('f64x2.sub').op('f64x2.mul').set(half);
        }
        f.get(dx).get(j).op('i32.add');
        narrowQuad(f, lo, hi);
        f.mem('v128.store');
      });
      for (const p of [x, dy, dx]) f.get(p).get(rowBytes).op('i32.add').set(p);
      for (const p of [mean, rstd]) f.get(p).i32(4).op('i32.add').set(p);
      f.get(rows).i32(1).op('i32.sub').set(rows).br('row');
    });
  });
  return f;
}
