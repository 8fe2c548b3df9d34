/**
 * The up-training report: ONE self-contained HTML page (inline CSS and SVG, no scripts, fonts or URLs) with
 * accuracy per variant, training curves, the KV-head ablation and KDGQA / DGQA key-norm and allocation heatmaps.
 */
import {
  summarizeRuns,
  summaryMarkdown,
  UPTRAIN_VARIANTS,
  type UptrainResults,
  type VariantRun,
} from '../uptrain-results';
import { barChart } from './bar-chart';
import { heatmap } from './heatmap';
import { type Html, html } from './html-template';
import { lineChart, type Series } from './line-chart';

const variantNames: readonly string[] = UPTRAIN_VARIANTS;
const variantColour = (v: string) => Math.max(0, variantNames.indexOf(v));

/** Accuracy per variant at each KV-head count (mean ± std over seeds). */
export function accuracyCharts(results: UptrainResults): Html[] {
  const rows = summarizeRuns(results.runs);
  const counts = [...new Set(rows.map((r) => r.kvHeads))];
  return counts.map((kv) =>
    barChart(
      rows
        .filter((r) => r.kvHeads === kv)
        .map((r) => ({
          label: r.variant,
          value: r.accuracyMean,
          error: r.accuracyStd,
          colourIndex: variantColour(r.variant),
        })),
      {
        id: `accuracy-kv${kv}`,
        title: `Test accuracy per variant (${kv} KV heads)`,
        yLabel: 'test accuracy',
        format: (v) => `${(100 * v).toFixed(1)}%`,
      },
    ),
  );
}

/** Loss and accuracy per epoch for every variant (first seed), one chart per KV-head count and metric. */
export function curveCharts(results: UptrainResults): Html[] {
  const firstSeed = new Map<string, VariantRun>();
  for (const r of results.runs) {
    const key = `${r.kvHeads}/${r.variant}`;
    if (!firstSeed.has(key)) firstSeed.set(key, r);
  }
  const runs = [...firstSeed.values()];
  const counts = [...new Set(runs.map((r) => r.kvHeads))].sort((a, b) => a - b);
  const charts: Html[] = [];
  for (const kv of counts) {
    const at = runs.filter((r) => r.kvHeads === kv);
    for (const [metric, label] of [
      ['loss', 'loss'],
      ['accuracy', 'accuracy'],
    ] as const) {
      const series: Series[] = at.map((r) => ({
        name: r.variant,
        colourIndex: variantColour(r.variant),
        points: [
          { x: 0, y: metric === 'loss' ? r.converted.testLoss : r.converted.testAccuracy },
          ...r.history.map((e) => ({ x: e.epoch, y: metric === 'loss' ? e.testLoss : e.testAccuracy })),
        ],
      }));
      charts.push(
        lineChart(series, {
          id: `curve-${metric}-kv${kv}`,
          title: `Test ${label} per epoch (${kv} KV heads)`,
          xLabel: 'epoch (0 = right after conversion)',
          yLabel: `test ${label}`,
        }),
      );
    }
  }
  return charts;
}

/** Accuracy vs KV heads per variant; null when fewer than two counts ran. */
export function ablationChart(results: UptrainResults): Html | null {
  const rows = summarizeRuns(results.runs);
  if (new Set(rows.map((r) => r.kvHeads)).size < 2) return null;
  const variants = UPTRAIN_VARIANTS.filter((v) => rows.some((r) => r.variant === v));
  const series: Series[] = variants.map((v) => ({
    name: v,
    colourIndex: variantColour(v),
    points: rows.filter((r) => r.variant === v).map((r) => ({ x: r.kvHeads, y: r.accuracyMean })),
  }));
  return lineChart(series, {
    id: 'ablation',
    title: 'KV-head ablation: test accuracy vs KV heads',
    xLabel: 'KV heads (log2 scale)',
    yLabel: 'test accuracy',
    log2X: true,
  });
}

/** Key-norm and allocation heatmaps (rows: layer × KV head, columns: training steps) for runs with traces. */
export function telemetryCharts(results: UptrainResults): Html[] {
  const charts: Html[] = [];
  const seen = new Set<string>();
  for (const r of results.runs) {
    const key = `${r.kvHeads}/${r.variant}`;
    if (r.traces.length === 0 || seen.has(key)) continue;
    seen.add(key);
    const columns = r.traces[0].steps;
    const rowLabels: string[] = [];
    const norms: number[][] = [];
    const alloc: number[][] = [];
    r.traces.forEach((t, l) => {
      const g = t.allocation[0]?.length ?? 0;
      for (let k = 0; k < g; k++) {
        rowLabels.push(`L${l} kv${k}`);
        norms.push(t.keyNorms.map((row) => row[k]));
        alloc.push(t.allocation.map((row) => row[k]));
      }
    });
    const id = `${r.variant}-kv${r.kvHeads}`;
    charts.push(
      heatmap(alloc, {
        id: `alloc-${id}`,
        title: `${r.variant}: query heads per KV head over training (${r.kvHeads} KV heads)`,
        rowLabels,
        columns,
        xLabel: 'training step',
        valueLabel: 'queries',
      }),
      heatmap(norms, {
        id: `norms-${id}`,
        title: `${r.variant}: batch-summed key norms over training (${r.kvHeads} KV heads)`,
        rowLabels,
        columns,
        xLabel: 'training step',
        valueLabel: 'key norm',
      }),
    );
  }
  return charts;
}

/** The Markdown summary table as an HTML table (each cell escaped by the html template). */
function markdownTable(md: string): Html {
  const lines = md.split('\n').filter((_line, i) => i !== 1); // drop the |---| row
  const cells = (l: string) => l.replace(/^\|\s*|\s*\|$/g, '').split(' | ');
  const [head, ...body] = lines;
  const th = cells(head).map((c) => html`<th>${c}</th>`);
  const trs = body.map((l) => html`<tr>${cells(l).map((c) => html`<td>${c}</td>`)}</tr>\n`);
  return html`<table><thead><tr>${th}</tr></thead><tbody>\n${trs}</tbody></table>`;
}

const STYLE = html`body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:.5em}pre{background:#f6f6f6;padding:.6em;overflow:auto}`;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * Renders the whole report; deterministic for the same results. Callers pass results validated by
 * parseResults (the report command does), so every number here is finite.
 */
export function renderReport(results: UptrainResults): string {
  const { dataset, pretrain } = results;
  const section = (title: string, charts: readonly Html[], note = '') =>
    charts.length
      ? html`<h2>${title}</h2>${note ? html`<p>${note}</p>` : null}\n${charts.map((c, i) => html`${i > 0 ? '\n' : null}<figure>${c}</figure>`)}`
      : null;
  const ablation = ablationChart(results);
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>gqa-lab up-training report</title><style>${STYLE}</style></head>
<body>
<h1>Up-training MHA to grouped-query variants</h1>
<p>Dataset <b>${dataset.name}</b> (${dataset.source}): ${dataset.trainSize} train / ${dataset.testSize} test images, ${dataset.classes} classes, ${dataset.channels}x${dataset.imageSize}x${dataset.imageSize}.
MHA checkpoint: ${pretrain.origin}, test accuracy ${pct(pretrain.testAccuracy)}, test loss ${pretrain.testLoss.toFixed(4)}.
Total time ${results.totalSeconds.toFixed(1)} s.</p>
<h2>Summary</h2>
${markdownTable(summaryMarkdown(results))}
${section('Test accuracy per variant', accuracyCharts(results))}
${section('Training curves', curveCharts(results))}
${section('KV-head ablation', ablation ? [ablation] : [])}
${section('Key norms and allocations (KDGQA, DGQA)', telemetryCharts(results), 'Rows are KV heads of each layer (L = layer), columns training steps; the allocation is the number of query heads reading each KV head.')}
<h2>Configuration</h2>
<pre>${JSON.stringify(results.config, null, 2)}</pre>
</body></html>
`.text;
}
