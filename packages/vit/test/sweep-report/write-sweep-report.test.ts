import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@gqa-lab/tensor';
import { describe, expect, it } from 'vitest';
import { pairedComparison } from '../../src/stats/intervals';
import { sweepCsv } from '../../src/sweep-report/sweep-csv';
import { groupCells, pairedAgainstBaseline } from '../../src/sweep-report/sweep-stats';
import { readSweepResults, writeSweepReport } from '../../src/sweep-report/write-sweep-report';
import { cellConfig, cellRow, sweepFixture } from './sweep-fixtures';

const FILES = ['sweep-results.json', 'sweep-results.csv', 'summary.md', 'report.html'];

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rng = new Rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextUint32() % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('writeSweepReport', () => {
  it('writes the same bytes whatever order the cells finished in, and reads back what it wrote', async () => {
    const rows = sweepFixture();
    const a = mkdtempSync(join(tmpdir(), 'sweep-a-'));
    const b = mkdtempSync(join(tmpdir(), 'sweep-b-'));
    const failed = [{ id: 'x1', config: cellConfig('pgqa', 2, 0), error: 'killed twice', attempts: 2 }];
    const written = await writeSweepReport(a, { rows, failed });
    await writeSweepReport(b, { rows: shuffled(rows, 7), failed });
    for (const f of FILES) expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
    expect(await readSweepResults(join(a, 'sweep-results.json'))).toEqual(written);
    const csv = readFileSync(join(a, 'sweep-results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(rows.length + 1);
    const html = readFileSync(join(a, 'report.html'), 'utf8');
    expect(html).toContain('killed twice');
    expect(html).not.toMatch(/<script|https?:|src=/);
  });

  it('refuses a cell counted twice, naming both ids', async () => {
    const rows = sweepFixture();
    const twin = { ...rows[2], id: 'twin' };
    const dir = mkdtempSync(join(tmpdir(), 'sweep-dup-'));
    await expect(writeSweepReport(dir, { rows: [...rows, twin] })).rejects.toThrow(
      /twin.*counted once|counted once/,
    );
  });

  it('refuses a results file of another version, naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-ver-'));
    await writeSweepReport(dir, { rows: sweepFixture() });
    const path = join(dir, 'sweep-results.json');
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...doc, schema: 'gqa-lab/sweep-results@0' }));
    await expect(readSweepResults(path)).rejects.toThrow(/sweep-results\.json.*schema/s);
  });
});

describe('sweep statistics', () => {
  it('pairs each variant with GQA at the same KV heads on the same seeds', () => {
    const rows = sweepFixture();
    const paired = pairedAgainstBaseline(groupCells(rows));
    const kd2 = paired.find((p) => p.group.config.variant === 'kdgqa' && p.baseline.config.kvHeads === 2);
    const acc = (v: 'gqa' | 'kdgqa') =>
      [0, 1, 2].map((s) => rows.find((r) => r.id === `${v}-2-${s}`)?.metrics.testAccuracy ?? Number.NaN);
    expect(kd2?.accuracy).toEqual(pairedComparison(acc('kdgqa'), acc('gqa')));
    // MHA and MQA (fixed KV heads) against GQA at each KV-head count present.
    const mha = paired.filter((p) => p.group.config.variant === 'mha').map((p) => p.baseline.config.kvHeads);
    expect(mha).toEqual([2, 4]);
    expect(paired.every((p) => p.accuracy.n === 3)).toBe(true);
  });

  it('one seed: no interval and no test, said as such', async () => {
    const rows = sweepFixture().filter((r) => r.config.seed === 0);
    const dir = mkdtempSync(join(tmpdir(), 'sweep-one-'));
    await writeSweepReport(dir, { rows });
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).not.toContain('[');
    const kd = md.split('\n').find((l) => l.startsWith('| kdgqa | 2 | 2 |'));
    expect(kd).toMatch(/\| 1 \| .* pts \| .* pts \| - \|$/);
  });

  it('CSV quotes a dataset path holding a comma', () => {
    const row = cellRow('gqa', 2, 0, 0.7);
    row.config.dataset = '/data/a,b "x"';
    expect(sweepCsv([row])).toContain('"/data/a,b ""x"""');
  });
});
