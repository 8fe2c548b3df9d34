/**
 * A worker process of the sweep's local pool: runs the jobs its parent sends, one at a time, single-threaded
 * (GQA_THREADS=1, set by the parent), and exits when the parent goes away (its IPC channel closes), so a
 * killed sweep or `gqa-lab worker` leaves no orphan training.
 */
import { isRunMessage, type ReplyMessage } from './pool-messages';
import { runSweepJob } from './run-job';

function reply(m: ReplyMessage): void {
  process.send?.(m);
}

process.on('message', (m: unknown) => {
  if (!isRunMessage(m)) return;
  runSweepJob(m.out, m.job).then(
    () => reply({ type: 'done', id: m.job.id }),
    (e: unknown) => {
      const error = e instanceof Error ? e.message : String(e);
      reply({ type: 'failed', id: m.job.id, error });
    },
  );
});
process.on('disconnect', () => process.exit(0));
