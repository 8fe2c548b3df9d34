/**
 * gpu.js, loaded on demand for the GL modes. It is an optional peer dependency, so its name is a variable:
 * bundlers (vite, rollup, webpack) then leave the import alone and a browser bundle of @gqa-lab/tensor builds
 * without gpu.js installed. A bundled app that wants webgl / webgl2 passes the module it bundled instead
 * (`createGpuBackend({ mode: 'webgl2', gpujs: await import('gpu.js') })`); Node finds gpu.js by itself.
 */
import type { GPU } from 'gpu.js';

/** The part of the gpu.js module the backend uses. */
export interface GpuJsModule {
  readonly GPU: typeof GPU;
}

const GPU_JS = 'gpu.js';

function isGpuJs(m: object): m is GpuJsModule {
  return 'GPU' in m && typeof m.GPU === 'function';
}

/** `given` when it is the gpu.js module, else gpu.js imported by name; throws saying how to install it. */
export async function loadGpuJs(given?: object): Promise<GpuJsModule> {
  if (given !== undefined) {
    if (!isGpuJs(given)) throw new TypeError('options.gpujs is not the gpu.js module (it has no GPU export)');
    return given;
  }
  let m: object;
  try {
    m = await import(/* @vite-ignore */ GPU_JS);
  } catch (e) {
    const cause = e instanceof Error ? e.message : String(e);
    throw new Error(
      `gpu.js could not be loaded (an optional peer dependency: npm install gpu.js@2.24.1): ${cause}`,
    );
  }
  if (!isGpuJs(m)) throw new Error('gpu.js loaded but has no GPU export');
  return m;
}
