/**
 * What the browser test bundle gets for node:os and node:worker_threads (aliased in vitest.browser.config.ts).
 * The CPU backend's matmul pool imports them at module load; in a browser it must never start, so one
 * thread is reported and starting a worker throws naming the cause.
 */

/** One thread: the CPU matmul runs on the caller, never on the (Node-only) pool. */
export function availableParallelism(): number {
  return 1;
}

/** Stands in for node:worker_threads' Worker; constructing it is a bug in browser code. */
export class Worker {
  constructor(entry: unknown) {
    throw new Error(
      `browser-node-stub: node:worker_threads Worker(${String(entry)}) is not available in a browser`,
    );
  }
}
