import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barChart } from '../src/report/bar-chart';
import { heatmap } from '../src/report/heatmap';
import {
  ablationChart,
  accuracyCharts,
  costChart,
  curveCharts,
  renderReport,
  telemetryCharts,
} from '../src/report/html';
import { lineChart } from '../src/report/line-chart';
import { esc, heatColour, niceTicks, num } from '../src/report/svg';
import { summaryMarkdown } from '../src/uptrain-summary';
import { fixedResults } from './uptrain-fixtures';

const svgCount = (s: string) => (s.match(/<svg /g) ?? []).length;

describe('report rendering', () => {
  it('is deterministic for fixed results and holds one <svg> per chart', () => {
    const a = renderReport(fixedResults());
    expect(renderReport(fixedResults())).toBe(a);
    // 2 KV counts x (1 bar chart + 1 epoch-accuracy curve; no per-step curve recorded) + KV heads + KV bytes
    // + 2 KV counts x kdgqa x 2 heatmaps.
    expect(accuracyCharts(fixedResults())).toHaveLength(2);
    expect(curveCharts(fixedResults())).toHaveLength(2);
    expect(ablationChart(fixedResults())).not.toBeNull();
    expect(costChart(fixedResults())).not.toBeNull();
    expect(telemetryCharts(fixedResults())).toHaveLength(4);
    expect(svgCount(a)).toBe(10);
    expect(a).not.toMatch(/https?:|<script|<link|@import|url\(|src=/i);
    // The config is shown escaped.
    expect(a).toContain('&lt;b&gt;escaped&lt;/b&gt;');
    expect(a).not.toContain('<b>escaped</b>');
  });

  it('draws the bar chart to scale with error bars', () => {
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

  it('accuracy bars start at zero with percent ticks, the unit of the labels above the bars', () => {
    const [chart] = accuracyCharts(fixedResults());
    const ticks = [...chart.text.matchAll(/text-anchor="end" dominant-baseline="middle">([^<]*)</g)].map(
      (m) => m[1],
    );
    expect(ticks[0]).toBe('0%');
    expect(ticks.every((t) => t.endsWith('%'))).toBe(true);
    expect(chart.text).toMatch(/>8\d\.\d%</); // a bar label in percent
    // Without yMin, a chart of positive bars starts at zero, as the bar lengths need.
    const svg = barChart(
      [
        { label: 'a', value: 0.64 },
        { label: 'b', value: 0.66 },
      ],
      { id: 'z', title: 'T', yLabel: 'y' },
    ).text;
    expect([...svg.matchAll(/dominant-baseline="middle">([^<]*)</g)][0][1]).toBe('0.0');
  });

  it('plots each model at its real KV heads (MHA at all 4 heads, not at the asked 1 and 2) with error bars', () => {
    const svg = ablationChart(fixedResults())?.text ?? '';
    const xLabels = [...svg.matchAll(/y="274" text-anchor="middle">([^<]*)</g)].map((m) => m[1]);
    expect(xLabels).toEqual(['1', '2', '4']);
    // mha is one point (4 heads): two seeds give it one error bar, and no line of its own.
    expect(svg).not.toMatch(/<title>mha<\/title>/);
    expect((svg.match(/<path d="M[\d.]+ [\d.]+V/g) ?? []).length).toBe(5); // mha at 4; gqa, kdgqa at 1 and 2
  });

  it('draws bands over seeds, and none with one seed', () => {
    const two = curveCharts(fixedResults())[0].text;
    expect(two).toContain('fill-opacity="0.18"');
    const r = fixedResults();
    r.runs = r.runs.filter((run) => run.seed === 1);
    expect(curveCharts(r)[0].text).not.toContain('fill-opacity');
    expect(ablationChart(r)?.text).not.toMatch(/<path d="M[\d.]+ [\d.]+V/);
  });

  it('leaves the KV-heads chart out when every model has the same KV heads', () => {
    const r = fixedResults();
    r.runs = r.runs.filter((run) => run.kvHeads === 2 && run.variant !== 'mha');
    expect(ablationChart(r)).toBeNull();
    expect(costChart(r)).toBeNull();
  });

  it('summary: header with data set, seeds and epochs; accuracy after conversion; paired Δ vs GQA', () => {
    const r = fixedResults();
    r.config = { ...r.config, epochs: 2, pretrainEpochs: 3, lr: 0.001, seeds: [1, 2] };
    const md = summaryMarkdown(r).split('\n');
    expect(md[0]).toContain('synthetic');
    expect(md.find((l) => l.startsWith('Seeds: 1, 2 (2)'))).toBeDefined();
    expect(md[1]).toContain('2 fine-tuning epoch(s)');
    expect(md.find((l) => l.startsWith('| variant'))).toBe(
      '| variant | KV heads | after conversion | test accuracy | ± std | 95% CI | Δ vs GQA | p | test loss | params | KV bytes/token | train time (s) |',
    );
    // MHA once, at its real 4 KV heads; its accuracy 0.81 / 0.82 against GQA at 1 KV head, 0.76 / 0.77.
    expect(md.filter((l) => l.startsWith('| mha |'))).toEqual([
      '| mha | 4 | 61.50% | 81.50% | 0.71% | [75.15, 87.85] | +5.00 pts [+5.00, +5.00] | no spread: same Δ on every seed | 0.1850 | 1001 | 32 | 1.5 |',
    ]);
    expect(md.filter((l) => l.startsWith('| gqa |')).map((l) => l.split(' | ')[6])).toEqual([
      'baseline',
      'baseline',
    ]);
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
