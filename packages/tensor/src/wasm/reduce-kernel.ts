/**
 * Sums of float32 rows in float64, as WebAssembly SIMD loops (f64x2: two values widened per step):
 *   sum_rows_f32(src, acc, rows, n): acc[j] += sum over rows of src[r, j] (a bias gradient summing dY
 *     over tokens); four rows per step, added as ((x0 + x1) + (x2 + x3)) into acc, leftover rows one at a
 *     time: the scalar kernel's order (cpu/reduce.ts), so both tiers agree bit for bit.
 *   sum_last_f32(src, out, rows, n): out[r] = sum over j of src[r, j], two partial sums (even and odd
 *     columns, an odd last column joining the even one) added at the end. The scalar kernel keeps one
 *     chain, so the two differ by float64 rounding (far below float32's) before the result is rounded.
 * acc and out are float64; the caller zeroes acc. sum_rows_f32 reads and writes two columns per step, so
 * for odd n it touches one float past a row (the next row, or the arena's padding) and acc[n] (padding).
 */
import { FunctionBuilder, type Local } from './function-builder';

/** Pushes the two floats at p (+ offset) widened to f64x2. */
function pair(f: FunctionBuilder, p: Local, offset = 0): void {
  f.get(p).mem('v128.load64_zero', offset).op('f64x2.promote_low_f32x4');
}

export function emitSumRows(): FunctionBuilder {
  const f = new FunctionBuilder('sum_rows_f32', { src: 'i32', acc: 'i32', rows: 'i32', n: 'i32' });
  const [src, acc, rows, n] = f.params;
  const rowBytes = f.local('rowBytes', 'i32');
  const p = f.local('p', 'i32'); // src column pointer
  const q = f.local('q', 'i32'); // acc column pointer
  const qEnd = f.local('qEnd', 'i32');
  const group = f.local('group', 'i32'); // rows taken per pass: 4, then 1
  const v = f.local('v', 'v128');
  f.get(n).i32(2).op('i32.shl').set(rowBytes);
  f.get(n).i32(1).op('i32.add').i32(1).op('i32.shr_u').i32(4).op('i32.shl').get(acc).op('i32.add').set(qEnd);
  f.block('done', () => {
    f.loop('pass', () => {
      f.get(rows).i32(0).op('i32.le_s').brIf('done');
      f.get(rows)
        .i32(4)
        .op('i32.ge_s')
        .if(
          () => f.i32(4).set(group),
          () => f.i32(1).set(group),
        );
      f.get(src).set(p);
      f.get(acc).set(q);
      f.block('colsDone', () => {
        f.loop('cols', () => {
          f.get(q).get(qEnd).op('i32.ge_u').brIf('colsDone');
          pair(f, p);
          f.set(v);
          f.get(group)
            .i32(4)
            .op('i32.eq')
            .if(() => {
              // v = (x0 + x1) + (x2 + x3), row k at p + k rowBytes
              f.get(v);
              for (const k of [1, 2, 3]) {
                f.get(p).get(rowBytes).i32(k).op('i32.mul').op('i32.add');
                f.mem('v128.load64_zero').op('f64x2.promote_low_f32x4');
                if (k === 1) f.op('f64x2.add');
              }
              f.op('f64x2.add').op('f64x2.add').set(v);
            });
          f.get(q).get(q).mem('v128.load').get(v);
          f.op('f64x2.add').mem('v128.store');
          f.get(p).i32(8).op('i32.add').set(p);
          f.get(q).i32(16).op('i32.add').set(q).br('cols');
        });
      });
      f.get(src).get(rowBytes).get(group).op('i32.mul').op('i32.add').set(src);
      f.get(rows).get(group).op('i32.sub').set(rows).br('pass');
    });
  });
  return f;
}

export function emitSumLast(): FunctionBuilder {
  const f = new FunctionBuilder('sum_last_f32', { src: 'i32', out: 'i32', rows: 'i32', n: 'i32' });
  const [src, out, rows, n] = f.params;
  const acc = f.local('acc', 'v128');
  const p = f.local('p', 'i32');
  const pairsEnd = f.local('pairsEnd', 'i32'); // byte offset past a row's last whole pair
  const rowBytes = f.local('rowBytes', 'i32');
  const s0 = f.local('s0', 'f64');
  f.get(n).i32(2).op('i32.shl').set(rowBytes);
  f.get(n).i32(1).op('i32.shr_u').i32(3).op('i32.shl').set(pairsEnd);
  f.block('done', () => {
    f.loop('row', () => {
      f.get(rows).i32(0).op('i32.le_s').brIf('done');
      f.f64(0).op('f64x2.splat').set(acc);
      f.get(src).set(p);
      f.block('pairsDone', () => {
        f.loop('pairs', () => {
          f.get(p).get(src).op('i32.sub').get(pairsEnd).op('i32.ge_s').brIf('pairsDone');
          f.get(acc);
          pair(f, p);
          f.op('f64x2.add').set(acc);
          f.get(p).i32(8).op('i32.add').set(p).br('pairs');
        });
      });
      f.get(acc).lane('f64x2.extract_lane', 0).set(s0);
      f.get(n)
        .i32(1)
        .op('i32.and')
        .if(() => {
          f.get(s0).get(p).mem('f32.load').op('f64.promote_f32').op('f64.add').set(s0);
        });
      f.get(out).get(s0).get(acc).lane('f64x2.extract_lane', 1).op('f64.add').mem('f64.store');
      f.get(out).i32(8).op('i32.add').set(out);
      f.get(src).get(rowBytes).op('i32.add').set(src);
      f.get(rows).i32(1).op('i32.sub').set(rows).br('row');
    });
  });
  return f;
}
