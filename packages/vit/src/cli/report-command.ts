/** `gqa-lab report`: rebuild report.html (and summary.md) from a results.json. */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseJsonText, readRegularTextFile } from '@gqa-lab/nn';
import { renderReport } from '../report/html';
import { parseResults } from '../uptrain-results';
import { summaryMarkdown } from '../uptrain-summary';
import type { CommandSpec } from './args';
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
  // Validated before anything is rendered: report.html is built only from checked values.
  const text = await readRegularTextFile(opts.results);
  const results = parseResults(parseJsonText(text, opts.results, 'up-training results'), opts.results);
  const out = opts.out ?? join(dirname(opts.results), 'report.html');
  await writeFile(out, renderReport(results));
  print(summaryMarkdown(results));
  print(`wrote ${out}`);
}
