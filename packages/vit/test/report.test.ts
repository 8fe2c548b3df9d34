import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barChart } from '../src/report/bar-chart';
import { heatmap } from '../src/report/heatmap';
import {
  ablationChart,
  accuracyCharts,
  curveCharts,
  renderReport,
  telemetryCharts,
} from '../src/report/html';
import { lineChart } from '../src/report/line-chart';
import { esc, heatColour, niceTicks, num } from '../src/report/svg';
import { summarizeRuns, summaryMarkdown } from '../src/uptrain-results';
import { fixedResults } from './uptrain-fixtures';

const svgCount = (s: string) => (s.match(/<svg /g) ?? []).length;

describe('report rendering', () => {
  it('is deterministic for fixed results and holds one <svg> per chart', () => {
    const a = renderReport(fixedResults());
    expect(renderReport(fixedResults())).toBe(a);
    // 2 KV counts x (1 bar chart + 2 curves) + 1 ablation + 2 KV counts x kdgqa x 2 heatmaps.
    expect(accuracyCharts(fixedResults())).toHaveLength(2);
    expect(curveCharts(fixedResults())).toHaveLength(4);
    expect(ablationChart(fixedResults())).not.toBeNull();
    expect(telemetryCharts(fixedResults())).toHaveLength(4);
    expect(svgCount(a)).toBe(11);
    expect(a).not.toMatch(/https?:|<script|<link|@import|url\(|src=/i);
    // The config is shown escaped.
    expect(a).toContain('&lt;b&gt;escaped&lt;/b&gt;');
    expect(a).not.toContain('<b>escaped</b>');
  });

  it('draws the bar chart to scale with mean ± std error bars', () => {
    const svg = barChart(
      [
        { label: 'a', value: 0.5, error: 0.1 },
        { label: 'b', value: 1 },
      ],
      { id: 'x', title: 'T', yLabel: 'y', yMin: 0 },
    ).text;
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect(heights[1] / heights[0]).toBeCloseTo(2, 2);
    expect(svg.match(/<path d="M[^"]*V/g)).toHaveLength(1);
    expect(svg).toContain('<title id="x-title">T</title>');
  });

  it('leaves the ablation out with a single KV-head count', () => {
    const r = fixedResults();
    r.runs = r.runs.filter((run) => run.kvHeads === 2);
    expect(ablationChart(r)).toBeNull();
    expect(svgCount(renderReport(r))).toBe(1 + 2 + 2);
  });

  it('summarises seeds as mean ± sample std, MHA once, real KV heads', () => {
    const rows = summarizeRuns(fixedResults().runs);
    const gqa2 = rows.find((r) => r.variant === 'gqa' && r.kvHeads === 2);
    expect(gqa2?.seeds).toBe(2);
    expect(gqa2?.accuracyMean).toBeCloseTo(0.815, 10);
    expect(gqa2?.accuracyStd).toBeCloseTo(Math.SQRT1_2 * 0.01, 10);
    const md = summaryMarkdown(fixedResults()).split('\n');
    expect(md.filter((l) => l.startsWith('| mha |'))).toEqual([
      '| mha | 4 | 81.50% ± 0.71% | 0.1850 ± 0.0071 | 1001 | 32 | 1.5 |',
    ]);
    expect(md.filter((l) => l.startsWith('| gqa |'))).toHaveLength(2);
  });
});

describe('chart primitives (properties)', () => {
  it('niceTicks are evenly spaced round values covering the range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (lo, span) => {
          const ticks = niceTicks(lo, lo + span);
          expect(ticks.length).toBeGreaterThanOrEqual(1);
          const step = ticks.length > 1 ? ticks[1] - ticks[0] : span;
          for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBeCloseTo(step, 6);
          expect(ticks[0]).toBeGreaterThanOrEqual(lo - step * 1e-6);
          expect(ticks[ticks.length - 1]).toBeLessThanOrEqual(lo + span + step * 1e-6);
          const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
          expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
        },
      ),
    );
  });

  it('esc leaves no markup characters and heatColour is always #rrggbb', () => {
    fc.assert(
      fc.property(fc.string(), fc.double(), (text, t) => {
        expect(esc(text)).not.toMatch(/[<>"']|&(?!(amp|lt|gt|quot|#39);)/);
        expect(heatColour(t)).toMatch(/^#[0-9a-f]{6}$/);
      }),
    );
  });

  it('charts of random finite data are deterministic, well-formed and never print NaN', () => {
    const series = fc.array(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 6 }),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(series, (ys) => {
        const s = ys.map((row, i) => ({ name: `s${i}`, points: row.map((y, x) => ({ x, y })) }));
        const line = lineChart(s, { id: 'l', title: 't', xLabel: 'x', yLabel: 'y' }).text;
        const bars = barChart(
          ys.map((row, i) => ({ label: `b${i}`, value: row[0] })),
          { id: 'b', title: 't', yLabel: 'y' },
        ).text;
        const heat = heatmap(ys, {
          id: 'h',
          title: 't',
          rowLabels: ys.map((_, i) => `r${i}`),
          columns: ys[0].map((_, i) => i),
          xLabel: 'x',
          valueLabel: 'v',
        }).text;
        for (const svg of [line, bars, heat]) {
          expect(svg).not.toMatch(/NaN|Infinity|undefined/);
          expect(svgCount(svg)).toBe(1);
          expect(svg.endsWith('</svg>')).toBe(true);
        }
        expect(lineChart(s, { id: 'l', title: 't', xLabel: 'x', yLabel: 'y' }).text).toBe(line);
      }),
      { numRuns: 60 },
    );
  });

  it('num prints at most two decimals and no negative zero', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        const s = num(x);
        expect(s).toMatch(/^-?\d+(\.\d{1,2})?$/);
        expect(s).not.toBe('-0');
        expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(0.005 + 1e-9);
      }),
    );
  });
});
