/**
 * A matmul job shared between threads: the plan (operands and output on SharedArrayBuffers) and a
 * control block of two int32 counters, [next unit to take, units done]. Every thread, the caller
 * included, takes units one at a time until none are left; which thread computes a unit never changes
 * its value (see matmul-plan.ts), so results do not depend on the thread count or on timing.
 */
import type { TypedArray } from '../dtype';
import { type MatmulPlan, runUnits, unitCount } from './matmul-plan';

export interface MatmulJob {
  readonly plan: MatmulPlan;
  /** Dense (batch, M, N) output on a SharedArrayBuffer. */
  readonly out: TypedArray;
  /** Int32Array(2) on a SharedArrayBuffer: [next unit, units done]. */
  readonly control: Int32Array;
}

const NEXT = 0;
const DONE = 1;

/** Computes units taken from the job's counter until it runs out; wakes the caller after the last one. */
export function takeUnits(job: MatmulJob): void {
  const total = unitCount(job.plan);
  for (;;) {
    const u = Atomics.add(job.control, NEXT, 1);
    if (u >= total) return;
    runUnits(job.plan, job.out, u, u + 1);
    if (Atomics.add(job.control, DONE, 1) + 1 === total) Atomics.notify(job.control, DONE);
  }
}

/** Blocks until every unit of the job is done (the caller has already taken its share). */
export function waitForJob(job: MatmulJob): void {
  const total = unitCount(job.plan);
  for (let done = Atomics.load(job.control, DONE); done < total; done = Atomics.load(job.control, DONE)) {
    Atomics.wait(job.control, DONE, done);
  }
}
