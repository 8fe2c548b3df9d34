/** Multi-series line chart with a legend: training curves per epoch, and accuracy vs KV heads. */
import { type Html, html } from './html-template';
import { colour, type Frame, niceTicks, num, plotHeight, plotWidth, svgOpen, tickLabel, yAxis } from './svg';

export interface Series {
  name: string;
  /** Points in x order; non-finite y values are skipped. */
  points: readonly { x: number; y: number }[];
  colourIndex?: number;
  /** Dashed line (e.g. train vs test). */
  dashed?: boolean;
}

export interface LineChartOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** Draw the x axis on a log2 scale (KV heads 1, 2, 4, ...). */
  log2X?: boolean;
}

/** Renders the series over a shared x / y range; deterministic for the same input. */
export function lineChart(series: readonly Series[], opts: LineChartOptions): Html {
  const frame: Frame = { width: 520, height: 300, left: 56, right: 150, top: 28, bottom: 40 };
  const pts = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x)));
  const tx = (x: number) => (opts.log2X ? Math.log2(Math.max(x, 1e-9)) : x);
  const xs = pts.map((p) => tx(p.x));
  const ys = pts.map((p) => p.y);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [yMinRaw, yMaxRaw] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const pad = Math.max((yMaxRaw - yMinRaw) * 0.08, Math.abs(yMaxRaw) * 0.01, 1e-6);
  const ticks = niceTicks(yMinRaw - pad, yMaxRaw + pad);
  const yLo = Math.min(yMinRaw - pad, ticks[0]);
  const yHi = Math.max(yMaxRaw + pad, ticks[ticks.length - 1]);
  const px = (x: number) =>
    frame.left + (x1 > x0 ? ((tx(x) - x0) / (x1 - x0)) * plotWidth(frame) : plotWidth(frame) / 2);
  const py = (v: number) => frame.top + plotHeight(frame) * (1 - (v - yLo) / (yHi - yLo));
  const parts = [
    svgOpen(frame, opts.title, opts.id),
    html`<text x="${frame.left}" y="16" font-weight="bold">${opts.title}</text>`,
  ];
  parts.push(yAxis(frame, ticks, py, opts.yLabel));
  const xTicks = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
  const shownX = xTicks.length <= 12 ? xTicks : niceTicks(xTicks[0], xTicks[xTicks.length - 1], 8);
  const baseY = frame.height - frame.bottom;
  for (const t of shownX) {
    parts.push(
      html`<text x="${num(px(t))}" y="${baseY + 14}" text-anchor="middle">${tickLabel(t, shownX.length > 1 ? shownX : [0, 1])}</text>`,
    );
  }
  parts.push(
    html`<line x1="${frame.left}" x2="${frame.width - frame.right}" y1="${baseY}" y2="${baseY}" stroke="#333"/>`,
  );
  parts.push(
    html`<text x="${num(frame.left + plotWidth(frame) / 2)}" y="${frame.height - 6}" text-anchor="middle">${opts.xLabel}</text>`,
  );
  series.forEach((s, i) => {
    const c = colour(s.colourIndex ?? i);
    const ok = s.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x));
    const dash = s.dashed ? html` stroke-dasharray="5 3"` : null;
    if (ok.length > 1) {
      const d = ok.map((p, k) => `${k === 0 ? 'M' : 'L'}${num(px(p.x))} ${num(py(p.y))}`).join('');
      parts.push(
        html`<path d="${d}" fill="none" stroke="${c}" stroke-width="1.8"${dash}><title>${s.name}</title></path>`,
      );
    }
    for (const p of ok)
      parts.push(html`<circle cx="${num(px(p.x))}" cy="${num(py(p.y))}" r="2.5" fill="${c}"/>`);
    const ly = frame.top + 6 + i * 15;
    const lx = frame.width - frame.right + 10;
    parts.push(
      html`<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"${dash}/><text x="${lx + 22}" y="${ly}" dominant-baseline="middle">${s.name}</text>`,
    );
  });
  parts.push(html`</svg>`);
  return html`${parts}`;
}
