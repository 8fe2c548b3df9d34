/**
 * Where a worker pool can run and how many threads it uses by default: Node's Worker and core count,
 * loaded at run time through process.getBuiltinModule so that importing the CPU backend pulls in no Node
 * module (a browser runs every kernel on the calling thread).
 */
import type { Worker } from 'node:worker_threads';

let nodeThreadsCache: { Worker: typeof Worker; parallelism: number } | null | undefined;

/** Node's Worker and core count, or null outside Node (or without SharedArrayBuffer). */
export function nodeThreads(): { Worker: typeof Worker; parallelism: number } | null {
  if (nodeThreadsCache !== undefined) return nodeThreadsCache;
  const proc = globalThis.process;
  nodeThreadsCache =
    typeof proc?.getBuiltinModule !== 'function' || typeof SharedArrayBuffer === 'undefined'
      ? null
      : {
          Worker: proc.getBuiltinModule('node:worker_threads').Worker,
          parallelism: proc.getBuiltinModule('node:os').availableParallelism(),
        };
  return nodeThreadsCache;
}

/** Threads used by default: GQA_THREADS if set (1 = no pool), else the machine's parallelism (at most 8). */
export function defaultThreadCount(): number {
  const node = nodeThreads();
  if (!node) return 1;
  const env = globalThis.process.env.GQA_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`GQA_THREADS must be an integer >= 1, got '${env}'`);
    return n;
  }
  return Math.min(node.parallelism, 8);
}
