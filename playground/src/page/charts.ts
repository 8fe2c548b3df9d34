/** The page's charts, drawn by the HTML report's chart code (@gqa-lab/vit report/): SVG markup per panel. */
import {
  barChart,
  confusionMatrix,
  type Html,
  heatmap,
  html,
  lineChart,
  mapGrid,
  type Series,
  UPTRAIN_VARIANTS,
} from '@gqa-lab/vit/browser';
import type { FromWorker } from '../protocol';
import type { RunView, SessionView } from './runs';

const colourOf = (run: string) => {
  const i = (UPTRAIN_VARIANTS as readonly string[]).indexOf(run);
  return i >= 0 ? i : UPTRAIN_VARIANTS.length;
};

/** At most `max` points: consecutive points averaged (the chart draws a marker per point). */
function thin(points: readonly { x: number; y: number }[], max = 120): { x: number; y: number }[] {
  const size = Math.max(1, Math.ceil(points.length / max));
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bin = points.slice(i, i + size);
    out.push({ x: bin[bin.length - 1].x, y: bin.reduce((s, p) => s + p.y, 0) / bin.length });
  }
  return out;
}

/** Training loss per step and test accuracy per epoch (epoch 0: right after conversion), every run. */
export function curveCharts(view: SessionView): Html {
  const runs = [...view.runs.values()];
  const loss: Series[] = runs.map((r) => ({
    name: r.name,
    colourIndex: colourOf(r.name),
    points: thin(r.steps.map((s) => ({ x: s.step, y: s.loss }))),
  }));
  const accuracy: Series[] = runs.map((r) => ({
    name: r.name,
    colourIndex: colourOf(r.name),
    points: [
      ...(r.converted === null ? [] : [{ x: 0, y: r.converted }]),
      ...r.epochs.map((e) => ({ x: e.epoch, y: e.testAccuracy })),
    ],
  }));
  return html`${lineChart(loss, { id: 'loss-chart', title: 'Training loss per step', xLabel: 'step', yLabel: 'loss' })}${lineChart(
    accuracy,
    { id: 'accuracy-chart', title: 'Test accuracy per epoch', xLabel: 'epoch', yLabel: 'test accuracy' },
  )}`;
}

/** Per traced run and layer: query heads per KV head over the steps, and the key-head norms. */
export function allocationCharts(view: SessionView): Html | null {
  const traced = [...view.runs.values()].filter((r) => r.traceSteps.length > 0);
  if (traced.length === 0) return null;
  return html`${traced.map((r) => runAllocation(r))}`;
}

function runAllocation(r: RunView): Html {
  const layers = r.allocation[0]?.length ?? 0;
  const charts: Html[] = [];
  for (let l = 0; l < layers; l++) {
    const G = r.allocation[0][l].length;
    const rows = (series: number[][][]) =>
      Array.from({ length: G }, (_, g) => series.map((atStep) => atStep[l][g]));
    const rowLabels = Array.from({ length: G }, (_, g) => `kv ${g}`);
    charts.push(
      heatmap(rows(r.allocation), {
        id: `allocation-${r.name}-${l}`,
        title: `${r.name}, layer ${l}: query heads per KV head`,
        rowLabels,
        columns: r.traceSteps,
        xLabel: 'step',
        valueLabel: 'query heads',
      }),
      heatmap(rows(r.keyNorms), {
        id: `keynorms-${r.name}-${l}`,
        title: `${r.name}, layer ${l}: key-head norms`,
        rowLabels,
        columns: r.traceSteps,
        xLabel: 'step',
        valueLabel: 'norm',
      }),
    );
  }
  return html`${charts}`;
}

/** Final accuracy per finished variant beside the pretrained MHA model, and a table with KV-cache costs. */
export function comparison(view: SessionView): Html | null {
  const done = [...view.runs.values()].filter((r) => r.result !== null);
  if (done.length === 0) return null;
  const pretrain = view.results?.pretrain;
  const bars = [
    ...(pretrain ? [{ label: 'MHA (pretrained)', value: pretrain.testAccuracy, colourIndex: 0 }] : []),
    ...done.map((r) => ({
      label: r.name,
      value: r.result?.testAccuracy ?? 0,
      colourIndex: colourOf(r.name),
    })),
  ];
  const full = fullKvBytes(done);
  const rows = done.map((r) => {
    const res = r.result;
    if (!res) return html``;
    return html`<tr><td>${r.name}</td><td>${res.kvHeadsPerLayer.join(' / ')}</td><td>${res.kvBytesPerToken}</td><td>${full > 0 ? `${((100 * res.kvBytesPerToken) / full).toFixed(0)}%` : ''}</td><td>${pct(res.converted.testAccuracy)}</td><td>${pct(res.testAccuracy)}</td><td>${res.trainSeconds.toFixed(1)}</td></tr>`;
  });
  return html`${barChart(bars, {
    id: 'compare-chart',
    title: 'Test accuracy after fine-tuning',
    yLabel: 'test accuracy',
    format: pct,
  })}<table id="compare-table"><caption>Variants from the same pretrained MHA model</caption><thead><tr><th scope="col">variant</th><th scope="col">KV heads per layer</th><th scope="col">KV cache bytes / token</th><th scope="col">of MHA's</th><th scope="col">accuracy converted</th><th scope="col">accuracy fine-tuned</th><th scope="col">seconds</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** MHA's KV-cache bytes per token for the same model: every layer keeps all query heads' K and V. */
function fullKvBytes(runs: readonly RunView[]): number {
  const r = runs.find((x) => x.result !== null)?.result;
  if (!r) return 0;
  const heads = r.groupSizes.map((g) => g.reduce((a, b) => a + b, 0));
  const perHead = r.kvBytesPerToken / r.kvHeadsPerLayer.reduce((a, b) => a + b, 0);
  return heads.reduce((a, b) => a + b, 0) * perHead;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** The test image and, per layer, each head's [CLS] attention over the patches. */
export function attentionCharts(m: Extract<FromWorker, { type: 'attention' }>): Html {
  const side = Math.round(Math.sqrt(m.pixels.length));
  const image = mapGrid([{ label: `${m.label} (predicted ${m.predicted})`, values: m.pixels }], {
    id: 'attention-image',
    title: `Test image ${m.image}`,
    side,
    size: 112,
    palette: 'grey',
  });
  const layers = m.maps.layers.map((heads, l) =>
    mapGrid(
      heads.map((values, h) => ({ label: `q${h} → kv${m.kvHead[l]?.[h] ?? '?'}`, values })),
      {
        id: `attention-layer-${l}`,
        title: `${m.run}, layer ${l}: [CLS] attention per head`,
        side: m.maps.grid,
      },
    ),
  );
  return html`${image}${layers}`;
}

export function confusionChart(run: RunView, classes: readonly string[]): Html | null {
  if (!run.confusion) return null;
  return confusionMatrix(run.confusion, {
    id: 'confusion-chart',
    title: `${run.name}: confusion matrix (test set)`,
    classes,
  });
}
