/** The messages between a sweep's process pool and its worker processes (Node IPC, structured clone). */
import type { SweepJob } from './cell-config';

/** Parent -> worker: run this job, writing under `out`. */
export interface RunMessage {
  type: 'run';
  out: string;
  job: SweepJob;
}

/** Worker -> parent: the job finished, or failed with this error. */
export type ReplyMessage = { type: 'done'; id: string } | { type: 'failed'; id: string; error: string };

export function isRunMessage(m: unknown): m is RunMessage {
  return typeof m === 'object' && m !== null && 'type' in m && m.type === 'run';
}

export function isReplyMessage(m: unknown): m is ReplyMessage {
  return typeof m === 'object' && m !== null && 'type' in m && (m.type === 'done' || m.type === 'failed');
}
