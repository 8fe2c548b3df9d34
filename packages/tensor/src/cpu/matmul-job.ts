/**
 * A matmul as a pool job: the plan with its operands and output on SharedArrayBuffers, split into the
 * plan's units. Any split of the units gives the same result (see matmul-plan.ts).
 */
import type { TypedArray } from '../dtype';
import { type MatmulPlan, runUnits, unitCount } from './matmul-plan';

/** A matmul as the pool posts it to its workers. */
export interface MatmulJobMessage {
  readonly job: 'matmul';
  readonly seq: number;
  /** The plan, its operands (and bias) on SharedArrayBuffers. */
  readonly plan: MatmulPlan;
  /** Dense (batch, M, N) output on a SharedArrayBuffer. */
  readonly out: TypedArray;
}

/** The units of a matmul job: one per output block of the plan. */
export function matmulUnits(m: MatmulJobMessage): { total: number; run: (unit: number) => void } {
  const { plan, out } = m;
  return { total: unitCount(plan), run: (u) => runUnits(plan, out, u, u + 1) };
}
