/**
 * Smoke test of the benchmark harness on tiny sizes: every workload runs for gqa-lab and both peers, and the
 * JSON / Markdown outputs are written. No timing is asserted (speed is measured by `pnpm bench`, never tested).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runBench } from '../src/suite';

it('runs every workload against both peers and writes JSON + Markdown', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'gqa-bench-'));
  const { results, markdown, files } = await runBench({ quick: true, outDir });
  const workloads = new Set(results.rows.map((r) => r.workload.split(' ')[0]));
  expect([...workloads].sort()).toEqual(['A', 'B', 'C', 'layer', 'softmax']);
  for (const w of new Set(results.rows.map((r) => r.workload))) {
    const impls = results.rows.filter((r) => r.workload === w).map((r) => r.impl);
    expect(impls).toEqual(expect.arrayContaining(['gqa-lab', 'tfjs-cpu', 'tfjs-wasm']));
  }
  for (const r of results.rows) {
    expect(Number.isFinite(r.median) && r.median > 0, `${r.workload} ${r.impl}`).toBe(true);
    expect(r.min).toBeLessThanOrEqual(r.max);
  }
  const vitRows = results.rows.filter((r) => r.workload.startsWith('C'));
  for (const r of vitRows) expect('imagesPerS' in r && (r.imagesPerS ?? 0) > 0).toBe(true);
  expect(JSON.parse(readFileSync(files[0], 'utf8')).rows).toHaveLength(results.rows.length);
  expect(readFileSync(files[1], 'utf8')).toBe(markdown);
  expect(markdown).toContain('| A matmul 16 | gqa-lab |');
  expect(markdown).toContain(results.machine.cpuModel);
}, 120_000);
