/**
 * The worker pool for large matmuls: started once (lazily, on the first matmul big enough to share),
 * workers unref'd so a process exits without closing it. Operands that do not already live on a
 * SharedArrayBuffer are copied into reused shared scratch buffers, and the result is copied out into a
 * fresh ordinary array, so callers never see shared memory.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { allocate, dtypeOf, type TypedArray } from '../dtype';
import { failedUnits, type MatmulJob, newControl, takeUnits, waitForJob } from './matmul-job';
import { type MatmulPlan, runUnits, unitCount } from './matmul-plan';

/** Threads used by default: GQA_THREADS if set (1 = no pool), else the machine's parallelism (at most 8). */
export function defaultThreadCount(): number {
  const env = process.env.GQA_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`GQA_THREADS must be an integer >= 1, got '${env}'`);
    return n;
  }
  return Math.min(availableParallelism(), 8);
}

const workers: Worker[] = [];

function ensureWorkers(count: number): void {
  const isTs = import.meta.url.endsWith('.ts');
  const entry = new URL(isTs ? './matmul-worker-entry.mjs' : './matmul-worker.js', import.meta.url);
  while (workers.length < count) {
    const w = new Worker(entry);
    w.unref();
    // A worker that fails only stops taking units; the caller finishes the job (errors surface there).
    w.on('error', () => undefined);
    workers.push(w);
  }
}

type Scratch = { f32: Float32Array; f64: Float64Array; i32: Int32Array };
function sharedScratch(): Scratch {
  return { f32: new Float32Array(0), f64: new Float64Array(0), i32: new Int32Array(0) };
}
/** Shared scratch slots: 0 = a, 1 = b, 2 = the output, 3 = the bias. */
const scratch: Scratch[] = [sharedScratch(), sharedScratch(), sharedScratch(), sharedScratch()];

/** A shared array of src's type with at least n elements, from scratch slot `slot` (grown, never shrunk). */
function sharedLike(src: TypedArray, n: number, slot: number): TypedArray {
  const s = scratch[slot];
  const grow = (len: number, bytes: number) => new SharedArrayBuffer(Math.max(n, len * 2) * bytes);
  if (src instanceof Float32Array) {
    if (s.f32.length < n) s.f32 = new Float32Array(grow(s.f32.length, 4));
    return s.f32;
  }
  if (src instanceof Float64Array) {
    if (s.f64.length < n) s.f64 = new Float64Array(grow(s.f64.length, 8));
    return s.f64;
  }
  if (s.i32.length < n) s.i32 = new Int32Array(grow(s.i32.length, 4));
  return s.i32;
}

function onShared(src: TypedArray, slot: number): TypedArray {
  if (src.buffer instanceof SharedArrayBuffer) return src;
  const dst = sharedLike(src, src.length, slot);
  dst.set(src);
  return dst;
}

/**
 * Runs all units of `plan` on `threads` threads (the caller and threads - 1 workers; only the workers when
 * `callerWorks` is false) and returns a fresh dense output of `size` elements with the operands' type.
 */
export function runOnPool(plan: MatmulPlan, size: number, threads: number, callerWorks: boolean): TypedArray {
  ensureWorkers(threads - 1);
  const a = onShared(plan.a, 0);
  const b = plan.b === plan.a ? a : onShared(plan.b, 1);
  const bias = plan.bias === null ? null : onShared(plan.bias, 3);
  const shared = sharedLike(plan.a, size, 2);
  // Scratch reuse is safe: this call returns only after every unit is done, and a worker that reads
  // this job's message late finds its (per-job) control block exhausted and touches nothing.
  const job: MatmulJob = {
    plan: { ...plan, a, b, bias },
    out: shared.subarray(0, size),
    control: newControl(),
  };
  for (let i = 0; i < threads - 1; i++) workers[i].postMessage(job);
  if (callerWorks) takeUnits(job);
  // Workers-only runs (tests) must fail, not hang, when a worker never starts; a normal run has no
  // deadline (its caller took every unit no worker did, and units in flight always finish).
  if (!waitForJob(job, callerWorks ? Number.POSITIVE_INFINITY : 60_000)) {
    throw new Error(
      `matmul pool: workers did not finish ${unitCount(plan)} units within 60 s (were they started?)`,
    );
  }
  const failed = failedUnits(job);
  if (failed > 0) {
    // Only workers-only runs (tests) report it; otherwise the caller recomputes every unit itself, so a
    // broken worker costs time, never a wrong result or a hang, and a genuine kernel error surfaces here.
    if (!callerWorks) {
      throw new Error(
        `matmul pool: ${failed} of ${unitCount(plan)} units threw on worker threads (M=${plan.M}, K=${plan.K}, N=${plan.N})`,
      );
    }
    runUnits(job.plan, job.out, 0, unitCount(plan));
  }
  const out = allocate(dtypeOf(plan.a), size);
  out.set(job.out);
  return out;
}
