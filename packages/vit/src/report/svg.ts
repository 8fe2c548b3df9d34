/** Small helpers shared by the report's SVG charts: fixed-precision numbers, ticks, colours, axes. */
import { type Html, html } from './html-template';

/** Escapes text for XML content and attribute values (the html template applies it to every value). */
export { escapeText as esc } from './html-template';

/** A coordinate with two decimals, so the same data always renders the same bytes. */
export function num(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.round(t / step) * step);
  }
  return ticks;
}

/** Tick label with as few decimals as the tick step needs. */
export function tickLabel(t: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
  return t.toFixed(decimals);
}

/** A fixed qualitative palette (colour-blind friendly, Okabe-Ito plus greys), cycled by index. */
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
  '#999999',
  '#8C564B',
];

export function colour(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Sequential colour for t in [0, 1]: light yellow -> dark blue, linearly interpolated in RGB. */
export function heatColour(t: number): string {
  const stops = [
    [255, 255, 217],
    [127, 205, 187],
    [29, 145, 192],
    [8, 29, 88],
  ];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * f));
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Geometry of a plot area inside an SVG of width x height with margins. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function plotWidth(f: Frame): number {
  return f.width - f.left - f.right;
}

export function plotHeight(f: Frame): number {
  return f.height - f.top - f.bottom;
}

/** The opening tag of a chart inlined in HTML (no xmlns: the page must not name any URL). */
export function svgOpen(f: Frame, title: string, id: string): Html {
  return html`<svg id="${id}" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-labelledby="${id}-title" font-family="sans-serif" font-size="11"><title id="${id}-title">${title}</title>`;
}

/** Percent tick labels for values that are fractions (0.7 -> '70%'), with the decimals the step needs. */
export function percentTicks(t: number, ticks: readonly number[]): string {
  return `${tickLabel(
    100 * t,
    ticks.map((x) => 100 * x),
  )}%`;
}

/**
 * Horizontal grid lines and labels for the y ticks; `y(v)` maps a value to a pixel row; `format` writes a
 * tick (default: as few decimals as the step needs), so the axis can share the unit of the value labels.
 */
export function yAxis(
  f: Frame,
  ticks: readonly number[],
  y: (v: number) => number,
  label: string,
  format: (t: number, ticks: readonly number[]) => string = tickLabel,
): Html {
  const lines = ticks.map((t) => {
    const py = num(y(t));
    return html`<line x1="${f.left}" x2="${f.width - f.right}" y1="${py}" y2="${py}" stroke="#ddd"/><text x="${f.left - 4}" y="${py}" text-anchor="end" dominant-baseline="middle">${format(t, ticks)}</text>`;
  });
  const cy = num(f.top + plotHeight(f) / 2);
  return html`${lines}<text x="12" y="${cy}" text-anchor="middle" transform="rotate(-90 12 ${cy})">${label}</text>`;
}
