/**
 * The quick examples run as a reader would run them (`npx tsx examples/<file>`) and print what their
 * comments promise. 04 and 05 train for minutes; their code paths are covered by the vit tests.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(file: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', `examples/${file}`], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

it("01 prints micrograd's values and gradients", () => {
  const out = run('01-micrograd-graph.ts');
  expect(out).toContain('g    = 24.7041');
  expect(out).toContain('dg/da = 138.8338');
  expect(out).toContain('dg/db = 645.5773');
});

it('02 runs the same computation on the CPU and reports each backend it tried', () => {
  const out = run('02-backends.ts');
  expect(out).toMatch(/n=128 cpu: \d+ ms/);
  expect(out).toMatch(/gpujs-webgpu|webgpu/);
});

it('03 runs every variant and prints allocations that sum to H = 8', () => {
  const out = run('03-gqa-variants.ts');
  for (const name of ['MHA', 'GQA', 'MQA', 'KDGQA', 'DGQA', 'PGQA', 'WGQA']) expect(out).toContain(name);
  const allocations = [...out.matchAll(/allocation ((?:\[[\d, ]+\] ?)+)/g)].map((m) => m[1]);
  expect(allocations.length).toBeGreaterThanOrEqual(10);
  for (const a of allocations) {
    for (const group of a.match(/\[[\d, ]+\]/g) ?? []) {
      expect(JSON.parse(group).reduce((s: number, v: number) => s + v, 0)).toBe(8);
    }
  }
});
