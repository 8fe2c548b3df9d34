/**
 * Recipe B of design/gpu.md: Dawn (the `webgpu` package) on its OpenGL backend through EGL surfaceless, which
 * runs on Mesa's llvmpipe with no GPU and no X server. gpu.js only looks for `navigator.gpu`, so this installs
 * one whose requestAdapter asks for the feature level that the chosen Dawn backend supports.
 * On a machine with a real GPU, GQA_DAWN_BACKEND=vulkan picks Dawn's Vulkan backend instead (bench/device).
 * Runs inside the webgpu worker thread (see webgpu-worker.ts).
 */

/** The adapter Dawn picked, for messages ("llvmpipe (LLVM 15.0.6, 256 bits)"). */
export interface DawnAdapterInfo {
  readonly vendor: string;
  readonly description: string;
}

/** Dawn backends this package can run gpu.js on. */
export type DawnBackendName = 'opengl' | 'opengles' | 'vulkan';

const DAWN_BACKENDS: readonly DawnBackendName[] = ['opengl', 'opengles', 'vulkan'];

/**
 * The Dawn backend named by GQA_DAWN_BACKEND: unset or empty means opengl (CI's llvmpipe recipe); any other
 * value than vulkan / opengl / opengles throws, naming the value.
 */
export function dawnBackendFromEnv(value: string | undefined): DawnBackendName {
  if (value === undefined || value === '') return 'opengl';
  const found = DAWN_BACKENDS.find((b) => b === value);
  if (!found) {
    throw new Error(
      `createGpuBackend(webgpu): GQA_DAWN_BACKEND=${JSON.stringify(value)} is not a Dawn backend; use one of ${DAWN_BACKENDS.join(', ')} (unset = opengl)`,
    );
  }
  return found;
}

/** Dawn's GL backends only offer compatibility-level adapters; Vulkan offers the core level. */
export function dawnFeatureLevel(backend: DawnBackendName): 'core' | 'compatibility' {
  return backend === 'vulkan' ? 'core' : 'compatibility';
}

function noAdapterHint(backend: DawnBackendName): string {
  return backend === 'vulkan'
    ? 'needs libvulkan.so.1 and a Vulkan driver (ICD; set VK_DRIVER_FILES to its json if the loader misses it)'
    : 'on Debian install libegl1 libegl-mesa0 libgl1-mesa-dri (.ci/gpu-setup.sh) and set EGL_PLATFORM=surfaceless';
}

interface AdapterLike {
  readonly info?: { readonly vendor?: string; readonly description?: string; readonly device?: string };
}

interface DawnGpu {
  requestAdapter(options?: object): Promise<AdapterLike | null>;
  readonly wgslLanguageFeatures?: unknown;
}

/** Loads Dawn, defines `navigator.gpu` and checks that an adapter exists; throws naming what failed. */
export async function installDawnNavigatorGpu(
  dawnBackend: DawnBackendName = 'opengl',
): Promise<DawnAdapterInfo> {
  let mod: { create(options: string[]): DawnGpu; globals: object };
  try {
    mod = await import('webgpu');
  } catch (e) {
    throw new Error(
      `createGpuBackend(webgpu): the optional package webgpu@0.6.2 could not be loaded (${String(e)}); install optional dependencies`,
    );
  }
  Object.assign(globalThis, mod.globals);
  const dawn = mod.create([`backend=${dawnBackend}`]);
  const featureLevel = dawnFeatureLevel(dawnBackend);
  const gpu = {
    requestAdapter: (options?: object) => dawn.requestAdapter({ ...options, featureLevel }),
    getPreferredCanvasFormat: () => 'rgba8unorm',
    wgslLanguageFeatures: dawn.wgslLanguageFeatures,
  };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new Error(
      `createGpuBackend(webgpu): Dawn (backend=${dawnBackend}, featureLevel ${featureLevel}) found no adapter; ${noAdapterHint(dawnBackend)}`,
    );
  }
  const info = adapter.info ?? {};
  return { vendor: info.vendor ?? '', description: info.description || info.device || 'unknown adapter' };
}
