/**
 * A matmul job shared between threads: the plan (operands and output on SharedArrayBuffers) and a
 * control block of int32 counters, [next unit to take, units done, units failed]. Every thread, the caller
 * included, takes units one at a time until none are left; which thread computes a unit never changes
 * its value (see matmul-plan.ts), so results do not depend on the thread count or on timing.
 */
import type { TypedArray } from '../dtype';
import { type MatmulPlan, runUnits, unitCount } from './matmul-plan';

export interface MatmulJob {
  readonly plan: MatmulPlan;
  /** Dense (batch, M, N) output on a SharedArrayBuffer. */
  readonly out: TypedArray;
  /** Int32Array(3) on a SharedArrayBuffer: [next unit, units done, units that failed]. */
  readonly control: Int32Array;
}

const NEXT = 0;
const DONE = 1;
const FAILED = 2;

/** A control block for a new job. */
export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(3 * 4));
}

/**
 * Computes units taken from the job's counter until it runs out; wakes the caller after the last one.
 * A unit that throws still counts as done (so the caller never waits forever) and is recorded as failed.
 */
export function takeUnits(job: MatmulJob): void {
  takeUnitsOf(job.control, unitCount(job.plan), (u) => runUnits(job.plan, job.out, u, u + 1));
}

/** takeUnits for any job of `total` units over the counters `control` ([next, done, failed]). */
export function takeUnitsOf(control: Int32Array, total: number, run: (unit: number) => void): void {
  for (;;) {
    const u = Atomics.add(control, NEXT, 1);
    if (u >= total) return;
    try {
      run(u);
    } catch {
      Atomics.add(control, FAILED, 1);
    }
    if (Atomics.add(control, DONE, 1) + 1 === total) Atomics.notify(control, DONE);
  }
}

/** Number of units whose computation threw (`job` or its counters). */
export function failedUnits(job: MatmulJob | Int32Array): number {
  return Atomics.load(job instanceof Int32Array ? job : job.control, FAILED);
}

/**
 * Blocks until every unit of the job is done (the caller has already taken its share). With a timeout
 * (milliseconds) it gives up and returns false when no unit finished for that long.
 */
export function waitForJob(job: MatmulJob, timeoutMs = Number.POSITIVE_INFINITY): boolean {
  return waitForUnits(job.control, unitCount(job.plan), timeoutMs);
}

/** waitForJob for any job of `total` units over the counters `control`. */
export function waitForUnits(
  control: Int32Array,
  total: number,
  timeoutMs = Number.POSITIVE_INFINITY,
): boolean {
  for (let done = Atomics.load(control, DONE); done < total; done = Atomics.load(control, DONE)) {
    if (Atomics.wait(control, DONE, done, timeoutMs) === 'timed-out') return false;
  }
  return true;
}
