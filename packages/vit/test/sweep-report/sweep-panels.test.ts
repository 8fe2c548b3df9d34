import { describe, expect, it } from 'vitest';
import { panelCharts, sweepPanels } from '../../src/sweep-report/sweep-panels';
import { groupCells } from '../../src/sweep-report/sweep-stats';
import { costTable } from '../../src/sweep-report/sweep-tables';
import { sweepFixture } from './sweep-fixtures';

describe('sweep panels and charts', () => {
  it('one panel per combination of the other settings, labelled by what differs', () => {
    const one = sweepFixture();
    const other = sweepFixture().map((r) => ({
      ...r,
      id: `${r.id}-cifar`,
      config: { ...r.config, dataset: 'cifar-10' },
    }));
    expect(sweepPanels(groupCells(one)).map((p) => p.label)).toEqual(['']);
    const panels = sweepPanels(groupCells([...one, ...other]));
    expect(panels.map((p) => p.label)).toEqual(['dataset=cifar-10', 'dataset=fashion-mnist']);
    expect(panels.map((p) => p.groups.length)).toEqual([6, 6]);
  });

  it('draws accuracy vs KV heads and bytes with error bars, and curves with bands, per KV-head count', () => {
    const [panel] = sweepPanels(groupCells(sweepFixture()));
    const charts = panelCharts(panel, 0).map((c) => c.text);
    // KV heads, KV bytes, then (steps, epochs) at 2 and at 4 KV heads.
    expect(charts.map((c) => /<svg id="([^"]+)"/.exec(c)?.[1])).toEqual([
      'p0-kvheads',
      'p0-kvbytes',
      'p0-steps-kv2',
      'p0-epochs-kv2',
      'p0-steps-kv4',
      'p0-epochs-kv4',
    ]);
    // Six groups of three seeds: one error bar each.
    expect(charts[0].match(/<path d="M[\d.]+ [\d.]+V/g)).toHaveLength(6);
    expect(charts[3]).toContain('fill-opacity="0.18"');
  });

  it('the cost table runs from the smallest cache to MHA', () => {
    const t = costTable(groupCells(sweepFixture()));
    expect(t.rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['64', '12.5%', 'mqa'],
      ['128', '25.0%', 'kdgqa'],
      ['128', '25.0%', 'gqa'],
      ['256', '50.0%', 'kdgqa'],
      ['256', '50.0%', 'gqa'],
      ['512', '100.0%', 'mha'],
    ]);
  });
});
