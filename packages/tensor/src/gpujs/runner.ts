/**
 * Runs Programs on one gpu.js GPU instance: compiles each kernel once per key (cache lives here, outside
 * tensors), keeps intermediate step results on the device (pipeline mode), reads back only the returned
 * steps and deletes every device result before returning, so device memory does not grow between calls.
 */
import type { GPU } from 'gpu.js';
import { type KernelName, kernelBody, kernelKey, type Program, type Step } from './program';

/** A device-resident kernel result (gpu.js Texture or WebGPUBufferResult). */
interface DeviceResult {
  toArray(): unknown;
  delete(): void;
}

/** What the runner needs from a compiled gpu.js kernel. */
interface CompiledKernel {
  (...args: unknown[]): unknown;
  readonly kernel: object;
}

function isDeviceResult(v: unknown): v is DeviceResult {
  return typeof v === 'object' && v !== null && 'toArray' in v && 'delete' in v;
}

function toFloat32(op: string, v: unknown): Float32Array {
  if (v instanceof Float32Array) return v;
  throw new TypeError(
    `gpujs: kernel ${op} returned ${Object.prototype.toString.call(v)}, expected a Float32Array`,
  );
}

/** Counters a test can assert on: no growth after warm-up means no leak. */
export interface RunnerStats {
  kernelsCompiled: number;
  programsRun: number;
  /** Device results alive right now (0 between programs). */
  liveDeviceResults: number;
}

export class ProgramRunner {
  private readonly cache = new Map<string, CompiledKernel>();
  readonly stats: RunnerStats = { kernelsCompiled: 0, programsRun: 0, liveDeviceResults: 0 };

  /** `expectedClass` is the gpu.js kernel class the mode must run (e.g. WebGPUKernel); anything else throws. */
  constructor(
    private readonly gpu: GPU,
    readonly expectedClass: string,
  ) {}

  private compiled(step: Step): CompiledKernel {
    const key = kernelKey(step);
    let k = this.cache.get(key);
    if (!k) {
      k = this.gpu.createKernel(kernelBody(step.kernel), {
        output: [step.size],
        constants: { ...step.constants },
        pipeline: true,
        immutable: true,
        tactic: 'precision',
        precision: 'single',
      });
      this.cache.set(key, k);
      this.stats.kernelsCompiled++;
    }
    return k;
  }

  private checkClass(name: KernelName, k: CompiledKernel): void {
    const cls = k.kernel.constructor.name;
    if (cls !== this.expectedClass) {
      throw new Error(
        `gpujs: kernel ${name} ran as ${cls}, not ${this.expectedClass}; gpu.js fell back, and this backend refuses to do so silently`,
      );
    }
  }

  private args(program: Program, step: Step, results: readonly unknown[]): unknown[] {
    return step.args.map((a) => ('input' in a ? program.inputs[a.input] : results[a.step]));
  }

  private release(results: readonly unknown[]): void {
    for (const r of results) {
      if (isDeviceResult(r)) {
        r.delete();
        this.stats.liveDeviceResults--;
      }
    }
  }

  /** Runs a program whose kernels return Promises (webgpu mode). */
  async runAsync(program: Program): Promise<Float32Array[]> {
    const results: unknown[] = [];
    try {
      for (const step of program.steps) {
        const k = this.compiled(step);
        const r = await k(...this.args(program, step, results));
        this.checkClass(step.kernel, k);
        if (isDeviceResult(r)) this.stats.liveDeviceResults++;
        results.push(r);
      }
      const out: Float32Array[] = [];
      for (const i of program.returns) {
        const r = results[i];
        const name = program.steps[i].kernel;
        out.push(toFloat32(name, isDeviceResult(r) ? await r.toArray() : r));
      }
      this.stats.programsRun++;
      return out;
    } finally {
      this.release(results);
    }
  }

  /** Runs a program whose kernels return synchronously (headlessgl, webgl, webgl2). */
  runSync(program: Program): Float32Array[] {
    const results: unknown[] = [];
    try {
      for (const step of program.steps) {
        const k = this.compiled(step);
        const r = k(...this.args(program, step, results));
        this.checkClass(step.kernel, k);
        if (isDeviceResult(r)) this.stats.liveDeviceResults++;
        results.push(r);
      }
      const out = program.returns.map((i) => {
        const r = results[i];
        return toFloat32(program.steps[i].kernel, isDeviceResult(r) ? r.toArray() : r);
      });
      this.stats.programsRun++;
      return out;
    } finally {
      this.release(results);
    }
  }

  /** Deletes every compiled kernel (their device programs and buffers). */
  dispose(): void {
    this.cache.clear();
    this.gpu.destroy();
  }
}
