/**
 * The sweep's report.html: one self-contained page (inline CSS and SVG, no scripts, fonts or URLs) with the
 * mean and 95 % interval of each (variant, KV heads) group, the paired differences from GQA, accuracy vs KV
 * heads with error bars, accuracy vs KV-cache bytes, and training curves with bands over seeds.
 */
import { type Html, html } from '../report/html-template';
import { PAIRED_TEST } from '../stats/intervals';
import { panelCharts, sweepPanels } from './sweep-panels';
import type { SweepResults } from './sweep-row';
import { groupCells, pairedAgainstBaseline } from './sweep-stats';
import { costTable, groupTable, pairedTable, type TextTable } from './sweep-tables';

/** A TextTable as an HTML table (every cell escaped by the html template). */
export function htmlTable(t: TextTable): Html {
  const th = t.header.map((c) => html`<th>${c}</th>`);
  const trs = t.rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>\n`);
  return html`<table><thead><tr>${th}</tr></thead><tbody>\n${trs}</tbody></table>`;
}

export const REPORT_STYLE = html`body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:.5em}pre{background:#f6f6f6;padding:.6em;overflow:auto}`;

/** Renders the whole page; deterministic for the same results (rows in any order give the same bytes). */
export function renderSweepReport(results: SweepResults): string {
  const groups = groupCells(results.rows);
  const paired = pairedAgainstBaseline(groups);
  const seeds = new Set(results.rows.map((r) => r.config.seed)).size;
  const failed = results.failed.map(
    (f) =>
      html`<tr><td>${f.id}</td><td>${f.config.variant}</td><td>${String(f.config.kvHeads)}</td><td>${String(f.config.seed)}</td><td>${String(f.attempts)}</td><td>${f.error}</td></tr>\n`,
  );
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${results.title}</title><style>${REPORT_STYLE}</style></head>
<body>
<h1>${results.title}</h1>
<p>${String(results.rows.length)} finished cells in ${String(groups.length)} groups, ${String(seeds)} distinct seed(s); ${String(results.failed.length)} failed.
Intervals are 95 % Student-t confidence intervals over seeds; a group with one seed has none.</p>
<h2>Accuracy per group (mean over seeds)</h2>
${htmlTable(groupTable(groups))}
<h2>Paired difference from GQA (same KV heads, same seeds)</h2>
<p>Δ = variant minus GQA on the same seed, in percentage points; the test is a ${PAIRED_TEST} of "mean Δ = 0"
on the final accuracy. An interval that contains 0 (or p ≥ 0.05) means the sweep cannot tell the two apart.
With one pair there is no interval and no test.</p>
${paired.length ? htmlTable(pairedTable(paired, groups)) : html`<p>No variant shares seeds and settings with a GQA cell.</p>`}
<h2>Cost: KV-cache bytes per token</h2>
${htmlTable(costTable(groups))}
${sweepPanels(groups).map(
  (panel, i) =>
    html`<h2>Charts${panel.label ? html` (${panel.label})` : null}</h2>\n${panelCharts(panel, i).map((c) => html`<figure>${c}</figure>\n`)}`,
)}
${failed.length ? html`<h2>Failed cells</h2><table><thead><tr><th>id</th><th>variant</th><th>KV heads</th><th>seed</th><th>attempts</th><th>error</th></tr></thead><tbody>\n${failed}</tbody></table>` : null}
</body></html>
`.text;
}
