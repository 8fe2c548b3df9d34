/**
 * `gqa-lab sweep --status`: each cell of DIR/sweep.json is done (results.json), failed (failed.json),
 * running (running.json names a live process, or, with --queue, its job is active) or waiting.
 */
import { hostname } from 'node:os';
import { parseJsonText, readRegularTextFile } from '@gqa-lab/nn';
import { readCellFailure } from './cell-failure';
import type { SweepPlan } from './grid';
import { parsePlan } from './job-schema';
import { cellLabel } from './local-sweep';
import { loadQueueModule } from './queue/load-queue';
import { cellRunningPath, exists, planPath, readCellResults } from './sweep-layout';

export type CellState = 'done' | 'running' | 'failed' | 'waiting';

/** Reads DIR/sweep.json (written when a sweep starts). */
export async function readPlan(out: string): Promise<SweepPlan> {
  const path = planPath(out);
  if (!(await exists(path)))
    throw new Error(`${path} does not exist: no sweep was started with --out ${out}`);
  return parsePlan(parseJsonText(await readRegularTextFile(path), path, 'sweep plan'), path);
}

/** Whether running.json of a cell names a process that is alive (on this host; another host's is trusted). */
async function runningHere(out: string, id: string): Promise<boolean> {
  const path = cellRunningPath(out, id);
  if (!(await exists(path))) return false;
  let value: unknown;
  try {
    value = JSON.parse(await readRegularTextFile(path));
  } catch {
    return false; // removed or replaced while reading
  }
  if (typeof value !== 'object' || value === null || !('pid' in value) || !('host' in value)) return false;
  if (value.host !== hostname()) return true;
  try {
    process.kill(Number(value.pid), 0);
    return true;
  } catch (e) {
    return e instanceof Error && 'code' in e && e.code === 'EPERM';
  }
}

/** The state of every cell; `active` holds the ids the queue reports as being worked on. */
export async function cellStates(
  plan: SweepPlan,
  out: string,
  active: ReadonlySet<string> | null,
): Promise<Map<string, CellState>> {
  const states = new Map<string, CellState>();
  for (const cell of plan.cells) {
    let state: CellState = 'waiting';
    if ((await readCellResults(out, cell.id)) !== null) state = 'done';
    else if (active ? active.has(cell.id) : await runningHere(out, cell.id)) state = 'running';
    else if ((await readCellFailure(out, cell.id)) !== null) state = 'failed';
    states.set(cell.id, state);
  }
  return states;
}

/** Prints the counts, then the running and failed cells (with their errors). */
export async function showStatus(out: string, queue: string | null, print: (s: string) => void) {
  const plan = await readPlan(out);
  let active: ReadonlySet<string> | null = null;
  if (queue !== null) {
    const { activeCellIds } = await loadQueueModule(() => import('./queue/queue-status'));
    active = await activeCellIds(queue);
  }
  const states = await cellStates(plan, out, active);
  const count = (s: CellState) => [...states.values()].filter((x) => x === s).length;
  print(
    `sweep '${plan.name}' in ${out}: ${plan.cells.length} cells: ${count('done')} done, ` +
      `${count('running')} running, ${count('failed')} failed, ${count('waiting')} waiting`,
  );
  for (const cell of plan.cells) {
    const state = states.get(cell.id);
    if (state === 'running') print(`  running ${cell.id} ${cellLabel(cell)}`);
    if (state === 'failed') {
      const failure = await readCellFailure(out, cell.id);
      print(`  failed  ${cell.id} ${cellLabel(cell)}: ${failure?.error ?? ''}`);
    }
  }
}
