/**
 * `gqa-lab worker`: takes sweep jobs from the BullMQ queue and runs them on a local pool of worker
 * processes (`concurrency` of them, each single-threaded), writing into the shared sweep folder. BullMQ
 * holds a lock on each job while it runs; when this process dies (SIGKILL, a lost machine) the lock
 * expires and another worker's stalled-job check puts the job back in the queue. A job that failed
 * `attempts` times, or stalled twice, is failed for good and the sweep goes on.
 */
import { hostname } from 'node:os';
import { type Job, Worker } from 'bullmq';
import { parseSweepJob } from '../job-schema';
import { ProcessPool } from '../process-pool';
import { QUEUE_NAME, redisOptions } from './connection';

export interface QueueWorkerOptions {
  /** Jobs run at once (worker processes). */
  concurrency: number;
  /** How long a job's lock lasts without renewal: a dead worker's job is retried after about this (ms). */
  lockDurationMs: number;
  log?: (line: string) => void;
}

/** Starts a worker; resolves once it is connected. Call `close()` on the result to stop it. */
export async function startQueueWorker(
  url: string,
  out: string,
  options: QueueWorkerOptions,
): Promise<{ close: () => Promise<void> }> {
  const log = options.log ?? (() => {});
  const pool = new ProcessPool(options.concurrency);
  const me = `${hostname()}:${process.pid}`;
  const processor = async (job: Job): Promise<void> => {
    const sweepJob = parseSweepJob(job.data, `queue job ${job.id}`);
    const t0 = performance.now();
    log(`${me} start ${job.id} (attempt ${job.attemptsMade + 1})`);
    await pool.run(out, sweepJob);
    log(`${me} done  ${job.id} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: redisOptions(url),
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: Math.max(500, Math.floor(options.lockDurationMs / 2)),
    maxStalledCount: 1,
  });
  worker.on('failed', (job, err) => log(`${me} failed ${job?.id ?? '?'}: ${err.message}`));
  worker.on('stalled', (id) => log(`${me} found stalled job ${id}: back in the queue`));
  // Connection drops (a Redis restart) are retried by ioredis; log them once each instead of crashing.
  worker.on('error', (err) => log(`${me} queue error: ${err.message}`));
  await worker.waitUntilReady();
  log(`${me} waiting for jobs on ${url} (concurrency ${options.concurrency}), writing to ${out}`);
  return {
    close: async () => {
      await worker.close();
      pool.close();
    },
  };
}
