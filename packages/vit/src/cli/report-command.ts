/** `gqa-lab report`: rebuild report.html (and summary.md) from a results.json. */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderReport } from '../report/html';
import { parseResults, summaryMarkdown } from '../uptrain-results';
import { type CommandSpec, UsageError } from './args';
import { loadCommandConfig, requirePath } from './common';
import { flag } from './flag';
import { requirePathFlags } from './inputs';
import { pathValue } from './values';

export interface ReportCommandOptions {
  results: string;
  out: string | null;
}

export const REPORT_SPEC: CommandSpec<ReportCommandOptions> = {
  name: 'report',
  summary: 'Rebuild the self-contained HTML report from a results.json written by uptrain.',
  details: 'Example:\n  gqa-lab report --results runs/uptrain/results.json --out report.html',
  flags: [
    flag('results', 'PATH', 'results.json (required)', pathValue),
    flag<'out', string | null>(
      'out',
      'PATH',
      'HTML file to write (default: report.html next to results.json)',
      pathValue,
    ),
  ],
};

/** Runs `gqa-lab report argv...`. */
export async function reportCommand(argv: readonly string[], print: (s: string) => void): Promise<void> {
  const opts: ReportCommandOptions = { results: '', out: null };
  const { help } = await loadCommandConfig(REPORT_SPEC, argv, opts, print);
  if (help) return;
  requirePathFlags('report', { results: opts.results });
  await requirePath('results', opts.results);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(opts.results, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `--results: ${opts.results} is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const results = parseResults(value, opts.results);
  const out = opts.out ?? join(dirname(opts.results), 'report.html');
  await writeFile(out, renderReport(results));
  print(summaryMarkdown(results));
  print(`wrote ${out}`);
}
