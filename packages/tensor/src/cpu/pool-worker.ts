/**
 * One pool worker: blocks in Atomics.wait on the pool's shared control block (pool-control.ts) and, when
 * the caller publishes a job, joins it and takes work units from its shared counter until none are left.
 * Each job comes as a message (unit-job.ts) posted before the job is published, read synchronously on
 * joining, never by the event loop.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { ACTIVE, jobCounters, mayJoin, SEQ } from './pool-control';
import { takeUnitsOf } from './unit-counters';
import { type UnitJobMessage, unitRunner } from './unit-job';

interface WorkerSetup {
  readonly control: Int32Array;
  readonly index: number;
  /** Milliseconds to keep polling for the next job before sleeping (0: sleep at once). */
  readonly spinMs: number;
}

if (parentPort === null) throw new Error('pool-worker: must run as a worker thread');
const port = parentPort;
const { control, index, spinMs }: WorkerSetup = workerData;

/** The message of job `seq`, or null when it is not the newest one received (the caller then computes it). */
function messageOf(seq: number): UnitJobMessage | null {
  let newest: UnitJobMessage | null = null;
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port))
    newest = m.message;
  return newest !== null && newest.seq === seq ? newest : null;
}

/** Runs the job published as `seq` unless it was replaced before this worker joined. */
function join(seq: number): void {
  Atomics.add(control, ACTIVE, 1);
  try {
    if (Atomics.load(control, SEQ) !== seq || !mayJoin(control, index)) return;
    const job = messageOf(seq);
    if (job === null) return;
    const { total, run } = unitRunner(job);
    takeUnitsOf(jobCounters(control), total, run);
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
