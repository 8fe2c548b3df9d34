/**
 * One work unit of a float32 matmul plan on the WebAssembly tier. Per thread and batch matrix, A's
 * storage span is copied into the arena as it is (the kernel reads it through its strides, so A and
 * A^T cost the same memcpy); so is B's when its rows are contiguous (the kernel reads 8 columns of a row
 * as two vectors) and its row stride does not make its rows collide in the L1 cache (readsBInPlace),
 * otherwise B is packed once into 8-column panels, KC rows deep per slice. Every unit of
 * that matrix then reuses both. A unit runs the kernel slice by slice into a C block in the arena
 * (the first slice assigns, later ones add: one f32 sum per element, in k order) and copies its rows out.
 * A plan with `fma` (GQA_WASM_FMA=1) runs gemm_fma_f32 (fma-gemm.ts) instead of gemm_f32.
 */
import type { MatmulPlan, UnitBlock } from '../cpu/matmul-plan-types';
import { fmaGemmOf } from './fma-gemm';
import { GEMM_NR } from './gemm-kernel';
import { type Arena, claimArena } from './kernel-module';

/** Depth of one slice: a packed B panel (KC x 8 floats, 8 KiB) stays in L1 across the row blocks. */
const KC = 256;
const F32 = 4;

/**
 * What the arena holds for `plan`: packed B of the matrix at storage offset `bOffset` (at byte 0), then
 * A's span from storage offset `aOffset`, then the C block. Broadcast batches reuse whichever is unchanged.
 */
interface Loaded {
  plan: MatmulPlan;
  bOffset: number;
  aOffset: number;
  /** Storage offset where the copied A span starts (A's element (i, k) is at aOffset + i * ars + k * acs). */
  aLo: number;
  /** B read in place (contiguous rows: its span copied) rather than packed; bLo is then its span start. */
  bDirect: boolean;
  bLo: number;
  /** Byte addresses of B (packed or its span), A's span and the C block. */
  bAt: number;
  aAt: number;
  cAt: number;
  arena: Arena;
  /** The arena's generation when this was loaded (another kernel's use invalidates it). */
  generation: number;
}
let loaded: Loaded | null = null;

/** Lowest and highest storage offset the (M, K) matrix at `base` touches (strides may be 0 or negative). */
function span(base: number, M: number, K: number, rs: number, cs: number): [number, number] {
  const ends = [0, (M - 1) * rs, (K - 1) * cs, (M - 1) * rs + (K - 1) * cs].map((d) => base + d);
  return [Math.min(...ends), Math.max(...ends)];
}

/** Packs B_t and copies A_t in (each unless already there) and returns where they are. */
function load(plan: MatmulPlan, t: number): Loaded {
  const { M, K, N, ars, acs } = plan;
  const aOffset = plan.aOffsets[t];
  const bOffset = plan.bOffsets[t];
  let at = loaded;
  if (at !== null && at.plan === plan && claimArena('gemm', 0).generation !== at.generation) at = null;
  if (at === null || at.plan !== plan) {
    // A new plan: lay the arena out for it (every batch matrix has the same sizes).
    const [lo, hi] = span(aOffset, M, K, ars, acs);
    const [bLo, bHi] = span(bOffset, K, N, plan.brs, plan.bcs);
    const panels = Math.ceil(N / GEMM_NR);
    const bDirect = readsBInPlace(plan);
    // In place, the last panel reads up to 7 floats past a row's end: room for them past the span.
    const bBytes = bDirect ? (bHi - bLo + 1 + GEMM_NR) * F32 : K * panels * GEMM_NR * F32;
    const aAt = alignUp(bBytes);
    const cAt = alignUp(aAt + (hi - lo + 1) * F32);
    const { arena, generation } = claimArena('gemm', cAt + plan.unitRows * panels * GEMM_NR * F32);
    at = { plan, bOffset: -1, aOffset: -1, aLo: 0, bDirect, bLo: 0, bAt: 0, aAt, cAt, arena, generation };
    loaded = at;
  }
  if (at.bOffset !== bOffset) {
    if (at.bDirect) {
      const [lo, hi] = span(bOffset, K, N, plan.brs, plan.bcs);
      at.arena.f32.set(plan.b.subarray(lo, hi + 1), at.bAt / F32);
      at.bLo = lo;
    } else packB(plan, bOffset, Math.ceil(N / GEMM_NR), at.arena.f32, at.bAt / F32);
    at.bOffset = bOffset;
  }
  if (at.aOffset !== aOffset) {
    const [lo, hi] = span(aOffset, M, K, ars, acs);
    at.arena.f32.set(plan.a.subarray(lo, hi + 1), at.aAt / F32);
    at.aLo = lo;
    at.aOffset = aOffset;
  }
  return at;
}

/** Rows of B's matrix at least, for packing a B whose row stride is a multiple of ALIASING_STRIDE floats. */
const PACK_MIN_ROWS = 256;
/** 512 floats = 2 KiB: rows this far apart fall into the same few sets of a 32 KiB 8-way L1 cache. */
const ALIASING_STRIDE = 512;

/**
 * Whether B's rows are read in place (copied as a span) rather than packed: when they are contiguous,
 * unless their stride is a multiple of 2 KiB and A has enough rows to repay the packing. At such
 * strides a panel's KC rows share a handful of L1 sets and evict each other between the row blocks
 * (one thread, pooled outputs: 512^3 34.9 -> 38.2 GFLOP/s packed, 1024^3 31.4 -> 39.7; with 64 or 128
 * rows of A packing measured slower: 64 x 512 x 512 32.1 -> 24.8).
 */
function readsBInPlace(plan: MatmulPlan): boolean {
  if (plan.bcs !== 1 || plan.brs < 0) return false;
  return plan.brs % ALIASING_STRIDE !== 0 || plan.M < PACK_MIN_ROWS;
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * B (K, N) at storage offset `base` -> slices of KC rows; in each slice, panels of 8 columns, each kc
 * rows of 8 floats (columns past N are zero). Slice s starts at k0 * panels * 8.
 */
function packB(plan: MatmulPlan, base: number, panels: number, dst: Float32Array, at: number): void {
  const { b, K, N, brs, bcs } = plan;
  let d = at;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    for (let q = 0; q < panels; q++) {
      const j0 = q * GEMM_NR;
      const nr = Math.min(GEMM_NR, N - j0);
      for (let k = k0; k < k0 + kc; k++) {
        const row = base + k * brs + j0 * bcs;
        for (let jj = 0; jj < nr; jj++) dst[d + jj] = b[row + jj * bcs];
        for (let jj = nr; jj < GEMM_NR; jj++) dst[d + jj] = 0;
        d += GEMM_NR;
      }
    }
  }
}

/** The unit's block of batch matrix u.t (rows i0.., columns j0..) into `out` (dense (batch, M, N) float32). */
export function wasmGemmRows(plan: MatmulPlan, u: UnitBlock, out: Float32Array): void {
  const { M, K, N, ars, acs } = plan;
  const o0 = (u.t * M + u.i0) * N + u.j0;
  if (K === 0) {
    for (let i = 0; i < u.rows; i++) out.fill(0, o0 + i * N, o0 + i * N + u.cols);
    return;
  }
  const at = load(plan, u.t);
  const panels = Math.ceil(N / GEMM_NR);
  // The unit covers whole panels: those overlapping its columns (a neighbour may compute the same
  // edge columns too, with the same bits).
  const p0 = Math.floor(u.j0 / GEMM_NR);
  const p1 = Math.ceil((u.j0 + u.cols) / GEMM_NR);
  const ldc = (p1 - p0) * GEMM_NR;
  const aRow0 = at.aOffset - at.aLo + u.i0 * ars;
  const gemm = plan.fma ? fmaGemmOf(at.arena) : at.arena.kernels.gemm_f32;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    // Packed B: slice k0 starts at k0 * panels * 8 floats, its panels kc * 8 floats apart. In place:
    // row k0 of the span, panels 8 floats apart.
    const [bSlice, brs, bps] = at.bDirect
      ? [at.bAt + (at.bOffset - at.bLo + k0 * plan.brs + p0 * GEMM_NR) * F32, plan.brs * F32, GEMM_NR * F32]
      : [at.bAt + (k0 * panels + p0 * kc) * GEMM_NR * F32, GEMM_NR * F32, kc * GEMM_NR * F32];
    gemm(
      at.aAt + (aRow0 + k0 * acs) * F32,
      ars * F32,
      acs * F32,
      bSlice,
      brs,
      bps,
      at.cAt,
      ldc * F32,
      u.rows,
      p1 - p0,
      kc,
      k0 === 0 ? 0 : 1,
    );
  }
  const c = at.arena.f32;
  const c0 = at.cAt / F32 + (u.j0 - p0 * GEMM_NR);
  if (ldc === N && u.cols === N) {
    // Whole rows with no padding: one copy.
    out.set(c.subarray(c0, c0 + u.rows * N), o0);
    return;
  }
  for (let i = 0; i < u.rows; i++) {
    out.set(c.subarray(c0 + i * ldc, c0 + i * ldc + u.cols), o0 + i * N);
  }
}
