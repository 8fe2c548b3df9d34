/**
 * The worker pool's shared control block: one Int32Array on a SharedArrayBuffer. Workers block in
 * Atomics.wait on SEQ; the caller makes SEQ odd (writing), waits until no worker is still inside the
 * previous job (ACTIVE = 0), posts the job's message to each worker, resets the job's counters, makes SEQ
 * even (ready) and notifies. A worker joins by incrementing ACTIVE and re-checking SEQ, so it never takes a
 * unit of a job it has no message for, nor of the next job. The message carries the job's arrays, all on
 * SharedArrayBuffers (dtype.ts: `allocate` puts storage there once the pool runs), so every thread reads
 * the operands and writes the results in place.
 */

/** What every job's message carries (unit-job.ts lists the jobs): its kind, and its sequence number. */
export interface MessageJob {
  readonly job: string;
  readonly seq: number;
}

/** Job sequence number: odd while the caller writes a job, even once it is ready. */
export const SEQ = 0;
/** Workers currently inside a job (joined and not yet left). */
export const ACTIVE = 1;
/** Workers with an index below this may join the current job. */
const WORKERS = 2;
/** The job's own counters (unit-counters.ts): [next unit, units done, units failed]. */
const JOB = 3;
const CONTROL_INTS = 6;

/** A fresh control block (SEQ 0: no job yet). */
export function newPoolControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
}

/** Who may join the job being written, and zeroed unit counters; call only while SEQ is odd and ACTIVE is 0. */
export function writeJobHeader(control: Int32Array, workers: number): void {
  control[WORKERS] = workers;
  control[JOB] = 0;
  control[JOB + 1] = 0;
  control[JOB + 2] = 0;
}

/** The job counters of the control block (a view, shared by every thread). */
export function jobCounters(control: Int32Array): Int32Array {
  return control.subarray(JOB, JOB + 3);
}

/** Whether worker `index` may join the job now described (read after joining). */
export function mayJoin(control: Int32Array, index: number): boolean {
  return index < control[WORKERS];
}
