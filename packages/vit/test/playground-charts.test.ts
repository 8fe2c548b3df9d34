/** The charts the playground adds to the report code: confusion counts, the confusion matrix and map grids. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/evaluate';
import { confusionMatrix } from '../src/report/confusion-matrix';
import { mapGrid } from '../src/report/map-grid';
import { tinyData, tinyModel } from './helpers';

describe('evaluate with confusion', () => {
  it('counts every test image once, its diagonal is the accuracy', () => {
    const data = tinyData(37);
    const r = evaluate(tinyModel(), data, { batchSize: 8, confusion: true });
    const c = r.confusion ?? [];
    expect(c).toHaveLength(4);
    expect(c.flat().reduce((a, b) => a + b, 0)).toBe(37);
    c.forEach((row, t) => {
      expect(row.reduce((a, b) => a + b, 0)).toBe(data.labels.filter((l) => l === t).length);
    });
    expect(c.reduce((s, row, t) => s + row[t], 0) / 37).toBeCloseTo(r.accuracy, 12);
    expect(evaluate(tinyModel(), data, { batchSize: 8 }).confusion).toBeUndefined();
  });
});

describe('confusionMatrix chart', () => {
  it('prints every count and class name, escaped, and refuses a wrong shape', () => {
    const svg = confusionMatrix(
      [
        [5, 1],
        [0, 7],
      ],
      { id: 'cm', title: 'Confusion', classes: ['T-shirt/top', '<b>'] },
    ).text;
    for (const n of ['>5<', '>1<', '>0<', '>7<', 'T-shirt/top', '&lt;b&gt;']) expect(svg).toContain(n);
    expect(svg).not.toContain('<b>');
    expect(() => confusionMatrix([[1]], { id: 'x', title: 'x', classes: ['a', 'b'] })).toThrow(/2x2/);
  });
});

describe('mapGrid chart', () => {
  it('draws side² cells per map, darkest at the maximum, and names a map of the wrong size', () => {
    const svg = mapGrid(
      [
        { label: 'head 0', values: [0, 1, 2, 3] },
        { label: 'head 1', values: [3, 2, 1, 0] },
      ],
      { id: 'm', title: 'Maps', side: 2 },
    ).text;
    expect(svg.match(/<rect /g)).toHaveLength(8);
    expect(svg).toContain('#081d58'); // heatColour(1)
    expect(svg).toContain('head 1');
    expect(() => mapGrid([{ label: 'bad', values: [1, 2, 3] }], { id: 'm', title: 'M', side: 2 })).toThrow(
      /'bad'.*2x2/,
    );
  });
});
