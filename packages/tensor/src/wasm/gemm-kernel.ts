/**
 * The f32 GEMM kernel, emitted as WebAssembly SIMD: C (rows x 8*panels) = or += A (rows x kc) . B
 * (kc x 8*panels). A is read in place through byte strides (row stride `ars`, depth stride `acs`, so A
 * and its transpose need no copy). B is read as panels of 8 columns: panel p starts at b + p * bps, its
 * rows are brs bytes apart, 8 contiguous floats (two v128) each; that is B packed (brs = 32, bps = 32 kc)
 * or B stored row-major as it is (brs = its row stride, bps = 32). The micro-kernel keeps a 4 x 8 block of C in eight f32x4 accumulators; per step of
 * k it loads one B row (2 x v128), splats one A value per row, and does 8 f32x4 multiplies and 8 adds
 * (no fused multiply-add: results are the same on every machine). Each C element is one sequential f32
 * sum over k, whatever block or thread computes it. The opt-in `gemm_fma_f32` (GQA_WASM_FMA=1) is the
 * same loop with 8 f32x4.relaxed_madd instead: one rounding per step where the CPU has FMA, so its bits
 * depend on the machine (still the same for any block or thread count on one machine).
 */
import { FunctionBuilder, type Local } from './function-builder';

/** Rows and columns of the register block. */
export const GEMM_MR = 4;
export const GEMM_NR = 8;

/** The kernel's parameters (all i32: byte addresses and strides, counts, a 0/1 flag), in call order. */
export const GEMM_PARAMS = {
  a: 'i32',
  ars: 'i32',
  acs: 'i32',
  b: 'i32',
  brs: 'i32',
  bps: 'i32',
  c: 'i32',
  ldc: 'i32',
  rows: 'i32',
  panels: 'i32',
  kc: 'i32',
  accumulate: 'i32',
} as const;

/**
 * Emits `gemm_f32` (or, with `fma`, `gemm_fma_f32`): loops over B panels, then over 4-row blocks of A,
 * then a 3-, 2- or 1-row tail.
 */
export function emitGemm(fma = false): FunctionBuilder {
  const f = new FunctionBuilder(fma ? 'gemm_fma_f32' : 'gemm_f32', GEMM_PARAMS);
  const [a, ars, , b, , bps, c, ldc, rows, panels] = f.params;
  const p = f.local('p', 'i32');
  const i = f.local('i', 'i32');
  const bPanel = f.local('b_panel', 'i32');
  const cPanel = f.local('c_panel', 'i32');
  const regs = microKernelRegisters(f);

  f.block('panels_done', () => {
    f.loop('panels', () => {
      // for (p = 0; p < panels; p++): bPanel = b + p * bps, cPanel = c + p * 32
      f.get(p).get(panels).op('i32.ge_s').brIf('panels_done');
      f.get(b).get(p).get(bps).op('i32.mul').op('i32.add').set(bPanel);
      f.get(c)
        .get(p)
        .i32(GEMM_NR * 4)
        .op('i32.mul')
        .op('i32.add')
        .set(cPanel);
      f.i32(0).set(i);
      f.block('rows_done', () => {
        f.loop('rows', () => {
          // while (i + 4 <= rows) { 4 x 8 block at rows i..i+3; i += 4 }
          f.get(i).i32(GEMM_MR).op('i32.add').get(rows).op('i32.gt_s').brIf('rows_done');
          microKernel(f, regs, GEMM_MR, { a, ars, i, bPanel, cPanel, ldc }, fma);
          f.get(i).i32(GEMM_MR).op('i32.add').set(i).br('rows');
        });
      });
      // The last rows % 4 rows: a 3-, 2- or 1-row block.
      for (let mr = GEMM_MR - 1; mr >= 1; mr--) {
        f.get(rows).get(i).op('i32.sub').i32(mr).op('i32.eq');
        f.if(() => microKernel(f, regs, mr, { a, ars, i, bPanel, cPanel, ldc }, fma));
      }
      f.get(p).i32(1).op('i32.add').set(p).br('panels');
    });
  });
  return f;
}

/** Locals of the micro-kernel: accumulators, the B row, the splatted A value, row pointers, counters. */
interface Registers {
  readonly acc: Local[][];
  readonly b0: Local;
  readonly b1: Local;
  readonly aSplat: Local;
  readonly aRow: Local[];
  readonly bRow: Local;
  readonly k: Local;
}

function microKernelRegisters(f: FunctionBuilder): Registers {
  return {
    acc: Array.from({ length: GEMM_MR }, (_, r) => [
      f.local(`c${r}_lo`, 'v128'),
      f.local(`c${r}_hi`, 'v128'),
    ]),
    b0: f.local('b_lo', 'v128'),
    b1: f.local('b_hi', 'v128'),
    aSplat: f.local('a_splat', 'v128'),
    aRow: Array.from({ length: GEMM_MR }, (_, r) => f.local(`a_row${r}`, 'i32')),
    bRow: f.local('b_row', 'i32'),
    k: f.local('k', 'i32'),
  };
}

/**
 * The mr x 8 block of C at rows i.. of the current panel: load C (accumulate) or start from zero, then
 * kc steps of  c[r] += splat(A[i + r, k]) * B[k, 0..8)  and store C back.
 */
function microKernel(
  f: FunctionBuilder,
  g: Registers,
  mr: number,
  at: { a: Local; ars: Local; i: Local; bPanel: Local; cPanel: Local; ldc: Local },
  fma: boolean,
): void {
  const accumulate = f.param('accumulate');
  const acs = f.param('acs');
  const cRow = (r: number) =>
    f.get(at.cPanel).get(at.i).i32(r).op('i32.add').get(at.ldc).op('i32.mul').op('i32.add');
  for (let r = 0; r < mr; r++) {
    // aRow[r] = a + (i + r) * ars
    f.get(at.a).get(at.i).i32(r).op('i32.add').get(at.ars).op('i32.mul').op('i32.add').set(g.aRow[r]);
  }
  f.get(accumulate).if(
    () => {
      for (let r = 0; r < mr; r++) {
        cRow(r).mem('v128.load').set(g.acc[r][0]);
        cRow(r).mem('v128.load', 16).set(g.acc[r][1]);
      }
    },
    () => {
      for (let r = 0; r < mr; r++) {
        f.f32(0).op('f32x4.splat').tee(g.acc[r][0]).set(g.acc[r][1]);
      }
    },
  );
  f.get(at.bPanel).set(g.bRow);
  f.get(f.param('kc')).set(g.k);
  f.block('k_done', () => {
    f.get(g.k).op('i32.eqz').brIf('k_done');
    f.loop('k', () => {
      // The B row: 8 floats, two vectors.
      f.get(g.bRow).mem('v128.load').set(g.b0);
      f.get(g.bRow).mem('v128.load', 16).set(g.b1);
      for (let r = 0; r < mr; r++) {
        // c[r] += splat(A[i + r, k]) * b, for both halves of the row; then step A's pointer along k.
        f.get(g.aRow[r]).mem('v128.load32_splat').set(g.aSplat);
        madd(f, g.acc[r][0], g.aSplat, g.b0, fma); // c[r][0..4) += a * B[k, 0..4)
        madd(f, g.acc[r][1], g.aSplat, g.b1, fma); // c[r][4..8) += a * B[k, 4..8)
        f.get(g.aRow[r]).get(acs).op('i32.add').set(g.aRow[r]);
      }
      f.get(g.bRow).get(f.param('brs')).op('i32.add').set(g.bRow);
      f.get(g.k).i32(1).op('i32.sub').tee(g.k).brIf('k');
    });
  });
  for (let r = 0; r < mr; r++) {
    cRow(r).get(g.acc[r][0]).mem('v128.store');
    cRow(r).get(g.acc[r][1]).mem('v128.store', 16);
  }
}

/**
 * acc += a * b, four lanes: f32x4.mul then f32x4.add (two roundings, the same bits everywhere), or with
 * `fma` one f32x4.relaxed_madd(a, b, acc) (fused where the CPU has FMA, so machine-dependent bits).
 */
function madd(f: FunctionBuilder, acc: Local, a: Local, b: Local, fma: boolean): void {
  if (fma) f.get(a).get(b).get(acc).op('f32x4.relaxed_madd').set(acc);
  else f.get(acc).get(a).get(b).op('f32x4.mul').op('f32x4.add').set(acc);
}
