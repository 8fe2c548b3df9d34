/**
 * Workload "backends": matmul and the tiny ViT training step (workload C's model at a reduced batch, since
 * Mesa's llvmpipe runs GPU kernels at plain-JS speed) on every backend that starts here: the CPU backend and
 * the gpu.js backend in each Node mode. Each row says which kernel class ran and how many ops ran on the GPU vs
 * fell back to the CPU (and why); a backend that does not start is listed with its error, never skipped.
 */
import {
  type Backend,
  createCpuBackend,
  createGpuBackend,
  type GpuMode,
  type OpCounts,
  Rng,
  uniform,
  withBackend,
} from '@gqa-lab/tensor';
import { type CaseOptions, rate, type Timing, timeCase } from './harness';
import { ourVitStep, type VitShape } from './vit';

export interface BackendRow {
  readonly workload: string;
  readonly backend: string;
  /** gpu.js kernel class (WebGPUKernel, HeadlessGLKernel...) or 'cpu'. */
  readonly kernelClass: string;
  readonly device: string;
  readonly unit: 'GFLOP/s' | 'ms';
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number;
  /** Op runs during this case (calibration and samples included); null for the CPU backend (not counted). */
  readonly ops: { gpu: number; cpu: number; cpuReasons: Record<string, number> } | null;
}

export interface UnavailableBackend {
  readonly backend: string;
  readonly reason: string;
}

/** A started backend plus what the rows report about it. */
interface Candidate {
  readonly name: string;
  readonly backend: Backend;
  readonly kernelClass: string;
  readonly device: string;
  readonly counts: ReadonlyMap<string, OpCounts> | null;
  readonly dispose: () => void;
}

/** The gpu.js modes Node can run (webgl / webgl2 need a browser). */
export const NODE_GPU_MODES: readonly GpuMode[] = ['webgpu', 'headlessgl'];

/** Starts the CPU backend (one thread) and each gpu.js mode; modes that fail go to `unavailable`. */
export async function startBackends(): Promise<{ started: Candidate[]; unavailable: UnavailableBackend[] }> {
  const cpu = createCpuBackend({ threading: { threads: 1, minMacs: 0 } });
  const started: Candidate[] = [
    {
      name: 'cpu',
      backend: cpu,
      kernelClass: 'cpu',
      device: 'cpu (1 thread)',
      counts: null,
      dispose: () => {},
    },
  ];
  const unavailable: UnavailableBackend[] = [];
  for (const mode of NODE_GPU_MODES) {
    try {
      const be = await createGpuBackend({ mode, warn: () => {} });
      started.push({
        name: be.name,
        backend: be,
        kernelClass: be.kernelClass,
        device: be.device,
        counts: be.counts,
        dispose: () => be.dispose(),
      });
    } catch (e) {
      unavailable.push({
        backend: `gpujs-${mode}`,
        reason: (e instanceof Error ? e.message : String(e)).split('\n')[0],
      });
    }
  }
  return { started, unavailable };
}

/** Sum of GPU / CPU runs over all ops, with CPU reasons merged. */
export function totalOps(counts: ReadonlyMap<string, OpCounts>): {
  gpu: number;
  cpu: number;
  cpuReasons: Record<string, number>;
} {
  const out = { gpu: 0, cpu: 0, cpuReasons: {} as Record<string, number> };
  for (const c of counts.values()) {
    out.gpu += c.gpu;
    out.cpu += c.cpu;
    for (const [reason, n] of Object.entries(c.cpuReasons))
      out.cpuReasons[reason] = (out.cpuReasons[reason] ?? 0) + (n ?? 0);
  }
  return out;
}

/** `after` minus `before` (counts only grow). */
export function opsBetween(
  before: ReturnType<typeof totalOps>,
  after: ReturnType<typeof totalOps>,
): ReturnType<typeof totalOps> {
  const cpuReasons: Record<string, number> = {};
  for (const [reason, n] of Object.entries(after.cpuReasons)) {
    const d = n - (before.cpuReasons[reason] ?? 0);
    if (d > 0) cpuReasons[reason] = d;
  }
  return { gpu: after.gpu - before.gpu, cpu: after.cpu - before.cpu, cpuReasons };
}

async function measure(
  c: Candidate,
  workload: string,
  work: () => void,
  opts: CaseOptions,
  toRow: (t: Timing) => Pick<BackendRow, 'unit' | 'median' | 'min' | 'max'>,
): Promise<BackendRow> {
  const before = c.counts ? totalOps(c.counts) : null;
  const t = await timeCase(`${workload} ${c.name}`, work, opts);
  const ops = before && c.counts ? opsBetween(before, totalOps(c.counts)) : null;
  return {
    workload,
    backend: c.name,
    kernelClass: c.kernelClass,
    device: c.device,
    ...toRow(t),
    samples: t.samples,
    ops,
  };
}

/** Matmul at each size and one ViT training step per call, on every started backend. */
export async function benchBackends(
  sizes: readonly number[],
  vit: VitShape,
  opts: CaseOptions,
  slow: CaseOptions,
): Promise<{ rows: BackendRow[]; unavailable: UnavailableBackend[] }> {
  const { started, unavailable } = await startBackends();
  const rows: BackendRow[] = [];
  try {
    for (const c of started) {
      for (const n of sizes) {
        const rng = new Rng(1);
        const [a, b] = [uniform([n, n], -1, 1, rng), uniform([n, n], -1, 1, rng)]; // (n, n) each
        const gflop = (2 * n ** 3) / 1e9;
        const row = await measure(
          c,
          `matmul ${n}`,
          () => void c.backend.matmul(a, b),
          opts,
          (t) => ({ unit: 'GFLOP/s', ...rate(t, gflop) }),
        );
        rows.push(row);
      }
      const step = withBackend(c.backend, () => ourVitStep(vit));
      const ms = (t: Timing) => ({
        unit: 'ms' as const,
        median: t.medianS * 1e3,
        min: t.minS * 1e3,
        max: t.maxS * 1e3,
      });
      rows.push(
        await measure(c, `ViT step batch ${vit.batch}`, () => void withBackend(c.backend, step), slow, ms),
      );
    }
  } finally {
    for (const c of started) c.dispose();
  }
  return { rows, unavailable };
}
