/**
 * Recipe B of design/gpu.md: Dawn (the `webgpu` package) on its OpenGL backend through EGL surfaceless, which
 * runs on Mesa's llvmpipe with no GPU and no X server. gpu.js only looks for `navigator.gpu`, so this installs
 * one whose requestAdapter asks for the compatibility feature level that Dawn-on-GL requires.
 * Runs inside the webgpu worker thread (see webgpu-worker.ts).
 */

/** The adapter Dawn picked, for messages ("llvmpipe (LLVM 15.0.6, 256 bits)"). */
export interface DawnAdapterInfo {
  readonly vendor: string;
  readonly description: string;
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
  dawnBackend: 'opengl' | 'opengles' = 'opengl',
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
  const gpu = {
    requestAdapter: (options?: object) => dawn.requestAdapter({ ...options, featureLevel: 'compatibility' }),
    getPreferredCanvasFormat: () => 'rgba8unorm',
    wgslLanguageFeatures: dawn.wgslLanguageFeatures,
  };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new Error(
      `createGpuBackend(webgpu): Dawn (backend=${dawnBackend}) found no adapter; on Debian install libegl1 libegl-mesa0 libgl1-mesa-dri (.ci/gpu-setup.sh) and set EGL_PLATFORM=surfaceless`,
    );
  }
  const info = adapter.info ?? {};
  return { vendor: info.vendor ?? '', description: info.description || info.device || 'unknown adapter' };
}
