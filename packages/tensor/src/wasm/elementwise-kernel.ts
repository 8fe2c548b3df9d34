/**
 * Element-wise float32 kernels as WebAssembly SIMD loops, four lanes per step:
 *   binary  `add_f32 | sub_f32 | mul_f32 | div_f32 | maximum_f32 | minimum_f32`
 *           (a, aBytes, b, bBytes, dst, rows, n): dst row r = a row r (op) b row r, rows of n floats;
 *           each operand is a block of whole rows repeated (its pointer wraps to its start after aBytes /
 *           bBytes), so one loop serves same-shape operands and a[m, n] (op) b[n] alike.
 *   unary   `neg_f32 | abs_f32 | sqrt_f32 | square_f32 | reciprocal_f32 | relu_f32` (src, dst, n).
 * Only ops whose f32x4 instruction rounds exactly as the scalar kernel (float64 math, rounded once to
 * float32) are here: +, -, *, / and sqrt of float32 values are exact in float64 and their one rounding to
 * float32 is the correctly rounded result, so both tiers agree bit for bit.
 * A row's last vector may run past its end (n not a multiple of 4): it reads the arena's padding or the
 * next row, and what it writes past the row is rewritten by the next row, which runs after it.
 */
import type { BinaryOp, UnaryOp } from '../backend';
import { FunctionBuilder, type Local } from './function-builder';
import type { SimdOp } from './opcodes';

/** The binary ops with a kernel, and the instruction each is. */
export const BINARY_SIMD = {
  add: 'f32x4.add',
  sub: 'f32x4.sub',
  mul: 'f32x4.mul',
  div: 'f32x4.div',
  maximum: 'f32x4.max',
  minimum: 'f32x4.min',
} as const satisfies Partial<Record<BinaryOp, SimdOp>>;
export type SimdBinaryOp = keyof typeof BINARY_SIMD;

/** The unary ops with a kernel: each pushes its result for the vector in local `x`. */
const UNARY_SIMD = {
  neg: (f, x) => void f.get(x).op('f32x4.neg'),
  abs: (f, x) => void f.get(x).op('f32x4.abs'),
  sqrt: (f, x) => void f.get(x).op('f32x4.sqrt'),
  square: (f, x) => void f.get(x).get(x).op('f32x4.mul'),
  reciprocal: (f, x) => void f.f32(1).op('f32x4.splat').get(x).op('f32x4.div'),
  // max(x, 0): NaN stays NaN and -0 becomes +0, as the scalar `v > 0 ? v : isNaN(v) ? v : 0` does.
  relu: (f, x) => void f.get(x).f32(0).op('f32x4.splat').op('f32x4.max'),
} as const satisfies Partial<Record<UnaryOp, (f: FunctionBuilder, x: Local) => void>>;
export type SimdUnaryOp = keyof typeof UNARY_SIMD;

export const SIMD_BINARY_OPS = Object.keys(BINARY_SIMD) as SimdBinaryOp[];
export const SIMD_UNARY_OPS = Object.keys(UNARY_SIMD) as SimdUnaryOp[];

/** `<op>_f32(a, aBytes, b, bBytes, dst, rows, n)`, byte addresses. */
export function emitBinary(op: SimdBinaryOp): FunctionBuilder {
  const f = new FunctionBuilder(`${op}_f32`, {
    a: 'i32',
    aBytes: 'i32',
    b: 'i32',
    bBytes: 'i32',
    dst: 'i32',
    rows: 'i32',
    n: 'i32',
  });
  const [a, aBytes, b, bBytes, dst, rows, n] = f.params;
  const [ra, rb, aEnd, bEnd, rowBytes, j] = ['ra', 'rb', 'aEnd', 'bEnd', 'rowBytes', 'j'].map((name) =>
    f.local(name, 'i32'),
  );
  f.get(a).set(ra).get(b).set(rb);
  f.get(a).get(aBytes).op('i32.add').set(aEnd);
  f.get(b).get(bBytes).op('i32.add').set(bEnd);
  f.get(n).i32(2).op('i32.shl').set(rowBytes);
  f.block('done', () => {
    f.loop('row', () => {
      f.get(rows).i32(0).op('i32.le_s').brIf('done');
      // dst[j] = a[j] (op) b[j] for the row's vectors
      f.i32(0).set(j);
      f.block('rowDone', () => {
        f.loop('vec', () => {
          f.get(j).get(rowBytes).op('i32.ge_s').brIf('rowDone');
          f.get(dst).get(j).op('i32.add');
          f.get(ra).get(j).op('i32.add').mem('v128.load');
          f.get(rb).get(j).op('i32.add').mem('v128.load');
          f.op(BINARY_SIMD[op]).mem('v128.store');
          f.get(j).i32(16).op('i32.add').set(j).br('vec');
        });
      });
      // next row; an operand that has used up its block starts it again
      f.get(dst).get(rowBytes).op('i32.add').set(dst);
      for (const [r, start, end] of [
        [ra, a, aEnd],
        [rb, b, bEnd],
      ] as const) {
        f.get(r).get(rowBytes).op('i32.add').set(r);
        f.get(r)
          .get(end)
          .op('i32.ge_u')
          .if(() => f.get(start).set(r));
      }
      f.get(rows).i32(1).op('i32.sub').set(rows).br('row');
    });
  });
  return f;
}

/** `<op>_f32(src, dst, n)`: dst[i] = op(src[i]) for n floats, byte addresses. */
export function emitUnary(op: SimdUnaryOp): FunctionBuilder {
  const f = new FunctionBuilder(`${op}_f32`, { src: 'i32', dst: 'i32', n: 'i32' });
  const [src, dst, n] = f.params;
  const x = f.local('x', 'v128');
  f.block('done', () => {
    f.loop('next', () => {
      f.get(n).i32(0).op('i32.le_s').brIf('done');
      f.get(src).mem('v128.load').set(x);
      f.get(dst);
      UNARY_SIMD[op](f, x);
      f.mem('v128.store');
      f.get(src).i32(16).op('i32.add').set(src);
      f.get(dst).i32(16).op('i32.add').set(dst);
      f.get(n).i32(4).op('i32.sub').set(n).br('next');
    });
  });
  return f;
}
