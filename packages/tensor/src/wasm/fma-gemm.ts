/**
 * The opt-in relaxed-SIMD GEMM (`gemm_fma_f32`, GQA_WASM_FMA=1) as a module of its own, instantiated over
 * the same arena memory as the main kernel module: the main module must validate on every SIMD runtime, and
 * a relaxed instruction in it would make it fail where relaxed SIMD is off (Node 20 without
 * --experimental-wasm-relaxed-simd). Compiled once per thread, on the first FMA matmul of that thread.
 */
import type { FunctionBuilder } from './function-builder';
import { emitGemm } from './gemm-kernel';
import type { Arena, Kernels } from './kernel-module';
import { buildModule, moduleListing } from './module-builder';

type Gemm = Kernels['gemm_f32'];

/** The FMA module's functions, freshly emitted. */
function fmaFunctions(): FunctionBuilder[] {
  return [emitGemm(true)];
}

/** The FMA module's bytes (memory imported as env.memory, like the main module). */
export function fmaModuleBytes(): Uint8Array<ArrayBuffer> {
  return buildModule(fmaFunctions(), { minPages: 1 });
}

/** The FMA module in the text format (`pnpm kernels:listing` prints it after the main module). */
export function fmaListing(): string {
  return moduleListing(fmaFunctions());
}

let compiled: WebAssembly.Module | null = null;
/** The FMA kernel of each arena this thread made (an arena's memory is replaced, never grown). */
const instances = new WeakMap<Arena, Gemm>();

/** `gemm_fma_f32` over `arena`'s memory, with the same parameters as `gemm_f32`. */
export function fmaGemmOf(arena: Arena): Gemm {
  const have = instances.get(arena);
  if (have) return have;
  compiled ??= compileFma();
  const { exports } = new WebAssembly.Instance(compiled, { env: { memory: arena.memory } });
  if (!exportsGemm(exports)) throw new Error('wasm fma: the module does not export gemm_fma_f32');
  instances.set(arena, exports.gemm_fma_f32);
  return exports.gemm_fma_f32;
}

/** Whether the instance exports the kernel (DOM typings give exports as bare Functions, Node's as unknown). */
function exportsGemm(exports: WebAssembly.Exports): exports is WebAssembly.Exports & { gemm_fma_f32: Gemm } {
  return typeof exports.gemm_fma_f32 === 'function';
}

function compileFma(): WebAssembly.Module {
  const bytes = fmaModuleBytes();
  if (!WebAssembly.validate(bytes)) {
    throw new Error(
      'GQA_WASM_FMA: this thread does not validate the relaxed-SIMD module (Node 20 needs node --experimental-wasm-relaxed-simd)',
    );
  }
  return new WebAssembly.Module(bytes);
}
