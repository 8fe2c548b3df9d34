/**
 * The worker pool for large matmuls and fused attention: started once (lazily, on the first job big enough
 * to share), workers unref'd so a process exits without closing it. Jobs are published through a shared
 * control block (pool-control.ts: Atomics.wait / notify), each with one message per worker that carries
 * its arrays (unit-job.ts maps a message to its units). Results are allocated on SharedArrayBuffers
 * (dtype.ts `allocateShared`) and written by every thread where the caller keeps them: no copy out.
 * Operands that are earlier results reach the workers as they are; any other is copied once into shared
 * storage, given back to the storage pool after the job.
 */
import type { Worker } from 'node:worker_threads';
import { allocate, allocateShared, dtypeOf, sharedCopyOf, type TypedArray } from '../dtype';
import { recycleStorage } from '../storage-pool';
import type { MatmulJobMessage } from './matmul-job';
import { type MatmulPlan, outputContents, runUnits, unitCount } from './matmul-plan';
import { ACTIVE, jobCounters, type MessageJob, newPoolControl, SEQ, writeJobHeader } from './pool-control';
import { nodeThreads } from './pool-env';
import { failedUnits, takeUnitsOf, waitForUnits } from './unit-counters';

export { defaultThreadCount } from './pool-env';

/** How long a new job waits for a worker still leaving the previous one before the pool is given up. */
const LEAVE_TIMEOUT_MS = 10_000;
/**
 * How long an idle worker polls the control block before it sleeps in Atomics.wait: back-to-back jobs
 * (a backward's dX then dW) then start without a wake-up, which costs ~0.1-0.2 ms per job on the 2-vCPU
 * VM (Atomics.notify timed in a training step). 0.2 ms covers back-to-back jobs (2x48^3 matmuls in a loop:
 * 163 -> 71 us per job); a step's matmuls are milliseconds apart, and longer spins burn a shared core.
 * Only workers with a core of their own spin.
 */
const SPIN_MS = 0.2;

let controlBlock: Int32Array | null = null;
/** The shared control block, made on first use (SharedArrayBuffer may not exist where no pool runs). */
function poolControl(): Int32Array {
  controlBlock ??= newPoolControl();
  return controlBlock;
}
const workers: Worker[] = [];
/** Set when a worker never left a job: from then on every matmul runs on the caller (correct, slower). */
let abandoned = false;

function ensureWorkers(count: number): void {
  const node = nodeThreads();
  if (!node) return;
  const control = poolControl();
  const isTs = import.meta.url.endsWith('.ts');
  const entry = new URL(isTs ? './pool-worker-entry.mjs' : './pool-worker.js', import.meta.url);
  while (workers.length < count) {
    // The caller holds one core; a worker without a core of its own would spin against the caller.
    const spinMs = workers.length + 2 <= node.parallelism ? SPIN_MS : 0;
    const worker = new node.Worker(entry, { workerData: { control, index: workers.length, spinMs } });
    worker.unref();
    // A worker that fails only stops taking units; the caller finishes the job (errors surface there).
    worker.on('error', () => undefined);
    workers.push(worker);
  }
}

/** Makes SEQ odd and waits until no worker is inside the previous job; false if one never leaves. */
function beginWrite(): boolean {
  const control = poolControl();
  Atomics.add(control, SEQ, 1);
  for (let active = Atomics.load(control, ACTIVE); active !== 0; active = Atomics.load(control, ACTIVE)) {
    if (Atomics.wait(control, ACTIVE, active, LEAVE_TIMEOUT_MS) === 'timed-out') return false;
  }
  return true;
}

/** Publishes the job written under an odd SEQ: posts its message to each worker, then wakes them. */
function publish(workerCount: number, message: MessageJob): void {
  for (let i = 0; i < workerCount; i++) workers[i].postMessage(message);
  const control = poolControl();
  Atomics.add(control, SEQ, 1);
  Atomics.notify(control, SEQ);
}

/** Whether pool jobs can run here (Node, SharedArrayBuffer, and the pool not given up). */
export function poolRuns(): boolean {
  return !abandoned && nodeThreads() !== null;
}

/** The whole plan on the calling thread (no pool, or the pool was given up). */
function runAlone(plan: MatmulPlan, size: number): TypedArray {
  const out = allocate(dtypeOf(plan.a), size, outputContents(plan));
  runUnits(plan, out, 0, unitCount(plan));
  return out;
}

/** How a pool job is spread (cpu/matmul.ts MatmulThreading has these fields). */
export interface PoolThreading {
  /** Threads including the caller. */
  readonly threads: number;
  /** Whether the caller takes units too (default true; tests set false to exercise the workers alone). */
  readonly callerWorks?: boolean;
}

/** A job as the caller prepares it: the workers' message and the caller's unit function. */
export interface PreparedJob {
  readonly message: MessageJob;
  readonly run: (unit: number) => void;
}

/**
 * The protocol every pool job follows: claim the control block, let `write(seq)` fill in the job, publish
 * it, take units on this thread when `callerWorks`, and wait. 'unavailable' means the pool could not run
 * it (given up now or before), 'failed' that some unit threw on a worker; either way the caller computes
 * everything itself, into its own arrays. Workers-only runs (tests) throw instead, naming `label`.
 */
function runJob(
  label: () => string,
  total: number,
  threads: number,
  callerWorks: boolean,
  prepare: (seq: number) => PreparedJob,
): 'done' | 'failed' | 'unavailable' {
  ensureWorkers(threads - 1);
  if (!beginWrite()) {
    abandoned = true;
    if (!callerWorks)
      throw new Error(`${label()}: a worker did not leave its job within ${LEAVE_TIMEOUT_MS} ms`);
    return 'unavailable';
  }
  const control = poolControl();
  const job = prepare(Atomics.load(control, SEQ) + 1);
  writeJobHeader(control, threads - 1);
  publish(threads - 1, job.message);
  const counters = jobCounters(control);
  if (callerWorks) takeUnitsOf(counters, total, job.run);
  // Workers-only runs must fail, not hang, when a worker never starts. A normal run waits only for units
  // in flight; one that makes no progress for LEAVE_TIMEOUT_MS means a worker died inside a unit: the
  // caller gives the pool up (the shared arrays may still change).
  if (!waitForUnits(counters, total, callerWorks ? LEAVE_TIMEOUT_MS : 60_000)) {
    if (!callerWorks) {
      throw new Error(`${label()}: workers did not finish ${total} units within 60 s (were they started?)`);
    }
    abandoned = true;
    return 'unavailable';
  }
  const failed = failedUnits(counters);
  // Only workers-only runs report it; otherwise the caller recomputes, so a broken worker costs time,
  // never a wrong result or a hang, and a genuine kernel error surfaces on the caller.
  if (failed > 0 && !callerWorks)
    throw new Error(`${label()}: ${failed} of ${total} units threw on worker threads`);
  return failed > 0 ? 'failed' : 'done';
}

/**
 * Runs all units of `plan` on `threads` threads (the caller and threads - 1 workers; only the workers when
 * `callerWorks` is false) and returns a dense output of `size` elements with the operands' type.
 */
export function runOnPool(plan: MatmulPlan, size: number, threads: number, callerWorks: boolean): TypedArray {
  if (!poolRuns()) return runAlone(plan, size);
  const total = unitCount(plan);
  const label = () => `matmul pool (M=${plan.M}, K=${plan.K}, N=${plan.N})`;
  const copies = new SharedCopies();
  const a = copies.of(plan.a);
  const shared: MatmulPlan = {
    ...plan,
    a,
    b: plan.b === plan.a ? a : copies.of(plan.b),
    bias: plan.bias === null ? null : copies.of(plan.bias),
  };
  const out = allocateShared(dtypeOf(plan.a), size, outputContents(plan));
  const outcome = runJob(label, total, threads, callerWorks, (seq) => {
    const message: MatmulJobMessage = { job: 'matmul', seq, plan: shared, out };
    return { message, run: (u) => runUnits(shared, out, u, u + 1) };
  });
  // A worker that never left its unit may still read the copies: only a finished job gives them back.
  if (outcome !== 'unavailable') copies.recycle();
  return outcome === 'done' ? out : runAlone(plan, size);
}

/**
 * Runs a message-described job of `total` units with `threading` (runMessageJob), then gives back the
 * shared copies its operands needed unless a worker may still read them. True when the job completed;
 * false: the caller computes it on its own thread.
 */
export function runPoolJob(
  total: number,
  threading: PoolThreading,
  copies: SharedCopies,
  prepare: (seq: number) => PreparedJob,
): boolean {
  const threads = Math.min(threading.threads, total);
  const outcome = runMessageJob(total, threads, threading.callerWorks ?? true, prepare);
  if (outcome !== 'unavailable') copies.recycle();
  return outcome === 'done';
}

/** The shared copies a job made of operands that were not on shared storage, given back after it. */
export class SharedCopies {
  private readonly made: TypedArray[] = [];
  /** `data` itself when it is shared, else a shared copy. */
  of(data: Float32Array): Float32Array;
  of(data: TypedArray): TypedArray;
  of(data: TypedArray): TypedArray {
    const shared = sharedCopyOf(data);
    if (shared !== data) this.made.push(shared);
    return shared;
  }
  recycle(): void {
    for (const data of this.made) recycleStorage(data);
  }
}

/**
 * Runs `total` units of a message-described job (attention) on `threads` threads. `prepare(seq)` runs
 * while the job is written (no worker inside one) and gets the sequence number its message must carry.
 * Returns 'done', or why the caller must compute everything itself, into its own arrays: 'unavailable'
 * (no pool, too small, or given up: a worker may still be inside a unit) or 'failed' (a unit threw on a
 * worker). Results never depend on which.
 */
function runMessageJob(
  total: number,
  threads: number,
  callerWorks: boolean,
  prepare: (seq: number) => PreparedJob,
): 'done' | 'failed' | 'unavailable' {
  if (!poolRuns() || threads < 2 || total < 2) return 'unavailable';
  let kind = 'message';
  return runJob(
    () => `pool (${kind} job)`,
    total,
    threads,
    callerWorks,
    (seq) => {
      const job = prepare(seq);
      kind = job.message.job;
      return job;
    },
  );
}
