/**
 * createGpuBackend: the gpu.js Backend. gpu.js is an optional dependency loaded on demand, so importing
 * @gqa-lab/tensor never needs it. A requested mode either starts and runs its own kernel class or throws;
 * only `auto` may choose the CPU backend, and it says so once.
 */
import type { Backend } from '../backend';
import { composedAttention, composedAttentionBackward } from '../composed-attention';
import { cpuBackend } from '../cpu';
import type { NDArray } from '../ndarray';
import { Dispatcher, type OpCounts } from './dispatch';
import { loadGpuJs } from './load-gpujs';
import { gpuBinary, gpuMatmul, gpuReduce, gpuUnary } from './ops-basic';
import {
  gpuLayerNorm,
  gpuLayerNormBackward,
  gpuLogsumexp,
  gpuSoftmax,
  gpuSoftmaxBackward,
} from './ops-normalize';
import { type Program, type ProgramResult, singleStep } from './program';
import { Residency } from './residency';
import { emptyRunnerStats, type RunnerStats } from './runner';
import { makeTables } from './tables';

export type GpuMode = 'webgpu' | 'headlessgl' | 'webgl' | 'webgl2';

export interface GpuBackendOptions {
  /** webgpu (Node: Dawn on EGL), headlessgl (Node: needs gl built and X), webgl / webgl2 (browsers), or auto. */
  readonly mode: GpuMode | 'auto';
  /** Ops with fewer output elements than this run the CPU kernel (launch + transfer cost more). Default 4096. */
  readonly threshold?: number;
  /** Where size-limit fallbacks and auto's choice are reported (default console.warn). */
  readonly warn?: (message: string) => void;
  /**
   * The gpu.js module, for bundled browser apps (`gpujs: await import('gpu.js')`): the backend imports gpu.js
   * by a name bundlers do not follow, so that a bundle builds without it. Node loads it by itself.
   */
  readonly gpujs?: object;
}

/** A Backend plus what actually runs underneath. */
export interface GpuBackend extends Backend {
  readonly mode: GpuMode | 'cpu';
  /** gpu.js kernel class that runs the GPU kernels (WebGPUKernel, HeadlessGLKernel, ...), or 'cpu'. */
  readonly kernelClass: string;
  /** The adapter or context in words (e.g. "llvmpipe ..."). */
  readonly device: string;
  /** Per-op counts of GPU and CPU kernel runs (with the CPU reasons). */
  readonly counts: ReadonlyMap<string, OpCounts>;
  /** Compiled kernels, programs run, device results alive, uploads and downloads so far. */
  runnerStats(): RunnerStats;
  /**
   * Runs fn, then deletes on the device every result made inside it that was not read back (`.data`),
   * returned (an NDArray, or one directly inside a returned array / plain object) or passed to `keep`.
   */
  tidy<T>(fn: () => T): T;
  /** Keeps x's device result alive past the innermost `tidy` (it joins the enclosing scope, if any). */
  keep(x: NDArray): NDArray;
  /** Frees device memory and kernels; the backend must not be used afterwards. */
  dispose(): void;
}

interface Device {
  readonly kernelClass: string;
  readonly adapter: string;
  /** Subnormal inputs read as 0 on this device (probed at start in GL modes). */
  readonly flushesSubnormals: boolean;
  run(program: Program): ProgramResult;
  download(handle: number): Float32Array;
  release(handles: readonly number[]): void;
  readonly stats: RunnerStats;
  close(): void;
}

const GL_CLASS: Record<Exclude<GpuMode, 'webgpu'>, string> = {
  headlessgl: 'HeadlessGLKernel',
  webgl: 'WebGLKernel',
  webgl2: 'WebGL2Kernel',
};

async function startGlDevice(mode: Exclude<GpuMode, 'webgpu'>, gpujs: object | undefined): Promise<Device> {
  const { GPU } = await loadGpuJs(gpujs);
  const { ProgramRunner } = await import('./runner');
  const runner = new ProgramRunner(new GPU({ mode }), GL_CLASS[mode]);
  // A first kernel proves the context exists; gpu.js would otherwise fall back at the first real op.
  runner.runSync(singleStep('unary.neg', [new Float32Array([1])], 1, {}, true));
  // Is the smallest subnormal > 0 on this device? GLSL ES lets a GPU flush subnormals to zero.
  const probe = [new Float32Array([2 ** -149]), new Float32Array([0])];
  const [gt] = runner.runSync(singleStep('compare.gt', probe, 1, {}, true)).values;
  return {
    kernelClass: runner.expectedClass,
    adapter: mode,
    flushesSubnormals: gt[0] !== 1,
    run: (p) => runner.runSync(p),
    download: (h) => runner.downloadSync(h),
    release: (hs) => runner.release(hs),
    get stats() {
      return runner.stats;
    },
    close: () => runner.dispose(),
  };
}

async function startDevice(mode: GpuMode, gpujs: object | undefined): Promise<Device> {
  try {
    if (mode === 'webgpu') {
      // Loaded only here: the worker device needs node:worker_threads, which a browser bundle must not pull in.
      const { WebGpuWorkerDevice } = await import('./worker-device');
      // Not probed: Dawn on llvmpipe keeps subnormals (the contract's sign / compare cases pass there).
      return Object.assign(new WebGpuWorkerDevice(), { flushesSubnormals: false });
    }
    return await startGlDevice(mode, gpujs);
  } catch (e) {
    const cause = e instanceof Error ? e.message : String(e);
    // gpu.js says only "not supported" for headlessgl: name the missing build or display instead.
    const hint = mode === 'headlessgl' && typeof process !== 'undefined' ? await headlessGlHint() : '';
    throw new Error(`createGpuBackend: mode ${mode} is not available: ${cause}${hint ? `: ${hint}` : ''}`);
  }
}

async function headlessGlHint(): Promise<string> {
  try {
    return (await import('./headlessgl')).headlessGlDiagnosis();
  } catch (e) {
    return `(no diagnosis: ${e instanceof Error ? e.message : String(e)})`;
  }
}

/** Starts the gpu.js backend in `mode`; throws naming the mode and the cause when it cannot start. */
export async function createGpuBackend(options: GpuBackendOptions): Promise<GpuBackend> {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  let device: Device;
  if (options.mode === 'auto') {
    const order: GpuMode[] = typeof process === 'undefined' ? ['webgl2', 'webgl'] : ['webgpu', 'headlessgl'];
    const errors: string[] = [];
    for (const mode of order) {
      try {
        device = await startDevice(mode, options.gpujs);
        return wrap(mode, device, options.threshold ?? 4096, warn);
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
    warn(`createGpuBackend(auto): no GPU mode started, using the CPU backend (${errors.join('; ')})`);
    return cpuGpuBackend();
  }
  device = await startDevice(options.mode, options.gpujs);
  return wrap(options.mode, device, options.threshold ?? 4096, warn);
}

function cpuGpuBackend(): GpuBackend {
  return {
    ...cpuBackend,
    mode: 'cpu',
    kernelClass: 'cpu',
    device: 'cpu',
    counts: new Map(),
    runnerStats: emptyRunnerStats,
    tidy: (fn) => fn(),
    keep: (x) => x,
    dispose: () => {},
  };
}

function wrap(mode: GpuMode, device: Device, threshold: number, warn: (m: string) => void): GpuBackend {
  const residency = new Residency(device);
  const d = new Dispatcher(residency, threshold, warn, device.flushesSubnormals);
  const cpu = cpuBackend;
  const backend: GpuBackend = {
    ...cpu,
    ...makeTables(d, cpu, gpuUnary, gpuBinary, gpuReduce),
    name: `gpujs-${mode}`,
    mode,
    kernelClass: device.kernelClass,
    device: device.adapter,
    counts: d.counts,
    runnerStats: () => ({ ...device.stats }),
    tidy: (fn) => residency.tidy(fn),
    keep: (x) => residency.keep(x),
    dispose: () => {
      residency.close();
      device.close();
    },
    matmul: (a, b) => gpuMatmul(d, cpu, a, b),
    softmax: (x, axis) => gpuSoftmax(d, cpu, x, axis),
    softmaxBackward: (y, dy, axis) => gpuSoftmaxBackward(d, cpu, y, dy, axis),
    logsumexp: (x, axis, keepdims) => gpuLogsumexp(d, cpu, x, axis, keepdims),
    layerNorm: (x, w, b, eps) => gpuLayerNorm(d, cpu, x, w, b, eps),
    layerNormBackward: (dy, x, w, mean, rstd, hasBias) =>
      gpuLayerNormBackward(d, cpu, dy, x, w, mean, rstd, hasBias),
    // Composed from this backend's own kernels (hence `backend`, the object being built), in a tidy scope so
    // the intermediates' device buffers are freed; float64 never reaches the device: the CPU's fused kernel.
    attention: (args, keepWeights) =>
      args.q.dtype === 'float32'
        ? residency.tidy(() => composedAttention(backend, cpu, args))
        : cpu.attention(args, keepWeights),
    attentionBackward: (args, saved, dOut) =>
      args.q.dtype === 'float32'
        ? residency.tidy(() => composedAttentionBackward(backend, cpu, args, saved, dOut))
        : cpu.attentionBackward(args, saved, dOut),
  };
  return backend;
}
