/**
 * Runs Programs on one gpu.js GPU instance: compiles each kernel once per key (cache lives here, outside
 * tensors), chains step results on the device (pipeline mode) and deletes every intermediate before
 * returning. Returned results are read back, or kept in a table of resident results under numeric handles
 * (plain data, so they cross to the main thread) until `download` (read back, then delete) or `release`.
 */
import type { GPU } from 'gpu.js';
import {
  isHostInput,
  type KernelName,
  kernelBody,
  kernelKey,
  type Program,
  type ProgramResult,
  type Step,
} from './program';

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
  /** Device results alive right now: results kept on the device (intermediates are deleted per program). */
  liveDeviceResults: number;
  /** Host arrays uploaded as kernel inputs, in total. */
  uploads: number;
  /** Results read back to the host, in total. */
  downloads: number;
}

/** Zero counters. */
export function emptyRunnerStats(): RunnerStats {
  return { kernelsCompiled: 0, programsRun: 0, liveDeviceResults: 0, uploads: 0, downloads: 0 };
}

export class ProgramRunner {
  private readonly cache = new Map<string, CompiledKernel>();
  private readonly resident = new Map<number, DeviceResult>();
  private nextHandle = 1;
  readonly stats: RunnerStats = emptyRunnerStats();

  /** `expectedClass` is the gpu.js kernel class the mode must run (e.g. WebGPUKernel); anything else throws. */
  constructor(
    private readonly gpu: GPU,
    readonly expectedClass: string,
  ) {}

  private compiled(program: Program, step: Step): CompiledKernel {
    const key = kernelKey(program, step);
    let k = this.cache.get(key);
    if (!k) {
      const created = this.gpu.createKernel(kernelBody(step.kernel), {
        output: [step.size],
        constants: { ...step.constants },
        pipeline: true,
        immutable: true,
        tactic: 'precision',
        precision: 'single',
      });
      // Called through Reflect.apply: gpu.js types its arguments with DOM types (images, canvases), which a
      // program compiled with the DOM library (the playground) checks strictly and Node's leaves unresolved.
      const run = (...args: unknown[]): unknown => Reflect.apply(created, undefined, args);
      const compiledKernel: CompiledKernel = Object.assign(run, { kernel: created.kernel });
      k = compiledKernel;
      this.cache.set(key, compiledKernel);
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

  private input(program: Program, index: number): unknown {
    const input = program.inputs[index];
    if (isHostInput(input)) return input;
    const r = this.resident.get(input.device);
    if (!r)
      throw new Error(
        `gpujs: program input ${index} names device result ${input.device}, which is not alive`,
      );
    return r;
  }

  private args(program: Program, step: Step, results: readonly unknown[]): unknown[] {
    return step.args.map((a) => ('input' in a ? this.input(program, a.input) : results[a.step]));
  }

  /** Deletes the program's device results except those moved to the resident table. */
  private deleteIntermediates(results: readonly unknown[], kept: ReadonlySet<unknown>): void {
    for (const r of results) if (isDeviceResult(r) && !kept.has(r)) r.delete();
  }

  /** Puts the returned results in the resident table under new handles. */
  private keep(program: Program, results: readonly unknown[], kept: Set<unknown>): number[] {
    return program.returns.map((i) => {
      const r = results[i];
      if (!isDeviceResult(r)) {
        throw new TypeError(
          `gpujs: kernel ${program.steps[i].kernel} returned ${Object.prototype.toString.call(r)}, not a device result`,
        );
      }
      const handle = this.nextHandle++;
      this.resident.set(handle, r);
      kept.add(r);
      return handle;
    });
  }

  private begin(program: Program): void {
    for (const input of program.inputs) if (isHostInput(input)) this.stats.uploads++;
  }

  private finish(): void {
    this.stats.programsRun++;
    this.stats.liveDeviceResults = this.resident.size;
  }

  /** Runs a program whose kernels return Promises (webgpu mode). */
  async runAsync(program: Program): Promise<ProgramResult> {
    const results: unknown[] = [];
    const kept = new Set<unknown>();
    this.begin(program);
    try {
      for (const step of program.steps) {
        const k = this.compiled(program, step);
        results.push(await k(...this.args(program, step, results)));
        this.checkClass(step.kernel, k);
      }
      if (!program.readBack) return { values: [], handles: this.keep(program, results, kept) };
      const values: Float32Array[] = [];
      for (const i of program.returns) {
        const r = results[i];
        values.push(toFloat32(program.steps[i].kernel, isDeviceResult(r) ? await r.toArray() : r));
        this.stats.downloads++;
      }
      return { values, handles: [] };
    } finally {
      this.deleteIntermediates(results, kept);
      this.finish();
    }
  }

  /** Runs a program whose kernels return synchronously (headlessgl, webgl, webgl2). */
  runSync(program: Program): ProgramResult {
    const results: unknown[] = [];
    const kept = new Set<unknown>();
    this.begin(program);
    try {
      for (const step of program.steps) {
        const k = this.compiled(program, step);
        results.push(k(...this.args(program, step, results)));
        this.checkClass(step.kernel, k);
      }
      if (!program.readBack) return { values: [], handles: this.keep(program, results, kept) };
      const values = program.returns.map((i) => {
        const r = results[i];
        this.stats.downloads++;
        return toFloat32(program.steps[i].kernel, isDeviceResult(r) ? r.toArray() : r);
      });
      return { values, handles: [] };
    } finally {
      this.deleteIntermediates(results, kept);
      this.finish();
    }
  }

  private take(handle: number): DeviceResult {
    const r = this.resident.get(handle);
    if (!r) throw new Error(`gpujs: download of device result ${handle}, which is not alive`);
    this.resident.delete(handle);
    this.stats.liveDeviceResults = this.resident.size;
    return r;
  }

  /** Reads a kept result back and deletes it on the device (webgpu: readback is a Promise). */
  async downloadAsync(handle: number): Promise<Float32Array> {
    const r = this.take(handle);
    try {
      this.stats.downloads++;
      return toFloat32('download', await r.toArray());
    } finally {
      r.delete();
    }
  }

  /** Reads a kept result back and deletes it on the device (GL modes). */
  downloadSync(handle: number): Float32Array {
    const r = this.take(handle);
    try {
      this.stats.downloads++;
      return toFloat32('download', r.toArray());
    } finally {
      r.delete();
    }
  }

  /** Deletes kept results; unknown handles (already downloaded or released) are ignored. */
  release(handles: readonly number[]): void {
    for (const h of handles) {
      const r = this.resident.get(h);
      if (!r) continue;
      this.resident.delete(h);
      r.delete();
    }
    this.stats.liveDeviceResults = this.resident.size;
  }

  /** Deletes every kept result and compiled kernel (their device programs and buffers). */
  dispose(): void {
    this.release([...this.resident.keys()]);
    this.cache.clear();
    this.gpu.destroy();
  }
}
