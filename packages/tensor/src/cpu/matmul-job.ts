/**
 * A matmul job shared between threads: the plan (operands and output on SharedArrayBuffers) and the job's
 * unit counters (unit-counters.ts). Any split of the units gives the same result (see matmul-plan.ts).
 */
import type { TypedArray } from '../dtype';
import { type MatmulPlan, runUnits, unitCount } from './matmul-plan';
import { takeUnitsOf } from './unit-counters';

export interface MatmulJob {
  readonly plan: MatmulPlan;
  /** Dense (batch, M, N) output on a SharedArrayBuffer. */
  readonly out: TypedArray;
  /** Int32Array(3) on a SharedArrayBuffer: [next unit, units done, units that failed]. */
  readonly control: Int32Array;
}

/** Computes units of the job until none are left (unit-counters.ts: a throwing unit counts as failed). */
export function takeUnits(job: MatmulJob): void {
  takeUnitsOf(job.control, unitCount(job.plan), (u) => runUnits(job.plan, job.out, u, u + 1));
}
