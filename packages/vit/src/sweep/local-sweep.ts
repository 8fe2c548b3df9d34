/**
 * The embedded sweep: every unfinished cell on a pool of worker processes on this machine. Each MHA model
 * is pretrained once, before the cells that need it; a job is tried `attempts` times (a worker killed
 * mid-job counts as a failed attempt); a cell that fails every attempt is recorded in failed.json and the
 * rest goes on. Finished cells (results.json) are skipped, so running the same sweep again resumes it.
 */
import { makeOutputFolder } from '../output-folder';
import type { CellJob, SweepJob } from './cell-config';
import { writeCellFailure } from './cell-failure';
import type { SweepPlan } from './grid';
import { writePlan } from './job-schema';
import { ProcessPool } from './process-pool';
import { exists, mhaRecordPath, readCellResults } from './sweep-layout';

export interface LocalSweepOptions {
  /** Worker processes (default: one per core). */
  workers: number;
  /** Tries per job before it is marked failed (default 2). */
  attempts?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Called with the pool once it exists (tests kill one of its workers). */
  onPool?: (pool: ProcessPool) => void;
}

/** How a sweep run ended: cells finished before (skipped), finished now, and failed. */
export interface SweepOutcome {
  skipped: string[];
  finished: string[];
  failed: { id: string; error: string; attempts: number }[];
}

/** A short label of a cell for progress lines. */
export function cellLabel(job: CellJob): string {
  const c = job.config;
  return `${c.variant} kv=${c.kvHeads} seed=${c.seed} ${c.preset} ${c.dataset} ep=${c.epochs} lr=${c.lr} ${c.fidelity}`;
}

/** Seconds since `t0` for progress lines, e.g. '  12.3s'. */
export function since(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
}

/** Cells of `plan` that have no results yet (a damaged or other-version results.json throws, naming it). */
export async function unfinishedCells(plan: SweepPlan, out: string): Promise<CellJob[]> {
  const todo: CellJob[] = [];
  for (const cell of plan.cells) if ((await readCellResults(out, cell.id)) === null) todo.push(cell);
  return todo;
}

/**
 * What every sweep runner does first: make the output folder, write the plan, and find the cells still to
 * run (finished ones are counted as skipped).
 */
export async function startSweep(
  plan: SweepPlan,
  out: string,
  log: (line: string) => void,
): Promise<{ todo: CellJob[]; outcome: SweepOutcome }> {
  makeOutputFolder(out);
  const todo = await unfinishedCells(plan, out);
  await writePlan(out, plan);
  const todoIds = new Set(todo.map((c) => c.id));
  const outcome: SweepOutcome = {
    skipped: plan.cells.filter((c) => !todoIds.has(c.id)).map((c) => c.id),
    finished: [],
    failed: [],
  };
  log(`${plan.cells.length} cells: ${outcome.skipped.length} already finished, ${todo.length} to run`);
  return { todo, outcome };
}

/** Runs the sweep on this machine; see the file comment. */
export async function runLocalSweep(
  plan: SweepPlan,
  out: string,
  options: LocalSweepOptions,
): Promise<SweepOutcome> {
  const log = options.log ?? (() => {});
  const attempts = options.attempts ?? 2;
  const { todo, outcome } = await startSweep(plan, out, log);
  if (todo.length === 0) return outcome;

  const pool = new ProcessPool(Math.min(options.workers, todo.length));
  options.onPool?.(pool);
  const total = todo.length;
  const t0 = performance.now();
  const tryJob = async (job: SweepJob): Promise<string | null> => {
    let error = '';
    for (let i = 1; i <= attempts; i++) {
      try {
        await pool.run(out, job);
        return null;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        log(`  ${job.kind} ${job.id} attempt ${i}/${attempts} failed: ${error}`);
      }
    }
    return error;
  };
  const runCell = async (cell: CellJob, mhaError: string | null): Promise<void> => {
    const error =
      mhaError === null ? await tryJob(cell) : `pretraining MHA ${cell.mhaId} failed: ${mhaError}`;
    const n = outcome.finished.length + outcome.failed.length + 1;
    if (error === null) {
      outcome.finished.push(cell.id);
      log(`[${n}/${total}] ${since(t0)} done   ${cell.id} ${cellLabel(cell)}`);
    } else {
      const failure = { id: cell.id, error, attempts: mhaError === null ? attempts : 0 };
      outcome.failed.push(failure);
      await writeCellFailure(out, failure);
      log(`[${n}/${total}] ${since(t0)} FAILED ${cell.id} ${cellLabel(cell)}: ${error}`);
    }
  };
  try {
    const byMha = new Map<string, CellJob[]>();
    for (const c of todo) byMha.set(c.mhaId, [...(byMha.get(c.mhaId) ?? []), c]);
    await Promise.all(
      plan.mha
        .filter((m) => byMha.has(m.id))
        .map(async (m) => {
          const ready = await exists(mhaRecordPath(out, m.id));
          if (!ready)
            log(
              `pretraining MHA ${m.id} (${m.config.preset}, ${m.config.dataset}, seed ${m.config.pretrainSeed})`,
            );
          const mhaError = ready ? null : await tryJob(m);
          await Promise.all((byMha.get(m.id) ?? []).map((c) => runCell(c, mhaError)));
        }),
    );
  } finally {
    pool.close();
  }
  return outcome;
}
