/** Vertical bar chart with optional error bars: accuracy per variant. */
import { type Html, html } from './html-template';
import { colour, type Frame, niceTicks, num, plotHeight, plotWidth, svgOpen, tickLabel, yAxis } from './svg';

export interface Bar {
  label: string;
  value: number;
  /** Half-height of the error bar (e.g. a 95 % confidence half-width); 0 or absent draws none. */
  error?: number;
  /** Colour index (bars of the same variant share a colour across charts). */
  colourIndex?: number;
}

export interface BarChartOptions {
  id: string;
  title: string;
  yLabel: string;
  /** Formats the value printed above each bar. */
  format?: (v: number) => string;
  /** Formats the y-axis ticks; give it the unit of `format` (e.g. percentTicks) so axis and labels agree. */
  tickFormat?: (t: number, ticks: readonly number[]) => string;
  /**
   * Lower end of the y axis. Default 0 when no bar is negative: bar lengths then compare honestly, and the
   * values printed above the bars carry the small differences.
   */
  yMin?: number;
}

/** Renders bars left to right in the given order; deterministic for the same input. */
export function barChart(bars: readonly Bar[], opts: BarChartOptions): Html {
  const frame: Frame = {
    width: Math.max(360, 60 + bars.length * 64),
    height: 300,
    left: 56,
    right: 12,
    // Room above the tallest bar's value label, under the title.
    top: 40,
    bottom: 64,
  };
  const fmt = opts.format ?? ((v: number) => v.toFixed(3));
  const highs = bars.map((b) => b.value + (b.error ?? 0));
  const lows = bars.map((b) => b.value - (b.error ?? 0));
  const hiRaw = highs.length ? Math.max(...highs) : 1;
  const loRaw = lows.length ? Math.min(...lows) : 0;
  const span = Math.max(hiRaw - loRaw, Math.abs(hiRaw) * 0.05, 1e-6);
  const lo = opts.yMin ?? (loRaw >= 0 ? 0 : loRaw - span * 0.1);
  const ticks = niceTicks(lo, hiRaw + span * 0.1);
  const yLo = Math.min(lo, ticks[0]);
  const yHi = Math.max(hiRaw + span * 0.1, ticks[ticks.length - 1]);
  const y = (v: number) => frame.top + plotHeight(frame) * (1 - (v - yLo) / (yHi - yLo || 1));
  const slot = plotWidth(frame) / Math.max(1, bars.length);
  const parts = [
    svgOpen(frame, opts.title, opts.id),
    html`<text x="${frame.left}" y="16" font-weight="bold">${opts.title}</text>`,
  ];
  parts.push(yAxis(frame, ticks, y, opts.yLabel, opts.tickFormat ?? tickLabel));
  bars.forEach((b, i) => {
    const x = frame.left + i * slot + slot * 0.15;
    const w = slot * 0.7;
    const top = y(Math.max(b.value, yLo));
    const base = y(yLo);
    const cx = num(x + w / 2);
    parts.push(
      html`<rect x="${num(x)}" y="${num(top)}" width="${num(w)}" height="${num(base - top)}" fill="${colour(b.colourIndex ?? i)}"><title>${`${b.label}: ${fmt(b.value)}`}</title></rect>`,
    );
    const err = b.error ?? 0;
    if (err > 0) {
      const [e1, e2] = [num(y(b.value + err)), num(y(b.value - err))];
      parts.push(
        html`<path d="M${cx} ${e1}V${e2}M${num(x + w * 0.3)} ${e1}H${num(x + w * 0.7)}M${num(x + w * 0.3)} ${e2}H${num(x + w * 0.7)}" stroke="#333"/>`,
      );
    }
    parts.push(
      html`<text x="${cx}" y="${num(y(b.value + err) - 4)}" text-anchor="middle">${fmt(b.value)}</text>`,
    );
    const ly = num(frame.height - frame.bottom + 14);
    parts.push(
      html`<text x="${cx}" y="${ly}" text-anchor="end" transform="rotate(-35 ${cx} ${ly})">${b.label}</text>`,
    );
  });
  parts.push(html`</svg>`);
  return html`${parts}`;
}
