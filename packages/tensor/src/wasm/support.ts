/**
 * Which CPU kernel tier runs: 'wasm' (the WebAssembly SIMD kernels of this folder, float32 only) where
 * the runtime validates a SIMD module, 'js' (the scalar TypeScript kernels) otherwise. GQA_KERNELS=js|wasm
 * or the backend's `kernels` option forces one; forcing 'wasm' where SIMD is missing is an error.
 * GQA_WASM_FMA=1 or the backend's `fma` option opts the wasm tier's matmul into relaxed-SIMD FMA; it is
 * never on by default, since its bits depend on the machine.
 */
import { FunctionBuilder } from './function-builder';
import { buildModule } from './module-builder';

export type KernelTier = 'js' | 'wasm';

let simd: boolean | undefined;

/** Whether this runtime's WebAssembly accepts a module with f32x4 instructions. */
export function wasmSimdSupported(): boolean {
  if (simd !== undefined) return simd;
  const probe = new FunctionBuilder('probe', { x: 'f32' }, ['f32']);
  probe.get(probe.param('x')).op('f32x4.splat').get(probe.param('x')).op('f32x4.splat').op('f32x4.mul');
  probe.lane('f32x4.extract_lane', 0);
  const ok = typeof WebAssembly === 'object' && WebAssembly.validate(buildModule([probe], { minPages: 1 }));
  simd = ok;
  return ok;
}

/** The tier asked for (option, else GQA_KERNELS, else the best available), checked. */
export function resolveKernelTier(requested?: KernelTier): KernelTier {
  const env = globalThis.process?.env?.GQA_KERNELS;
  const want = requested ?? (env === undefined || env === '' ? undefined : env);
  if (want !== undefined && want !== 'js' && want !== 'wasm') {
    throw new RangeError(`GQA_KERNELS must be 'js' or 'wasm', got '${want}'`);
  }
  if (want === 'js') return 'js';
  if (want === 'wasm') {
    if (!wasmSimdSupported()) {
      throw new Error(
        "kernels 'wasm' were asked for (GQA_KERNELS or the backend option), but this runtime's WebAssembly does not validate a SIMD module",
      );
    }
    return 'wasm';
  }
  return wasmSimdSupported() ? 'wasm' : 'js';
}

let relaxed: boolean | undefined;

/** Whether this runtime's WebAssembly accepts f32x4.relaxed_madd (Node 20: only with --experimental-wasm-relaxed-simd). */
export function wasmRelaxedSimdSupported(): boolean {
  if (relaxed !== undefined) return relaxed;
  const probe = new FunctionBuilder('probe', { x: 'f32' }, ['f32']);
  const x = probe.param('x');
  probe.get(x).op('f32x4.splat').get(x).op('f32x4.splat').get(x).op('f32x4.splat').op('f32x4.relaxed_madd');
  probe.lane('f32x4.extract_lane', 0);
  relaxed = typeof WebAssembly === 'object' && WebAssembly.validate(buildModule([probe], { minPages: 1 }));
  return relaxed;
}

/**
 * Whether float32 matmul / Linear on `tier` use the relaxed-SIMD FMA kernel: the option, else
 * GQA_WASM_FMA ('1' on, '0' or unset off), checked. Off unless asked for. Asking where relaxed SIMD does
 * not validate is an error, not a silent fallback; so is the option together with the 'js' tier (the
 * variable then does nothing: it only concerns the wasm tier's kernels).
 */
export function resolveWasmFma(requested: boolean | undefined, tier: KernelTier): boolean {
  const env = globalThis.process?.env?.GQA_WASM_FMA;
  if (requested === undefined && env !== undefined && env !== '' && env !== '0' && env !== '1') {
    throw new RangeError(`GQA_WASM_FMA must be '0' or '1', got '${env}'`);
  }
  const want = requested ?? env === '1';
  if (!want) return false;
  if (!wasmRelaxedSimdSupported()) {
    throw new Error(
      "fma was asked for (GQA_WASM_FMA=1 or the backend's fma option), but this runtime's WebAssembly does not validate a relaxed-SIMD module (Node 20 needs node --experimental-wasm-relaxed-simd)",
    );
  }
  if (tier === 'wasm') return true;
  if (requested === true) {
    throw new Error("the backend's fma option needs the 'wasm' kernel tier, but kernels are 'js'");
  }
  return false;
}
