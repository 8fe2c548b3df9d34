/**
 * `gqa-lab sweep --queue`: the sweep's coordinator. It enqueues each MHA pretraining, then each cell once
 * its MHA model is in the shared folder, and watches until every cell is finished (results.json on disk)
 * or failed (its job failed every attempt). The shared folder is the truth, not Redis: a job that vanished
 * (Redis restarted without persistence) is enqueued again, a finished cell is never run again, and a
 * rerun of the same sweep resumes where it stopped (failed jobs are retried).
 */
import { rm } from 'node:fs/promises';
import { Queue } from 'bullmq';
import type { CellJob, SweepJob } from '../cell-config';
import { writeCellFailure } from '../cell-failure';
import type { SweepPlan } from '../grid';
import { cellLabel, type SweepOutcome, since, startSweep } from '../local-sweep';
import { cellFailedPath, exists, mhaRecordPath, readCellResults } from '../sweep-layout';
import { checkRedis, QUEUE_NAME, redisOptions } from './connection';
import { jobIdOf } from './job-ids';

export interface QueueSweepOptions {
  log?: (line: string) => void;
  /** Tries per job before it is failed (default 2). */
  attempts?: number;
  /** How often the coordinator looks at the queue and the folder (default 1000 ms). */
  pollMs?: number;
}

/** Job options: a failed attempt is retried at once; finished jobs are kept a while for --status. */
function jobOptions(job: SweepJob, attempts: number) {
  return {
    jobId: jobIdOf(job),
    attempts,
    // Pretraining first: every cell waits for it.
    priority: job.kind === 'mha' ? 1 : 2,
    removeOnComplete: { count: 10_000 },
    removeOnFail: { count: 10_000 },
  };
}

export async function runQueueSweep(
  plan: SweepPlan,
  out: string,
  url: string,
  options: QueueSweepOptions = {},
): Promise<SweepOutcome> {
  const log = options.log ?? (() => {});
  const attempts = options.attempts ?? 2;
  const pollMs = options.pollMs ?? 1000;
  await checkRedis(url);
  const { todo, outcome } = await startSweep(plan, out, log);
  if (todo.length === 0) return outcome;

  const queue = new Queue(QUEUE_NAME, { connection: redisOptions(url) });
  queue.on('error', () => {}); // connection drops are retried; the loop below waits them out
  try {
    // A rerun retries what failed last time, and a job that completed for files no longer here (the same
    // grid swept into another folder, a folder deleted) runs again: drop those jobs and the failure records.
    for (const job of [...plan.mha, ...todo]) {
      const onDisk = job.kind === 'mha' && (await exists(mhaRecordPath(out, job.id)));
      const existing = await queue.getJob(jobIdOf(job));
      if (existing && !onDisk && ((await existing.isFailed()) || (await existing.isCompleted()))) {
        await existing.remove();
      }
      if (job.kind === 'cell') await rm(cellFailedPath(out, job.id), { force: true });
    }
    log(
      `enqueued on ${url} (queue ${QUEUE_NAME}); start workers with: gqa-lab worker --queue ${url} --out ${out}`,
    );
    await watch(queue, plan, out, todo, outcome, { log, attempts, pollMs });
  } finally {
    await queue.close();
  }
  return outcome;
}

/** The coordinator's loop (see the file comment). */
async function watch(
  queue: Queue,
  plan: SweepPlan,
  out: string,
  todo: CellJob[],
  outcome: SweepOutcome,
  o: { log: (line: string) => void; attempts: number; pollMs: number },
): Promise<void> {
  const mhaOf = new Map(plan.mha.map((m) => [m.id, m]));
  const open = new Set(todo.map((c) => c.id));
  const mhaError = new Map<string, string>();
  const total = todo.length;
  const t0 = performance.now();
  const settle = async (cell: CellJob, error: string | null, tries: number) => {
    open.delete(cell.id);
    const n = total - open.size;
    if (error === null) {
      outcome.finished.push(cell.id);
      o.log(`[${n}/${total}] ${since(t0)} done   ${cell.id} ${cellLabel(cell)}`);
    } else {
      const failure = { id: cell.id, error, attempts: tries };
      outcome.failed.push(failure);
      await writeCellFailure(out, failure);
      o.log(`[${n}/${total}] ${since(t0)} FAILED ${cell.id} ${cellLabel(cell)}: ${error}`);
    }
  };
  const completedUnseen = new Set<string>();
  /**
   * Adds `job` unless the queue has it; returns its failure reason when it failed every attempt, or when
   * it completed but its files are still not in `out` one poll later (the worker wrote somewhere else).
   */
  const ensure = async (job: SweepJob): Promise<{ failed: string; tries: number } | null> => {
    const existing = await queue.getJob(jobIdOf(job));
    if (!existing) {
      await queue.add(job.kind, job, jobOptions(job, o.attempts));
      return null;
    }
    if (await existing.isFailed()) return { failed: existing.failedReason, tries: existing.attemptsMade };
    if (await existing.isCompleted()) {
      if (completedUnseen.has(job.id)) {
        const failed = `its job completed but its files are not in ${out}: do the workers run with this --out (the same shared folder)?`;
        return { failed, tries: existing.attemptsMade };
      }
      completedUnseen.add(job.id);
    }
    return null;
  };
  while (open.size > 0) {
    for (const cell of todo) {
      if (!open.has(cell.id)) continue;
      if ((await readCellResults(out, cell.id)) !== null) {
        await settle(cell, null, 0);
        continue;
      }
      const mha = mhaOf.get(cell.mhaId);
      if (!mha)
        throw new Error(`sweep plan: cell ${cell.id} needs MHA ${cell.mhaId}, which it does not list`);
      if (mhaError.has(mha.id)) {
        await settle(cell, `pretraining MHA ${mha.id} failed: ${mhaError.get(mha.id)}`, 0);
        continue;
      }
      if (!(await exists(mhaRecordPath(out, mha.id)))) {
        const failed = await ensure(mha);
        if (failed) mhaError.set(mha.id, failed.failed);
        continue;
      }
      const failed = await ensure(cell);
      if (failed) await settle(cell, failed.failed, failed.tries);
    }
    if (open.size > 0) await new Promise((r) => setTimeout(r, o.pollMs));
  }
}
