/**
 * The worker pool for large matmuls and fused attention: started once (lazily, on the first job big enough
 * to share), workers unref'd so a process exits without closing it. Jobs reach the workers through a shared
 * control block (pool-control.ts: Atomics.wait / notify); a matmul needs no message per job, an attention
 * job posts one small descriptor (a MessageJob; the workers map it to its units in unit-job.ts).
 * The pool itself knows no job but the matmul: message jobs reach it as their message and unit function. Operands are copied into reused shared scratch buffers, and
 * results are copied out into fresh ordinary arrays, so callers never see shared memory.
 */
import type { Worker } from 'node:worker_threads';
import { allocate, type DType, dtypeOf, type TypedArray } from '../dtype';
import { type MatmulPlan, runUnits, unitCount } from './matmul-plan';
import {
  ACTIVE,
  jobCounters,
  type MessageJob,
  newPoolControl,
  type PoolBuffers,
  type ScratchSlot,
  SEQ,
  slotArray,
  writeJob,
  writeMessageJob,
} from './pool-control';
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
const workers: { worker: Worker; epoch: number }[] = [];
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
    workers.push({ worker, epoch: -1 });
  }
}

function emptySlot(): ScratchSlot {
  return { f32: new Float32Array(0), f64: new Float64Array(0), i32: new Int32Array(0) };
}
/** Extra slots for message-described jobs: attention's backward reads up to 8 arrays and writes 3. */
const EXTRA_SLOTS = 12;
let bufs: PoolBuffers = {
  epoch: 0,
  a: emptySlot(),
  b: emptySlot(),
  out: emptySlot(),
  bias: emptySlot(),
  offsets: new Int32Array(0),
  extra: Array.from({ length: EXTRA_SLOTS }, emptySlot),
};

/** `slot` with its `dtype` array replaced by a shared one of n elements. */
function grownSlot(slot: ScratchSlot, dtype: DType, n: number): ScratchSlot {
  const bytes = n * slotArray(slot, dtype).BYTES_PER_ELEMENT;
  const sab = new SharedArrayBuffer(bytes);
  if (dtype === 'float32') return { ...slot, f32: new Float32Array(sab) };
  if (dtype === 'float64') return { ...slot, f64: new Float64Array(sab) };
  return { ...slot, i32: new Int32Array(sab) };
}

/** Shared room for n elements of `dtype` in slot `name` (grown, never shrunk; a new buffer is a new epoch). */
function reserve(name: 'a' | 'b' | 'out' | 'bias', dtype: DType, n: number): TypedArray {
  const have = slotArray(bufs[name], dtype);
  if (have.length >= n) return have;
  const slot = grownSlot(bufs[name], dtype, Math.max(n, have.length * 2));
  bufs = { ...bufs, epoch: bufs.epoch + 1, [name]: slot };
  return slotArray(slot, dtype);
}

/** Shared room for n elements of `dtype` in extra slot i, for message-described jobs (grown like `reserve`). */
export function reserveExtra(i: number, dtype: DType, n: number): TypedArray {
  if (!(i >= 0 && i < EXTRA_SLOTS)) throw new RangeError(`pool: extra slot ${i} outside [0, ${EXTRA_SLOTS})`);
  const have = slotArray(bufs.extra[i], dtype);
  if (have.length >= n) return have;
  const extra = bufs.extra.slice();
  extra[i] = grownSlot(bufs.extra[i], dtype, Math.max(n, have.length * 2));
  bufs = { ...bufs, epoch: bufs.epoch + 1, extra };
  return slotArray(extra[i], dtype);
}

function reserveOffsets(n: number): Int32Array {
  if (bufs.offsets.length < n) {
    const len = Math.max(n, bufs.offsets.length * 2);
    bufs = { ...bufs, epoch: bufs.epoch + 1, offsets: new Int32Array(new SharedArrayBuffer(len * 4)) };
  }
  return bufs.offsets;
}

function copyInto(name: 'a' | 'b' | 'bias', src: TypedArray): TypedArray {
  const dst = reserve(name, dtypeOf(src), src.length);
  dst.set(src);
  return dst;
}

/** Copies the plan's arrays into shared scratch and returns the plan over them. */
function sharePlan(plan: MatmulPlan, size: number): MatmulPlan {
  const batch = plan.aOffsets.length;
  const offsets = reserveOffsets(2 * batch);
  offsets.set(plan.aOffsets, 0);
  offsets.set(plan.bOffsets, batch);
  const a = copyInto('a', plan.a);
  const b = plan.b === plan.a ? a : copyInto('b', plan.b);
  const bias = plan.bias === null ? null : copyInto('bias', plan.bias);
  reserve('out', dtypeOf(plan.a), size);
  return {
    ...plan,
    a,
    b,
    bias,
    aOffsets: bufs.offsets.subarray(0, batch),
    bOffsets: bufs.offsets.subarray(batch, 2 * batch),
  };
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

/**
 * Publishes the job written under an odd SEQ: sends replaced buffers first (and a message-described job's
 * message after them), then wakes the workers.
 */
function publish(workerCount: number, message?: MessageJob): void {
  for (let i = 0; i < workerCount; i++) {
    if (workers[i].epoch !== bufs.epoch) {
      workers[i].worker.postMessage(bufs);
      workers[i].epoch = bufs.epoch;
    }
    if (message) workers[i].worker.postMessage(message);
  }
  const control = poolControl();
  Atomics.add(control, SEQ, 1);
  Atomics.notify(control, SEQ);
}

/** The whole plan on the calling thread (no pool, or the pool was given up). */
function runAlone(plan: MatmulPlan, size: number): TypedArray {
  const out = allocate(dtypeOf(plan.a), size);
  runUnits(plan, out, 0, unitCount(plan));
  return out;
}

/** What the caller writes while no worker is inside a job: the workers' message (if any) and its unit function. */
interface WrittenJob {
  readonly message?: MessageJob;
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
  write: (seq: number) => WrittenJob,
): 'done' | 'failed' | 'unavailable' {
  ensureWorkers(threads - 1);
  if (!beginWrite()) {
    abandoned = true;
    if (!callerWorks)
      throw new Error(`${label()}: a worker did not leave its job within ${LEAVE_TIMEOUT_MS} ms`);
    return 'unavailable';
  }
  const control = poolControl();
  const job = write(Atomics.load(control, SEQ) + 1);
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
 * `callerWorks` is false) and returns a fresh dense output of `size` elements with the operands' type.
 */
export function runOnPool(plan: MatmulPlan, size: number, threads: number, callerWorks: boolean): TypedArray {
  if (abandoned || !nodeThreads()) return runAlone(plan, size);
  const dtype = dtypeOf(plan.a);
  const total = unitCount(plan);
  const label = () => `matmul pool (M=${plan.M}, K=${plan.K}, N=${plan.N})`;
  const outcome = runJob(label, total, threads, callerWorks, () => {
    const shared = sharePlan(plan, size);
    writeJob(poolControl(), shared, dtype, threads - 1, bufs.epoch);
    const out = slotArray(bufs.out, dtype).subarray(0, size);
    return { run: (u) => runUnits(shared, out, u, u + 1) };
  });
  if (outcome !== 'done') return runAlone(plan, size);
  const out = allocate(dtype, size);
  out.set(slotArray(bufs.out, dtype).subarray(0, size));
  return out;
}

/** A message-described job as the caller prepares it: the workers' message and the caller's unit function. */
export interface PreparedJob {
  readonly message: MessageJob;
  readonly run: (unit: number) => void;
}

/**
 * Runs `total` units of a message-described job (attention) on `threads` threads. `prepare(seq)` runs
 * while the job is written (no worker inside one): it copies the operands into extra slots (reserveExtra),
 * and gets the sequence number the message must carry. Returns false when the pool cannot run it or a
 * worker failed (the caller then computes everything itself, into its own arrays): results never depend on it.
 */
export function runMessageJob(
  total: number,
  threads: number,
  callerWorks: boolean,
  prepare: (seq: number) => PreparedJob,
): boolean {
  if (abandoned || !nodeThreads() || threads < 2 || total < 2) return false;
  let kind = 'message';
  const outcome = runJob(
    () => `pool (${kind} job)`,
    total,
    threads,
    callerWorks,
    (seq) => {
      const job = prepare(seq);
      kind = job.message.job;
      writeMessageJob(poolControl(), threads - 1, bufs.epoch);
      return job;
    },
  );
  return outcome === 'done';
}

/** The scratch buffers now in use (a message-described job's caller reads its slots through them). */
export function poolBuffers(): PoolBuffers {
  return bufs;
}
