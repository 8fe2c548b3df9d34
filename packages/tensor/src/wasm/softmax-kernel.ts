/**
 * Row softmax kernels, emitted as WebAssembly SIMD. Each works on `rows` rows of n floats, rows `ld` bytes
 * apart, four lanes at a time: softmax_f32 and exp_shift_f32 first set a row's lanes n .. n rounded up to 4
 * to -Infinity (weight 0); softmax_grad_f32 takes n a multiple of 4 with pads 0 in y (they add nothing). Row sums are four lane partial sums in column order, then (l0 + l1) + (l2 + l3): a fixed
 * order, so a row's result never depends on which thread or block computes it.
 *   softmax_f32:      y = exp(x - max) / sum(exp(x - max)); stats[r] = (max, sum)  (y may be x)
 *   softmax_grad_f32: dx = y (dy - sum(y dy))                                     (dx may be y or dy)
 *   exp_shift_f32:    x = exp(x - shift[r]) in place  (attention's backward: p = exp(s - lse))
 */
import { FunctionBuilder, type Local } from './function-builder';
import { countedLoop, expConstants, expF32x4, laneMax, laneSum, splat, vectorLoop } from './vector-math';

/** Loads the vector at `row + at`. */
function load(f: FunctionBuilder, row: Local, at: Local): FunctionBuilder {
  return f.get(row).get(at).op('i32.add').mem('v128.load');
}

/** Pushes the address `row + at` (a store's first operand). */
function addr(f: FunctionBuilder, row: Local, at: Local): FunctionBuilder {
  return f.get(row).get(at).op('i32.add');
}

/** bytes = 4 * (n rounded up to 4); x[n .. that) = -Infinity (the row at `x`, scratch byte index `j`). */
function padRow(f: FunctionBuilder, x: Local, n: Local, bytes: Local, j: Local): void {
  f.get(n).i32(4).op('i32.mul').set(j);
  f.block('pad_done', () => {
    f.loop('pad', () => {
      f.get(j).get(bytes).op('i32.ge_s').brIf('pad_done');
      f.get(x).get(j).op('i32.add').f32(Number.NEGATIVE_INFINITY).mem('f32.store');
      f.get(j).i32(4).op('i32.add').set(j).br('pad');
    });
  });
}

/** bytes = 4 * (n rounded up to a multiple of 4). */
function paddedBytes(f: FunctionBuilder, n: Local, bytes: Local): void {
  f.get(n).i32(3).op('i32.add').i32(-4).op('i32.and').i32(4).op('i32.mul').set(bytes);
}

function expScratch(f: FunctionBuilder) {
  return { n: f.local('exp_n', 'v128'), r: f.local('exp_r', 'v128'), low: f.local('exp_low', 'v128') };
}

/** `softmax_f32(x, y, rows, n, ld, stats)`: byte addresses x, y, stats (2 floats a row), n floats a row (x's pads are set). */
export function emitSoftmax(): FunctionBuilder {
  const f = new FunctionBuilder('softmax_f32', {
    x: 'i32',
    y: 'i32',
    rows: 'i32',
    n: 'i32',
    ld: 'i32',
    stats: 'i32',
  });
  const [x, y, rows, n, ld, stats] = f.params;
  const [left, at, bytes, j] = ['left', 'at', 'bytes', 'j'].map((name) => f.local(name, 'i32'));
  const [vmax, vsum, v] = ['vmax', 'vsum', 'v'].map((name) => f.local(name, 'v128'));
  const m = f.local('m', 'f32');
  const scratch = expScratch(f);
  const k = expConstants(f);
  paddedBytes(f, n, bytes);
  countedLoop(f, 'row', rows, left, () => {
    padRow(f, x, n, bytes, j);
    // m = max over the row; stats[0] = m
    splat(f, Number.NEGATIVE_INFINITY).set(vmax);
    vectorLoop(f, 'max', bytes, at, () => {
      f.get(vmax).get(x).get(at).op('i32.add').mem('v128.load').op('f32x4.max').set(vmax);
    });
    laneMax(f, vmax);
    f.set(m).get(stats).get(m).mem('f32.store');
    // A row of -Infinity only: subtract 0 instead (-Inf - -Inf would be NaN), so the row is 0 / 0 = NaN as torch gives.
    f.f32(0).get(m).get(m).f32(Number.NEGATIVE_INFINITY).op('f32.eq').op('select').set(m);
    // y = exp(x - m), summed four lanes at a time
    splat(f, 0).set(vsum);
    vectorLoop(f, 'exp', bytes, at, () => {
      load(f, x, at).get(m).op('f32x4.splat').op('f32x4.sub').set(v);
      expF32x4(f, v, k, scratch);
      f.set(v);
      addr(f, y, at).get(v).mem('v128.store');
      f.get(vsum).get(v).op('f32x4.add').set(vsum);
    });
    // stats[1] = sum; y *= 1 / sum
    f.get(stats);
    laneSum(f, vsum);
    f.tee(m).mem('f32.store', 4);
    f.f32(1).get(m).op('f32.div').op('f32x4.splat').set(v);
    vectorLoop(f, 'scale', bytes, at, () => {
      addr(f, y, at);
      load(f, y, at).get(v).op('f32x4.mul').mem('v128.store');
    });
    for (const p of [x, y]) f.get(p).get(ld).op('i32.add').set(p);
    f.get(stats).i32(8).op('i32.add').set(stats);
  });
  return f;
}

/** `softmax_grad_f32(y, dy, dx, rows, n, ld)`: dx = y (dy - sum(y dy)) per row. */
export function emitSoftmaxGrad(): FunctionBuilder {
  const f = new FunctionBuilder('softmax_grad_f32', {
    y: 'i32',
    dy: 'i32',
    dx: 'i32',
    rows: 'i32',
    n: 'i32',
    ld: 'i32',
  });
  const [y, dy, dx, rows, n, ld] = f.params;
  const [left, at, bytes] = ['left', 'at', 'bytes'].map((name) => f.local(name, 'i32'));
  const [vdot, v] = ['vdot', 'v'].map((name) => f.local(name, 'v128'));
  f.get(n).i32(4).op('i32.mul').set(bytes);
  countedLoop(f, 'row', rows, left, () => {
    splat(f, 0).set(vdot);
    vectorLoop(f, 'dot', bytes, at, () => {
      f.get(vdot);
      load(f, y, at);
      load(f, dy, at).op('f32x4.mul').op('f32x4.add').set(vdot);
    });
    laneSum(f, vdot);
    f.op('f32x4.splat').set(v);
    vectorLoop(f, 'grad', bytes, at, () => {
      addr(f, dx, at);
      load(f, y, at);
      load(f, dy, at).get(v).op('f32x4.sub').op('f32x4.mul').mem('v128.store');
    });
    for (const p of [y, dy, dx]) f.get(p).get(ld).op('i32.add').set(p);
  });
  return f;
}

/** `exp_shift_f32(x, rows, n, ld, shift)`: x = exp(x - shift[r]) in place (pads give 0), shift one float per row. */
export function emitExpShift(): FunctionBuilder {
  const f = new FunctionBuilder('exp_shift_f32', {
    x: 'i32',
    rows: 'i32',
    n: 'i32',
    ld: 'i32',
    shift: 'i32',
  });
  const [x, rows, n, ld, shift] = f.params;
  const [left, at, bytes, j] = ['left', 'at', 'bytes', 'j'].map((name) => f.local(name, 'i32'));
  const [vs, v] = ['vshift', 'v'].map((name) => f.local(name, 'v128'));
  const scratch = expScratch(f);
  const k = expConstants(f);
  paddedBytes(f, n, bytes);
  countedLoop(f, 'row', rows, left, () => {
    padRow(f, x, n, bytes, j);
    f.get(shift).mem('v128.load32_splat').set(vs);
    vectorLoop(f, 'exp', bytes, at, () => {
      load(f, x, at).get(vs).op('f32x4.sub').set(v);
      addr(f, x, at);
      expF32x4(f, v, k, scratch);
      f.mem('v128.store');
    });
    f.get(x).get(ld).op('i32.add').set(x);
    f.get(shift).i32(4).op('i32.add').set(shift);
  });
  return f;
}
