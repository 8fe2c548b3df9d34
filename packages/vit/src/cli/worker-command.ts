/** `gqa-lab worker`: runs sweep jobs from a BullMQ queue until stopped (SIGINT / SIGTERM finish the jobs in hand). */
import { availableParallelism } from 'node:os';
import { loadQueueModule } from '../sweep/queue/load-queue';
import { type CommandSpec, UsageError } from './args';
import { loadCommandConfig } from './common';
import { flag } from './flag';
import { intValue, pathValue } from './values';

interface WorkerOptions {
  queue: string | null;
  out: string | null;
  concurrency: number;
  lockDuration: number;
}

export const WORKER_SPEC: CommandSpec<WorkerOptions> = {
  name: 'worker',
  summary:
    'Take sweep jobs from the queue that `gqa-lab sweep --queue` fills and run them, writing each cell into\n' +
    'the shared sweep folder --out. Run any number of workers on any number of machines.',
  details: [
    'Example:',
    '  gqa-lab worker --queue redis://redis:6379/0 --out /shared/sweep --concurrency 4',
  ].join('\n'),
  flags: [
    flag('queue', 'URL', 'redis://host:port/db of the sweep', (f, r): string | null => pathValue(f, r)),
    flag(
      'out',
      'DIR',
      'the sweep folder, shared with `gqa-lab sweep` (same files, any mount point)',
      (f, r): string | null => pathValue(f, r),
    ),
    flag(
      'concurrency',
      'N',
      'jobs at once, each in its own single-threaded process (default: one per core)',
      (f, r) => intValue(f, r, 1, 1024),
    ),
    flag(
      'lockDuration',
      'MS',
      "job lock; a killed worker's job is retried after about this long (default 30000)",
      (f, r) => intValue(f, r, 1000, 3_600_000),
    ),
  ],
};

export async function workerCommand(argv: readonly string[], print: (s: string) => void): Promise<void> {
  const opts: WorkerOptions = {
    queue: null,
    out: null,
    concurrency: availableParallelism(),
    lockDuration: 30_000,
  };
  const { help } = await loadCommandConfig(WORKER_SPEC, argv, opts, print);
  if (help) return;
  if (opts.queue === null) throw new UsageError('gqa-lab worker: --queue URL is required');
  if (opts.out === null) throw new UsageError('gqa-lab worker: --out DIR is required');
  const { checkRedis } = await loadQueueModule(() => import('../sweep/queue/connection'));
  const { startQueueWorker } = await loadQueueModule(() => import('../sweep/queue/queue-consumer'));
  await checkRedis(opts.queue);
  const worker = await startQueueWorker(opts.queue, opts.out, {
    concurrency: opts.concurrency,
    lockDurationMs: opts.lockDuration,
    log: print,
  });
  await new Promise<void>((resolve) => {
    const stop = () => {
      print('stopping: finishing the jobs in hand (signal again to abort)');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      worker.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
