/**
 * The up-training report: ONE self-contained HTML page (inline CSS and SVG, no scripts, fonts or URLs) with
 * the summary (accuracy after conversion and final, over seeds, and the paired difference from GQA),
 * accuracy per variant, training curves, accuracy vs real KV heads and vs KV-cache bytes, and KDGQA / DGQA
 * key-norm and allocation heatmaps. With several seeds every chart shows 95 % intervals.
 */
import { htmlTable, REPORT_STYLE } from '../sweep-report/sweep-html';
import type { CellGroup } from '../sweep-report/sweep-stats';
import type { UptrainResults } from '../uptrain-results';
import { uptrainGroups, uptrainSummaryHeader, uptrainSummaryTable } from '../uptrain-summary';
import { heatmap } from './heatmap';
import { type Html, html } from './html-template';
import {
  accuracyBarChart,
  accuracyVsKvBytesChart,
  accuracyVsKvHeadsChart,
  epochAccuracyChart,
  stepLossChart,
} from './stat-charts';

/** The KV-head counts asked for, each with its groups (MHA and MQA, whose count is fixed, in every one). */
function perAskedCount(results: UptrainResults): [number, CellGroup[]][] {
  const groups = uptrainGroups(results);
  const fixed = groups.filter((g) => g.config.variant === 'mha' || g.config.variant === 'mqa');
  const counts = [...new Set(results.runs.map((r) => r.kvHeads))].sort((a, b) => a - b);
  return counts.map((kv) => {
    const own = groups.filter((g) => !fixed.includes(g) && g.config.kvHeads === kv);
    return [kv, [...fixed, ...own]];
  });
}

/** Final test accuracy per variant at each KV-head count: bars from zero, 95 % intervals with several seeds. */
export function accuracyCharts(results: UptrainResults): Html[] {
  return perAskedCount(results).map(([kv, groups]) =>
    accuracyBarChart(groups, `accuracy-kv${kv}`, `Test accuracy per variant, ${kv} KV heads`),
  );
}

/**
 * Per KV-head count: the per-step training loss (binned, with a band over seeds), and the test accuracy per
 * epoch when there are two epochs or more (a one-epoch run has only its start and end, in the summary).
 */
export function curveCharts(results: UptrainResults): Html[] {
  return perAskedCount(results).flatMap(([kv, groups]) =>
    [
      stepLossChart(groups, `curve-steps-kv${kv}`, `Training loss while fine-tuning, ${kv} KV heads`),
      epochAccuracyChart(groups, `curve-epochs-kv${kv}`, `Test accuracy per epoch, ${kv} KV heads`),
    ].filter((c): c is Html => c !== null),
  );
}

/** Accuracy vs the KV heads each model really has (MHA at all its heads, MQA at 1); null with one count. */
export function ablationChart(results: UptrainResults): Html | null {
  return accuracyVsKvHeadsChart(uptrainGroups(results), 'ablation', 'Test accuracy vs KV heads');
}

/** Accuracy vs KV-cache bytes per token (the cost of each variant); null with one cost. */
export function costChart(results: UptrainResults): Html | null {
  return accuracyVsKvBytesChart(uptrainGroups(results), 'cost', 'Test accuracy vs KV-cache bytes per token');
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
        title: `${r.variant}: query heads per KV head over training (${r.kvHeads} KV heads, seed ${r.seed})`,
        rowLabels,
        columns,
        xLabel: 'training step',
        valueLabel: 'queries',
      }),
      heatmap(norms, {
        id: `norms-${id}`,
        title: `${r.variant}: batch-summed key norms over training (${r.kvHeads} KV heads, seed ${r.seed})`,
        rowLabels,
        columns,
        xLabel: 'training step',
        valueLabel: 'key norm',
      }),
    );
  }
  return charts;
}

/**
 * Renders the whole report; deterministic for the same results. Callers pass results validated by
 * parseResults (the report command does), so every number here is finite.
 */
export function renderReport(results: UptrainResults): string {
  const section = (title: string, charts: readonly (Html | null)[], note = '') => {
    const shown = charts.filter((c): c is Html => c !== null);
    return shown.length
      ? html`<h2>${title}</h2>${note ? html`<p>${note}</p>` : null}\n${shown.map((c, i) => html`${i > 0 ? '\n' : null}<figure>${c}</figure>`)}`
      : null;
  };
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>gqa-lab up-training report</title><style>${REPORT_STYLE}</style></head>
<body>
<h1>Up-training MHA to grouped-query variants</h1>
${uptrainSummaryHeader(results).map((line) => html`<p>${line}</p>\n`)}<p>Total time ${results.totalSeconds.toFixed(1)} s.</p>
<h2>Summary</h2>
${htmlTable(uptrainSummaryTable(results))}
${section('Test accuracy per variant', accuracyCharts(results))}
${section('Training curves', curveCharts(results))}
${section('Accuracy vs KV heads and KV-cache cost', [ablationChart(results), costChart(results)], 'Each model at the KV heads it really has: MHA at all its heads, MQA at 1, QCQA / AsymGQA at their mean over layers.')}
${section('Key norms and allocations (KDGQA, DGQA)', telemetryCharts(results), 'Rows are KV heads of each layer (L = layer), columns training steps; the allocation is the number of query heads reading each KV head.')}
<h2>Configuration</h2>
<pre>${JSON.stringify(results.config, null, 2)}</pre>
</body></html>
`.text;
}
