/**
 * The GPU-or-CPU decision for every op (tfjs cpuKernelImpl pattern) and its bookkeeping: float32 inputs of at
 * least `threshold` elements run on the GPU; float64 / int32, tiny or empty inputs, invalid inputs (so the
 * CPU kernel throws its documented message) and buffers over MAX_GPU_ELEMENTS run the CPU kernel.
 */
import { NDArray } from '../ndarray';
import { formatShape, sizeOf } from '../shape';
import { MAX_GPU_ELEMENTS, type Program, type ProgramInput } from './program';
import type { Residency } from './residency';

/**
 * Why an op ran on the CPU; `cpu-only` ops have no GPU kernel by design (index and data-movement ops);
 * `subnormal`: an exact zero test (sign, compare) on a subnormal input, on a device that flushes them to zero.
 */
export type CpuReason = 'dtype' | 'small' | 'empty' | 'invalid' | 'too-large' | 'cpu-only' | 'subnormal';

/** Ops whose result changes when a subnormal input reads as 0 (beyond any tolerance): 1 vs 0, -1 vs 0. */
const ZERO_TEST_OPS: ReadonlySet<string> = new Set(['sign', 'eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** The largest float32 subnormal magnitude is just below 2^-126. */
const MIN_NORMAL_F32 = 2 ** -126;

function hasSubnormal(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a !== 0 && a < MIN_NORMAL_F32) return true;
  }
  return false;
}

/** Per-op run counts: which kernel class ran how often, and why the CPU ran. */
export interface OpCounts {
  gpu: number;
  cpu: number;
  cpuReasons: Partial<Record<CpuReason, number>>;
}

/** Runs programs on the device and decides / counts where each op runs. */
export class Dispatcher {
  readonly counts = new Map<string, OpCounts>();
  private readonly warned = new Set<string>();

  constructor(
    readonly residency: Residency,
    readonly threshold: number,
    private readonly warn: (message: string) => void,
    /** The device reads subnormal float32 values as 0 (WebGL on SwiftShader does; GLSL ES allows it). */
    readonly flushesSubnormals = false,
  ) {}

  /** A kernel input for x: its device handle when x is a dense device-resident result, else its values. */
  input(x: NDArray): ProgramInput {
    return this.residency.input(x);
  }

  /** Runs a program and returns its results as device-resident NDArrays of these shapes (dense, row-major). */
  run(program: Program, shapes: readonly (readonly number[])[]): NDArray[] {
    const storages = this.residency.run(
      program,
      shapes.map((s) => sizeOf(s)),
    );
    return storages.map((s, i) => NDArray.of(s, shapes[i]));
  }

  private entry(op: string): OpCounts {
    let c = this.counts.get(op);
    if (!c) {
      c = { gpu: 0, cpu: 0, cpuReasons: {} };
      this.counts.set(op, c);
    }
    return c;
  }

  /** Where `op` runs for these float inputs: null means GPU, otherwise the reason for the CPU. */
  place(op: string, xs: readonly NDArray[], work: number): CpuReason | null {
    if (xs.some((x) => x.dtype !== 'float32')) return 'dtype';
    if (xs.some((x) => x.size === 0) || work === 0) return 'empty';
    const big = xs.find((x) => x.size > MAX_GPU_ELEMENTS);
    if (big || work > MAX_GPU_ELEMENTS) {
      const key = `${op}:${formatShape(big?.shape ?? [work])}`;
      if (!this.warned.has(key)) {
        this.warned.add(key);
        this.warn(
          `gpujs: ${op} on ${big ? formatShape(big.shape) : `${work} outputs`} exceeds ${MAX_GPU_ELEMENTS} elements per buffer; running the CPU kernel`,
        );
      }
      return 'too-large';
    }
    if (work < this.threshold) return 'small';
    if (this.flushesSubnormals && ZERO_TEST_OPS.has(op) && xs.some((x) => this.hostSubnormal(x))) {
      return 'subnormal';
    }
    return null;
  }

  /** A host-side input holding a subnormal (device results of a flushing device hold none to find). */
  private hostSubnormal(x: NDArray): boolean {
    const input = this.residency.input(x);
    return input instanceof Float32Array && hasSubnormal(input);
  }

  countGpu(op: string): void {
    this.entry(op).gpu++;
  }

  countCpu(op: string, reason: CpuReason): void {
    const c = this.entry(op);
    c.cpu++;
    c.cpuReasons[reason] = (c.cpuReasons[reason] ?? 0) + 1;
  }
}
