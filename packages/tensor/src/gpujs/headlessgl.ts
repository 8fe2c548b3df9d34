/**
 * headless-gl (`gl`, gpu.js's optional native dependency) as gpu.js loads it: resolved from gpu.js's own
 * folder (pnpm installs it only there). Node only. The install never builds it (.ci/headlessgl-setup.sh does),
 * and it is a non-context-aware addon: it loads in one thread per process, and gpu.js tries to load it in
 * whichever thread first imports gpu.js, including the webgpu worker.
 */

/** headless-gl's entry point: a WebGL1 context, or null when no X display can back one. */
type GlFactory = (width: number, height: number) => GlContext | null;

interface GlContext {
  getExtension(name: 'STACKGL_destroy_context'): { destroy(): void } | null;
}

function requireGl(): unknown {
  // node:module fetched at run time: no node: import for a browser bundler to meet.
  const { createRequire } = process.getBuiltinModule('node:module');
  const fromHere = createRequire(import.meta.url);
  return createRequire(fromHere.resolve('gpu.js'))('gl');
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/**
 * Loads gl in the calling thread if it is built, so that the webgpu worker's gpu.js (which loads it too, and
 * would then own it) cannot make the headlessgl mode unavailable to this thread. Without a build it does nothing.
 */
export function claimHeadlessGl(): void {
  try {
    requireGl();
  } catch {
    // Not built (the default install) or already owned by another thread: nothing to claim.
  }
}

/** Why headlessgl cannot start here, in words to act on (gpu.js only says "not supported"); '' if it can. */
export function headlessGlDiagnosis(): string {
  let gl: unknown;
  try {
    gl = requireGl();
  } catch (e) {
    const why = firstLine(e);
    if (why.includes('Could not locate the bindings file')) {
      return "gpu.js's optional native dependency gl is not built (the install skips native builds; run .ci/headlessgl-setup.sh)";
    }
    if (why.includes('did not self-register')) {
      return `gl is already loaded by another thread of this process (it loads in one thread only): ${why}`;
    }
    return `gl could not be loaded: ${why}`;
  }
  if (typeof gl !== 'function') return `gl loaded as ${typeof gl}, not its context factory`;
  const context = (gl as GlFactory)(1, 1);
  if (!context) {
    const display = process.env.DISPLAY ? `DISPLAY=${process.env.DISPLAY}` : 'DISPLAY is not set';
    return `gl is built but created no WebGL context (${display}); run under an X server, e.g. xvfb-run -a`;
  }
  context.getExtension('STACKGL_destroy_context')?.destroy();
  return '';
}
