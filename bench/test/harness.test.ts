/**
 * Smoke test of the benchmark harness on tiny sizes: every workload runs for gqa-lab and both peers, and the
 * JSON / Markdown outputs are written. No timing is asserted (speed is measured by `pnpm bench`, never tested).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { NODE_GPU_MODES } from '../src/backends';
import type { BackendResults } from '../src/backends-run';
import { runBench } from '../src/suite';
import { VARIANT_IDS } from '../src/variants';
import type { VariantResults } from '../src/variants-run';

it('runs every workload against both peers and writes JSON + Markdown', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'gqa-bench-'));
  const { results, markdown, files } = await runBench({ quick: true, outDir });
  const workloads = new Set(results.rows.map((r) => r.workload.split(' ')[0]));
  expect([...workloads].sort()).toEqual(['A', 'B', 'C', 'layer', 'softmax']);
  for (const w of new Set(results.rows.map((r) => r.workload))) {
    const impls = results.rows.filter((r) => r.workload === w).map((r) => r.impl);
    expect(impls).toEqual(expect.arrayContaining(['tfjs-cpu', 'tfjs-wasm']));
    expect(
      impls.some((i) => i.startsWith('gqa-lab')),
      w,
    ).toBe(true);
  }
  // A, B and C run on both kernel tiers (norms have no wasm kernel yet: one 'gqa-lab' row each).
  for (const w of ['A matmul 16', 'B attention fwd', 'C ViT train step']) {
    const impls = results.rows.filter((r) => r.workload === w).map((r) => r.impl);
    expect(impls, w).toEqual(expect.arrayContaining(['gqa-lab js', 'gqa-lab wasm']));
  }
  for (const r of results.rows) {
    expect(Number.isFinite(r.median) && r.median > 0, `${r.workload} ${r.impl}`).toBe(true);
    expect(r.min).toBeLessThanOrEqual(r.max);
  }
  const vitRows = results.rows.filter((r) => r.workload.startsWith('C'));
  for (const r of vitRows) expect('imagesPerS' in r && (r.imagesPerS ?? 0) > 0).toBe(true);
  expect(JSON.parse(readFileSync(files[0], 'utf8')).rows).toHaveLength(results.rows.length);
  expect(readFileSync(files[1], 'utf8')).toBe(markdown);
  expect(markdown).toContain('| A matmul 16 | gqa-lab wasm |');
  expect(markdown).toContain(results.machine.cpuModel);
  // Workloads "variants" and "backends" write their own files.
  const read = (name: string) => {
    const f = files.find((x) => x.endsWith(name));
    if (!f) throw new Error(`harness test: ${name} not among ${files.join(', ')}`);
    return readFileSync(f, 'utf8');
  };
  const variants: VariantResults = JSON.parse(read('variants-quick.json'));
  for (const id of VARIANT_IDS)
    for (const pass of ['variants fwd', 'variants fwd+bwd']) {
      const impls = variants.rows.filter((r) => r.variant === id && r.workload === pass).map((r) => r.impl);
      expect(impls.sort(), `${pass} ${id}`).toEqual(['gqa-lab', 'tfjs-cpu', 'tfjs-wasm']);
    }
  for (const r of variants.rows) {
    expect(Number.isFinite(r.median) && r.median > 0 && r.min <= r.max, `${r.variant} ${r.impl}`).toBe(true);
    if (r.variant === 'gqa') expect(r.vsGqa).toBe(1);
  }
  expect(read('variants-quick.md')).toContain('| kdgqa | gqa-lab |');
  const backends: BackendResults = JSON.parse(read('backends-quick.json'));
  const cpuWorkloads = backends.rows.filter((r) => r.backend === 'cpu').map((r) => r.workload);
  expect(cpuWorkloads).toEqual(['matmul 16', 'matmul 96', 'ViT step batch 2']);
  for (const mode of NODE_GPU_MODES) {
    const ran = backends.rows.filter((r) => r.backend === `gpujs-${mode}`);
    const missing = backends.unavailable.find((u) => u.backend === `gpujs-${mode}`);
    // Each mode either ran every workload on its own kernel class, or is listed with a reason; never both.
    if (missing) expect(missing.reason.length > 0 && ran.length === 0, mode).toBe(true);
    else {
      expect(ran.map((r) => r.workload)).toEqual(cpuWorkloads);
      for (const r of ran) expect(r.kernelClass).not.toBe('cpu');
      expect(
        ran.some((r) => (r.ops?.gpu ?? 0) > 0),
        `${mode} ran no op on the GPU`,
      ).toBe(true);
    }
  }
  expect(read('backends-quick.md')).toContain('Not available here:');
}, 180_000);
