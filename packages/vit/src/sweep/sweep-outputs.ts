/**
 * The sweep's merged outputs: one row per finished cell (read back from DIR/cells/ID/results.json, so
 * a sweep's files are the same however many workers ran it and in whatever order) and the failed
 * cells, handed to the sweep report (sweep-results.json / .csv, summary.md, report.html).
 */
import type { FailedCell, SweepRow } from '../sweep-report/sweep-row';
import { sweepRowFromUptrain } from '../sweep-report/sweep-row';
import { writeSweepReport } from '../sweep-report/write-sweep-report';
import { readCellFailure } from './cell-failure';
import type { SweepPlan } from './grid';
import { readCellResults } from './sweep-layout';

/** Rows of the finished cells and the recorded failures of the others (cells still waiting are in neither). */
export async function collectSweep(
  plan: SweepPlan,
  out: string,
): Promise<{ rows: SweepRow[]; failed: FailedCell[] }> {
  const rows: SweepRow[] = [];
  const failed: FailedCell[] = [];
  for (const cell of plan.cells) {
    const results = await readCellResults(out, cell.id);
    if (results !== null) {
      rows.push(sweepRowFromUptrain(cell.id, cell.mhaId, cell.config, results));
      continue;
    }
    const failure = await readCellFailure(out, cell.id);
    if (failure !== null) failed.push({ ...failure, config: cell.config });
  }
  return { rows, failed };
}

/** Collects the sweep and writes its report files to `out`; prints where they went. */
export async function writeSweepOutputs(
  plan: SweepPlan,
  out: string,
  print: (line: string) => void,
): Promise<SweepRow[]> {
  const { rows, failed } = await collectSweep(plan, out);
  await writeSweepReport(out, { rows, failed, title: plan.name });
  print(`wrote ${out}/sweep-results.json, sweep-results.csv, summary.md, report.html (${rows.length} rows)`);
  return rows;
}
