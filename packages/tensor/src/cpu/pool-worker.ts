/**
 * One pool worker: blocks in Atomics.wait on the pool's shared control block (pool-control.ts) and, when
 * the caller publishes a job, joins it and takes work units from its shared counter until none are left.
 * A matmul is described in the control block; messages carry replaced scratch buffers and the descriptors
 * of message-described jobs (attention, unit-job.ts), read synchronously on demand, never by the event loop.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { takeUnits } from './matmul-job';
import {
  ACTIVE,
  EPOCH,
  jobCounters,
  jobKind,
  MATMUL_JOB,
  mayJoin,
  type PoolBuffers,
  readJob,
  SEQ,
} from './pool-control';
import { takeUnitsOf } from './unit-counters';
import { isUnitJobMessage, type UnitJobMessage, unitRunner } from './unit-job';

interface WorkerSetup {
  readonly control: Int32Array;
  readonly index: number;
  /** Milliseconds to keep polling for the next job before sleeping (0: sleep at once). */
  readonly spinMs: number;
}

if (parentPort === null) throw new Error('pool-worker: must run as a worker thread');
const port = parentPort;
const { control, index, spinMs }: WorkerSetup = workerData;
let bufs: PoolBuffers | null = null;
/** The newest message-described job received (its seq says which published job it belongs to). */
let unitJob: UnitJobMessage | null = null;

/** The newest buffers sent so far (messages are only read here, never through the event loop). */
function buffersFor(epoch: number): PoolBuffers | null {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const message: UnitJobMessage | PoolBuffers = m.message;
    if (isUnitJobMessage(message)) unitJob = message;
    else bufs = message;
  }
  return bufs !== null && bufs.epoch === epoch ? bufs : null;
}

/** Takes units of the published job: a matmul from the control block, or the message-described job `seq`. */
function work(seq: number, current: PoolBuffers): void {
  if (jobKind(control) === MATMUL_JOB) {
    takeUnits(readJob(control, current));
    return;
  }
  // A job whose message has not arrived is left to the caller (it computes whatever nobody took).
  if (unitJob === null || unitJob.seq !== seq) return;
  const { total, run } = unitRunner(unitJob, current);
  takeUnitsOf(jobCounters(control), total, run);
}

/** Runs the job published as `seq` unless it was replaced before this worker joined. */
function join(seq: number): void {
  Atomics.add(control, ACTIVE, 1);
  try {
    if (Atomics.load(control, SEQ) !== seq || !mayJoin(control, index)) return;
    const current = buffersFor(control[EPOCH]);
    // Buffers that never arrived: leave the units to the caller (it computes whatever nobody took).
    if (current !== null) work(seq, current);
  } finally {
    if (Atomics.sub(control, ACTIVE, 1) === 1) Atomics.notify(control, ACTIVE);
  }
}

/** The next published job's SEQ, polled for up to spinMs; `seen` (or an odd SEQ) if none came. */
function poll(seen: number): number {
  let seq = Atomics.load(control, SEQ);
  if (spinMs <= 0) return seq;
  const deadline = performance.now() + spinMs;
  while ((seq === seen || (seq & 1) === 1) && performance.now() < deadline) {
    for (let i = 0; i < 1000 && (seq === seen || (seq & 1) === 1); i++) seq = Atomics.load(control, SEQ);
  }
  return seq;
}

let seen = 0;
for (;;) {
  const seq = poll(seen);
  if (seq === seen || (seq & 1) === 1) {
    Atomics.wait(control, SEQ, seq);
    continue;
  }
  seen = seq;
  join(seq);
}
