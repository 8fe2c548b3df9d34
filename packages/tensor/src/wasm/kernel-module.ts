/**
 * The compiled kernels of this thread, over one WebAssembly.Memory (the arena). The module is compiled
 * once per thread from the bytes the emitters produce. The arena never grows in place: when a call needs
 * more room, a bigger memory replaces it (and the module is instantiated again over it), so no
 * ArrayBuffer is ever detached (a detach would trip V8's ArrayBufferDetaching protector, which the scalar
 * matmul's fixed-array micro-kernel depends on; see bench/README.md) and no shared memory is needed.
 */

import { emitAdam } from './adam-kernel';
import { emitCopyRows } from './copy-rows-kernel';
import {
  emitBinary,
  emitUnary,
  SIMD_BINARY_OPS,
  SIMD_UNARY_OPS,
  type SimdBinaryOp,
  type SimdUnaryOp,
} from './elementwise-kernel';
import type { FunctionBuilder } from './function-builder';
import { emitGelu, emitGeluGrad } from './gelu-kernel';
import { emitGemm } from './gemm-kernel';
import { emitLayerNorm, emitLayerNormGrad } from './layer-norm-kernel';
import { buildModule, moduleListing } from './module-builder';
import { emitSumLast, emitSumRows } from './reduce-kernel';
import { emitExpShift, emitSoftmax, emitSoftmaxGrad } from './softmax-kernel';

const PAGE = 65536;

/** Element-wise kernels (elementwise-kernel.ts): byte addresses, counts in floats. */
type BinaryKernels = Record<
  `${SimdBinaryOp}_f32`,
  (a: number, aBytes: number, b: number, bBytes: number, dst: number, rows: number, n: number) => void
>;
type UnaryKernels = Record<`${SimdUnaryOp}_f32`, (src: number, dst: number, n: number) => void>;

/** The exported kernels, typed. */
export interface Kernels extends BinaryKernels, UnaryKernels {
  gemm_f32(
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bps: number,
    c: number,
    ldc: number,
    rows: number,
    panels: number,
    kc: number,
    accumulate: number,
  ): void;
  gelu_f32(src: number, dst: number, n: number): void;
  gelu_grad_f32(x: number, dy: number, dst: number, n: number): void;
  softmax_f32(x: number, y: number, rows: number, n: number, ld: number, stats: number): void;
  softmax_grad_f32(y: number, dy: number, dx: number, rows: number, n: number, ld: number): void;
  exp_shift_f32(x: number, rows: number, n: number, ld: number, shift: number): void;
  copy_rows_f32(
    src: number,
    sld: number,
    scs: number,
    dst: number,
    dld: number,
    rows: number,
    n: number,
    width: number,
    mul: number,
  ): void;
  layer_norm_f32(
    x: number,
    w: number,
    b: number,
    out: number,
    mean: number,
    rstd: number,
    rows: number,
    n: number,
    eps: number,
  ): void;
  sum_rows_f32(src: number, acc: number, rows: number, n: number): void;
  adam_f32(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    mode: number,
    shrink: number,
    wd: number,
    c1: number,
    b2: number,
    c2: number,
    stepSize: number,
    bc2Sqrt: number,
    eps: number,
  ): void;
  sum_last_f32(src: number, out: number, rows: number, n: number): void;
  layer_norm_grad_f32(
    x: number,
    dy: number,
    w: number,
    mean: number,
    rstd: number,
    dx: number,
    xhat: number,
    g: number,
    dw: number,
    dbias: number,
    rows: number,
    n: number,
  ): void;
}

/** Every kernel function of the module, freshly emitted. */
export function kernelFunctions(): FunctionBuilder[] {
  return [
    emitGemm(),
    emitGelu(),
    emitGeluGrad(),
    ...SIMD_BINARY_OPS.map(emitBinary),
    ...SIMD_UNARY_OPS.map(emitUnary),
    emitSoftmax(),
    emitSoftmaxGrad(),
    emitExpShift(),
    emitCopyRows(),
    emitLayerNorm(),
    emitLayerNormGrad(),
    emitSumRows(),
    emitSumLast(),
    emitAdam(),
  ];
}

/** The module's bytes (memory imported as env.memory, at least one page). */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  return buildModule(kernelFunctions(), { minPages: 1 });
}

/** The module in the text format: what `pnpm kernels:listing` prints. */
export function kernelListing(): string {
  return moduleListing(kernelFunctions());
}

let compiled: WebAssembly.Module | null = null;

/** One thread's memory, its float view and the kernels instantiated over it. */
export interface Arena {
  readonly memory: WebAssembly.Memory;
  readonly f32: Float32Array;
  readonly kernels: Kernels;
}

let arena: Arena | null = null;

function isKernels(exports: WebAssembly.Exports): exports is WebAssembly.Exports & Kernels {
  return kernelFunctions().every((f) => typeof exports[f.name] === 'function');
}

/** Who used the arena last: a kernel that keeps operands there between calls (GEMM) checks it. */
let lastUser = '';
let generation = 0;

/**
 * The arena for kernel `user` with at least `bytes` bytes, and a generation number that changes whenever
 * another kernel used the arena or its memory was replaced since: contents kept from an earlier call are
 * valid only while it is unchanged. A bigger request replaces the memory (earlier contents are gone), so
 * callers copy their operands in after asking for room.
 */
export function claimArena(user: string, bytes: number): { arena: Arena; generation: number } {
  if (user !== lastUser) {
    lastUser = user;
    generation++;
  }
  const have = arena;
  const got = arenaWithRoom(bytes);
  if (got !== have) generation++;
  return { arena: got, generation };
}

/** This thread's arena with at least `bytes` bytes (contents not kept across a replacement). */
export function arenaWithRoom(bytes: number): Arena {
  if (arena !== null && arena.memory.buffer.byteLength >= bytes) return arena;
  compiled ??= new WebAssembly.Module(kernelModuleBytes());
  const have = arena === null ? 0 : arena.memory.buffer.byteLength;
  const pages = Math.ceil(Math.max(bytes, 2 * have, 16 * PAGE) / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages });
  const { exports } = new WebAssembly.Instance(compiled, { env: { memory } });
  if (!isKernels(exports)) throw new Error('wasm kernels: the module does not export every kernel');
  arena = { memory, f32: new Float32Array(memory.buffer), kernels: exports };
  return arena;
}
