/**
 * Which CPU kernel tier runs: 'wasm' (the WebAssembly SIMD kernels of this folder, float32 only) where
 * the runtime validates a SIMD module, 'js' (the scalar TypeScript kernels) otherwise. GQA_KERNELS=js|wasm
 * or the backend's `kernels` option forces one; forcing 'wasm' where SIMD is missing is an error.
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
