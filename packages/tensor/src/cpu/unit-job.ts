/**
 * Jobs that reach the worker pool by message rather than through the control block (see pool-control.ts):
 * each message names its job; `unitRunner` gives the function that computes one unit of it.
 */
import { type AttentionJobMessage, attentionUnits } from './attention-pool';
import type { PoolBuffers } from './pool-control';

/** Every message-described job (one today: fused attention, forward or backward). */
export type UnitJobMessage = AttentionJobMessage;

/** The number of units of the job `m` and the function computing one, over the shared buffers `bufs`. */
export function unitRunner(
  m: UnitJobMessage,
  bufs: PoolBuffers,
): { total: number; run: (unit: number) => void } {
  return attentionUnits(m, bufs);
}

/** Whether a message posted to a worker is a job (the other messages are PoolBuffers). */
export function isUnitJobMessage(m: UnitJobMessage | PoolBuffers): m is UnitJobMessage {
  return 'job' in m;
}
