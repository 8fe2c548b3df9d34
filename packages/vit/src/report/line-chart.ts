/**
 * Multi-series line chart with a legend: training curves, accuracy vs KV heads, accuracy vs KV-cache bytes.
 * A point may carry an interval (low, high), drawn as a shaded band along the line or as error bars.
 */
import { type Html, html } from './html-template';
import { colour, type Frame, niceTicks, num, plotHeight, plotWidth, svgOpen, tickLabel, yAxis } from './svg';

export interface SeriesPoint {
  x: number;
  y: number;
  /** Interval around y (e.g. a 95 % confidence interval over seeds); both or neither. */
  low?: number;
  high?: number;
}

export interface Series {
  name: string;
  /** Points in x order; non-finite x or y values are skipped. */
  points: readonly SeriesPoint[];
  colourIndex?: number;
  /** Dashed line (e.g. train vs test). */
  dashed?: boolean;
  /** How intervals are drawn: a shaded band (default, for curves) or error bars (for a few points). */
  interval?: 'band' | 'bars';
}

export interface LineChartOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** Draw the x axis on a log2 scale (KV heads 1, 2, 4, ...). */
  log2X?: boolean;
  /** Formats the y ticks (e.g. percentTicks for fractions). */
  yFormat?: (t: number, ticks: readonly number[]) => string;
  /** Draw a dot at every point (default true; off for long per-step curves). */
  markers?: boolean;
  /**
   * Pixels between neighbouring series at the same x (default 0): spreads the error bars of many series that
   * share an x (every variant at 2 KV heads) so each stays visible. Positions stay ordered by x.
   */
  dodge?: number;
}

const finitePoint = (p: SeriesPoint) => Number.isFinite(p.x) && Number.isFinite(p.y);
const hasInterval = (p: SeriesPoint) => Number.isFinite(p.low) && Number.isFinite(p.high);

/** Renders the series over a shared x / y range (intervals included); deterministic for the same input. */
export function lineChart(series: readonly Series[], opts: LineChartOptions): Html {
  const frame: Frame = { width: 520, height: 300, left: 56, right: 150, top: 28, bottom: 40 };
  const pts = series.flatMap((s) => s.points.filter(finitePoint));
  const tx = (x: number) => (opts.log2X ? Math.log2(Math.max(x, 1e-9)) : x);
  const xs = pts.map((p) => tx(p.x));
  const ys = pts.flatMap((p) => (hasInterval(p) ? [p.y, p.low ?? p.y, p.high ?? p.y] : [p.y]));
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [yMinRaw, yMaxRaw] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const pad = Math.max((yMaxRaw - yMinRaw) * 0.08, Math.abs(yMaxRaw) * 0.01, 1e-6);
  const ticks = niceTicks(yMinRaw - pad, yMaxRaw + pad);
  const yLo = Math.min(yMinRaw - pad, ticks[0]);
  const yHi = Math.max(yMaxRaw + pad, ticks[ticks.length - 1]);
  // A small inset on both sides, so points at the ends of the x range (and their error bars) stay inside.
  const inset = Math.max(plotWidth(frame) * 0.04, ((opts.dodge ?? 0) * (series.length - 1)) / 2 + 4);
  const pxShared = (x: number) =>
    frame.left +
    inset +
    (x1 > x0 ? ((tx(x) - x0) / (x1 - x0)) * (plotWidth(frame) - 2 * inset) : plotWidth(frame) / 2 - inset);
  const py = (v: number) => frame.top + plotHeight(frame) * (1 - (v - yLo) / (yHi - yLo));
  const parts = [
    svgOpen(frame, opts.title, opts.id),
    html`<text x="${frame.left}" y="16" font-weight="bold">${opts.title}</text>`,
  ];
  parts.push(yAxis(frame, ticks, py, opts.yLabel, opts.yFormat ?? tickLabel));
  const xTicks = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
  const shownX = xTicks.length <= 12 ? xTicks : niceTicks(xTicks[0], xTicks[xTicks.length - 1], 8);
  const baseY = frame.height - frame.bottom;
  for (const t of shownX) {
    const label = Number.isInteger(t) ? String(t) : tickLabel(t, shownX.length > 1 ? shownX : [0, 1]);
    parts.push(html`<text x="${num(pxShared(t))}" y="${baseY + 14}" text-anchor="middle">${label}</text>`);
  }
  parts.push(
    html`<line x1="${frame.left}" x2="${frame.width - frame.right}" y1="${baseY}" y2="${baseY}" stroke="#333"/>`,
  );
  parts.push(
    html`<text x="${num(frame.left + plotWidth(frame) / 2)}" y="${frame.height - 6}" text-anchor="middle">${opts.xLabel}</text>`,
  );
  series.forEach((s, i) => {
    const c = colour(s.colourIndex ?? i);
    const shift = (opts.dodge ?? 0) * (i - (series.length - 1) / 2);
    const px = (x: number) => pxShared(x) + shift;
    const ok = s.points.filter(finitePoint);
    const spans = ok.filter(hasInterval);
    if (spans.length && (s.interval ?? 'band') === 'band') {
      // The band: along the highs left to right, back along the lows.
      const ring = [
        ...spans.map((p) => [p.x, p.high ?? p.y]),
        ...[...spans].reverse().map((p) => [p.x, p.low ?? p.y]),
      ];
      const d = `${ring.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${num(px(x))} ${num(py(y))}`).join('')}Z`;
      parts.push(html`<path d="${d}" fill="${c}" fill-opacity="0.18" stroke="none"/>`);
    } else {
      for (const p of spans) {
        const cx = px(p.x);
        const [hi, lo] = [num(py(p.high ?? p.y)), num(py(p.low ?? p.y))];
        parts.push(
          html`<path d="M${num(cx)} ${hi}V${lo}M${num(cx - 4)} ${hi}H${num(cx + 4)}M${num(cx - 4)} ${lo}H${num(cx + 4)}" stroke="${c}"/>`,
        );
      }
    }
    const dash = s.dashed ? html` stroke-dasharray="5 3"` : null;
    if (ok.length > 1) {
      const d = ok.map((p, k) => `${k === 0 ? 'M' : 'L'}${num(px(p.x))} ${num(py(p.y))}`).join('');
      parts.push(
        html`<path d="${d}" fill="none" stroke="${c}" stroke-width="1.8"${dash}><title>${s.name}</title></path>`,
      );
    }
    if (opts.markers ?? true) {
      for (const p of ok)
        parts.push(html`<circle cx="${num(px(p.x))}" cy="${num(py(p.y))}" r="2.5" fill="${c}"/>`);
    }
    const ly = frame.top + 6 + i * 15;
    const lx = frame.width - frame.right + 10;
    parts.push(
      html`<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"${dash}/><text x="${lx + 22}" y="${ly}" dominant-baseline="middle">${s.name}</text>`,
    );
  });
  parts.push(html`</svg>`);
  return html`${parts}`;
}
