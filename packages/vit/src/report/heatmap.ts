/** Heatmap of a (rows, columns) matrix: key norms or query-head allocations per KV head over training steps. */
import { type Html, html } from './html-template';
import { type Frame, heatColour, num, plotHeight, plotWidth, svgOpen } from './svg';

export interface HeatmapOptions {
  id: string;
  title: string;
  /** One label per row (e.g. 'L0 kv1'). */
  rowLabels: readonly string[];
  /** The x value of each column (e.g. training steps). */
  columns: readonly number[];
  xLabel: string;
  /** Printed next to the colour scale. */
  valueLabel: string;
  /** Most columns drawn; wider inputs are averaged into this many bins (default 160). */
  maxColumns?: number;
}

/** values[r][c]; rows may be ragged only in the sense of missing cells, which are drawn grey. */
export function heatmap(values: readonly (readonly number[])[], opts: HeatmapOptions): Html {
  const rows = values.length;
  const cols = opts.columns.length;
  const bins = Math.max(1, Math.min(cols, opts.maxColumns ?? 160));
  const binned = values.map((row) => binRow(row, cols, bins));
  const flat = binned.flat().filter(Number.isFinite);
  const lo = flat.length ? Math.min(...flat) : 0;
  const hi = flat.length ? Math.max(...flat) : 1;
  const cellH = Math.max(6, Math.min(18, 240 / Math.max(1, rows)));
  const frame: Frame = { width: 640, height: 70 + rows * cellH, left: 80, right: 70, top: 28, bottom: 40 };
  const cellW = plotWidth(frame) / bins;
  const parts = [
    svgOpen(frame, opts.title, opts.id),
    html`<text x="${frame.left}" y="16" font-weight="bold">${opts.title}</text>`,
  ];
  binned.forEach((row, r) => {
    const y = frame.top + r * cellH;
    row.forEach((v, c) => {
      const fill = Number.isFinite(v) ? heatColour(hi > lo ? (v - lo) / (hi - lo) : 0.5) : '#ccc';
      parts.push(
        html`<rect x="${num(frame.left + c * cellW)}" y="${num(y)}" width="${num(cellW + 0.3)}" height="${num(cellH)}" fill="${fill}"/>`,
      );
    });
    parts.push(
      html`<text x="${frame.left - 4}" y="${num(y + cellH / 2)}" text-anchor="end" dominant-baseline="middle" font-size="${cellH < 10 ? 7 : 10}">${opts.rowLabels[r] ?? ''}</text>`,
    );
  });
  const baseY = frame.top + plotHeight(frame);
  if (cols > 0) {
    const first = opts.columns[0];
    const last = opts.columns[cols - 1];
    parts.push(html`<text x="${frame.left}" y="${num(baseY + 14)}">${String(first)}</text>`);
    parts.push(
      html`<text x="${frame.width - frame.right}" y="${num(baseY + 14)}" text-anchor="end">${String(last)}</text>`,
    );
  }
  parts.push(
    html`<text x="${num(frame.left + plotWidth(frame) / 2)}" y="${frame.height - 6}" text-anchor="middle">${opts.xLabel}</text>`,
  );
  // Colour scale: five swatches from low to high.
  const sx = frame.width - frame.right + 12;
  for (let i = 0; i < 5; i++) {
    parts.push(
      html`<rect x="${sx}" y="${frame.top + (4 - i) * 12}" width="12" height="12" fill="${heatColour(i / 4)}"/>`,
    );
  }
  parts.push(html`<text x="${sx + 16}" y="${frame.top + 6}" dominant-baseline="middle">${fmt(hi)}</text>`);
  parts.push(html`<text x="${sx + 16}" y="${frame.top + 54}" dominant-baseline="middle">${fmt(lo)}</text>`);
  parts.push(html`<text x="${sx}" y="${frame.top + 76}">${opts.valueLabel}</text>`);
  parts.push(html`</svg>`);
  return html`${parts}`;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(3);
}

/** Averages `row` (length cols) into `bins` equal-width bins; missing cells count as absent. */
function binRow(row: readonly number[], cols: number, bins: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < bins; b++) {
    const start = Math.floor((b * cols) / bins);
    const stop = Math.max(start + 1, Math.floor(((b + 1) * cols) / bins));
    let s = 0;
    let n = 0;
    for (let c = start; c < stop; c++) {
      const v = row[c];
      if (v !== undefined && Number.isFinite(v)) {
        s += v;
        n++;
      }
    }
    out.push(n > 0 ? s / n : Number.NaN);
  }
  return out;
}
