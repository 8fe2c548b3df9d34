/**
 * `copy_rows_f32(src, sld, scs, dst, dld, rows, n, width, mul)`: `rows` rows of n floats from `src` (rows
 * sld bytes apart, a row's floats scs bytes apart) to `dst` (rows dld bytes apart, floats contiguous),
 * each followed by zeros up to `width` floats; the two regions do not overlap. With mul = 1 the floats are
 * copied as they are; otherwise each is f32(f64(x) * mul), the float64 product rounded once to float32,
 * which is what JavaScript stores for `f32array[i] = x * mul`. Four floats a step where scs = 4. A
 * transpose is a copy with the strides swapped. Fused attention moves its tiles with it (wasm/attention*.ts).
 */
import { FunctionBuilder, type Local } from './function-builder';

/** Bytes 8..15 of a vector into its low half (floats 2, 3 as floats 0, 1). */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** The low halves of two vectors, first then second. */
const JOIN_LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

export function emitCopyRows(): FunctionBuilder {
  const f = new FunctionBuilder('copy_rows_f32', {
    src: 'i32',
    sld: 'i32',
    scs: 'i32',
    dst: 'i32',
    dld: 'i32',
    rows: 'i32',
    n: 'i32',
    width: 'i32',
    mul: 'f64',
  });
  const [src, sld, scs, dst, dld, rows, n, width, mul] = f.params;
  const [s, d, vecEnd, rowEnd, padEnd, plain] = ['s', 'd', 'vec_end', 'row_end', 'pad_end', 'plain'].map(
    (name) => f.local(name, 'i32'),
  );
  const [v, vmul] = [f.local('v', 'v128'), f.local('vmul', 'v128')];
  f.get(mul).f64(1).op('f64.eq').set(plain);
  f.get(mul).op('f64x2.splat').set(vmul);
  f.block('rows_done', () => {
    f.loop('row', () => {
      f.get(rows).i32(0).op('i32.le_s').brIf('rows_done');
      f.get(src).set(s);
      f.get(dst).set(d);
      // Ends of the row's whole vectors (none unless the source is contiguous), its n floats, its zeros.
      f.get(dst);
      f.get(n).i32(-4).op('i32.and').i32(4).op('i32.mul');
      f.get(scs).i32(4).op('i32.eq').op('i32.mul');
      f.op('i32.add').set(vecEnd);
      f.get(dst).get(n).i32(4).op('i32.mul').op('i32.add').set(rowEnd);
      f.get(dst).get(width).i32(4).op('i32.mul').op('i32.add').set(padEnd);
      f.get(plain).if(
        () =>
          whileBelow(f, 'vec', d, vecEnd, () => {
            f.get(d).get(s).mem('v128.load').mem('v128.store');
            step(f, s, 16, d, 16);
          }),
        () =>
          whileBelow(f, 'vec_scaled', d, vecEnd, () => {
            // Four floats as two f64x2 halves: widen, multiply, round back, rejoin.
            f.get(d);
            f.get(s).mem('v128.load').tee(v).op('f64x2.promote_low_f32x4');
            f.get(vmul).op('f64x2.mul').op('f32x4.demote_f64x2_zero');
            f.get(v).get(v).shuffle(HIGH_HALF).op('f64x2.promote_low_f32x4');
            f.get(vmul).op('f64x2.mul').op('f32x4.demote_f64x2_zero');
            f.shuffle(JOIN_LOW_HALVES).mem('v128.store');
            step(f, s, 16, d, 16);
          }),
      );
      f.get(plain).if(
        () =>
          whileBelow(f, 'copy', d, rowEnd, () => {
            f.get(d).get(s).mem('f32.load').mem('f32.store');
            step(f, s, scs, d, 4);
          }),
        () =>
          whileBelow(f, 'scaled', d, rowEnd, () => {
            f.get(d).get(s).mem('f32.load').op('f64.promote_f32');
            f.get(mul).op('f64.mul').op('f32.demote_f64').mem('f32.store');
            step(f, s, scs, d, 4);
          }),
      );
      whileBelow(f, 'zeros', d, padEnd, () => {
        f.get(d).f32(0).mem('f32.store');
        f.get(d).i32(4).op('i32.add').set(d);
      });
      f.get(src).get(sld).op('i32.add').set(src);
      f.get(dst).get(dld).op('i32.add').set(dst);
      f.get(rows).i32(1).op('i32.sub').set(rows);
      f.br('row');
    });
  });
  return f;
}

/** while (d < end) body() */
function whileBelow(f: FunctionBuilder, label: string, d: Local, end: Local, body: () => void): void {
  f.block(`${label}_done`, () => {
    f.loop(label, () => {
      f.get(d).get(end).op('i32.ge_u').brIf(`${label}_done`);
      body();
      f.br(label);
    });
  });
}

/** s += sStep; d += dStep (sStep a constant or a local). */
function step(f: FunctionBuilder, s: Local, sStep: number | Local, d: Local, dStep: number): void {
  f.get(s);
  if (typeof sStep === 'number') f.i32(sStep);
  else f.get(sStep);
  f.op('i32.add').set(s);
  f.get(d).i32(dStep).op('i32.add').set(d);
}
