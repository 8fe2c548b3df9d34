/** Writing and reading a sweep's output files: sweep-results.json, sweep-results.csv, summary.md, report.html. */
import { join } from 'node:path';
import { parseJsonText, readRegularTextFile, writeFileAtomic } from '@gqa-lab/nn';
import { makeOutputFolder } from '../output-folder';
import { sweepCsv } from './sweep-csv';
import { renderSweepReport } from './sweep-html';
import {
  type FailedCell,
  parseSweepResults,
  SWEEP_RESULTS_SCHEMA,
  type SweepResults,
  type SweepRow,
} from './sweep-row';
import { compareRows, groupCells, pairedAgainstBaseline } from './sweep-stats';
import { groupTable, markdownOf, pairedTable } from './sweep-tables';

export interface SweepReportInput {
  rows: readonly SweepRow[];
  failed?: readonly FailedCell[];
  /** The page title (default 'gqa-lab sweep'). */
  title?: string;
}

/** The results document: rows in report order, failed cells by id, checked by its schema. */
export function sweepResults(input: SweepReportInput): SweepResults {
  const results: SweepResults = {
    schema: SWEEP_RESULTS_SCHEMA,
    title: input.title ?? 'gqa-lab sweep',
    rows: [...input.rows].sort(compareRows),
    failed: [...(input.failed ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
  // A malformed row is refused here rather than written; duplicates are refused by groupCells.
  parseSweepResults(results, 'sweep results');
  groupCells(results.rows);
  return results;
}

/** summary.md: the two tables as Markdown. */
export function sweepSummaryMarkdown(results: SweepResults): string {
  const groups = groupCells(results.rows);
  const paired = pairedAgainstBaseline(groups);
  return [
    `# ${results.title}`,
    '',
    `${results.rows.length} finished cells, ${results.failed.length} failed; 95 % Student-t intervals over seeds.`,
    '',
    markdownOf(groupTable(groups)),
    '',
    '## Paired difference from GQA (same KV heads, same seeds)',
    '',
    paired.length
      ? markdownOf(pairedTable(paired, groups))
      : 'No variant shares seeds and settings with a GQA cell.',
    '',
  ].join('\n');
}

/**
 * Writes DIR/sweep-results.json, sweep-results.csv, summary.md and report.html, each atomically (a reader sees
 * the old file or the new one, never a torn one). Rows may come in any order: the files are the same bytes.
 */
export async function writeSweepReport(outDir: string, input: SweepReportInput): Promise<SweepResults> {
  const results = sweepResults(input);
  makeOutputFolder(outDir);
  const enc = new TextEncoder();
  const write = (name: string, text: string) => writeFileAtomic(join(outDir, name), enc.encode(text));
  await write('sweep-results.json', `${JSON.stringify(results, null, 1)}\n`);
  await write('sweep-results.csv', sweepCsv(results.rows));
  await write('summary.md', sweepSummaryMarkdown(results));
  await write('report.html', renderSweepReport(results));
  return results;
}

/** Reads and checks DIR/sweep-results.json (errors name the file and the first bad key, the version included). */
export async function readSweepResults(path: string): Promise<SweepResults> {
  const text = await readRegularTextFile(path);
  return parseSweepResults(parseJsonText(text, path, 'sweep results'), path);
}
