/** Workload "backends" -> <outDir>/backends[-quick].json and .md, apart from the main bench.json. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BackendRow, benchBackends, type UnavailableBackend } from './backends';
import type { CaseOptions } from './harness';
import type { Machine } from './machine';
import { VIT_SHAPE, type VitShape } from './vit';

export interface BackendResults {
  readonly machine: Machine;
  readonly quick: boolean;
  readonly rows: readonly BackendRow[];
  readonly unavailable: readonly UnavailableBackend[];
}

/** Workload C's ViT at batch 8: llvmpipe runs a batch-64 step in minutes, not seconds. */
export const BACKENDS_VIT: VitShape = { ...VIT_SHAPE, batch: 8 };
const QUICK_VIT: VitShape = { ...VIT_SHAPE, batch: 2, image: 8, dim: 8, depth: 1, heads: 2, mlp: 16 };

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function opsCell(r: BackendRow): string {
  if (!r.ops) return 'all on CPU (not counted)';
  const reasons = Object.entries(r.ops.cpuReasons).map(([k, n]) => `${k} ${n}`);
  return `${r.ops.gpu} GPU / ${r.ops.cpu} CPU${reasons.length ? ` (${reasons.join(', ')})` : ''}`;
}

/** A line per workload and backend with the kernel class and GPU / CPU op counts, then the unavailable ones. */
export function backendsMarkdown(r: BackendResults): string {
  const m = r.machine;
  const lines = [
    `Measured ${m.date} on ${m.cpuModel}, ${m.logicalCores} logical cores, Node ${m.node}, load average ${m.loadAvg1m} ` +
      `at start${r.quick ? ', QUICK smoke sizes (not comparable)' : ''}. Higher is better for GFLOP/s, lower for ms; ` +
      '"x cpu" = speed relative to the CPU backend in the same run. Op counts cover the whole case ' +
      '(benny calibration and samples), so compare the GPU / CPU split, not the totals.',
    '',
    '| workload | backend | kernel class | device | median | min-max | samples | ops | x cpu |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of r.rows) {
    const cpu = r.rows.find((x) => x.workload === row.workload && x.backend === 'cpu');
    const x = cpu ? (row.unit === 'ms' ? cpu.median / row.median : row.median / cpu.median) : Number.NaN;
    lines.push(
      `| ${row.workload} | ${row.backend} | ${row.kernelClass} | ${row.device} | ${fmt(row.median)} ${row.unit} | ` +
        `${fmt(row.min)}-${fmt(row.max)} | ${row.samples} | ${opsCell(row)} | ${x.toFixed(2)}x |`,
    );
  }
  lines.push('', 'Not available here:', '');
  if (r.unavailable.length === 0) lines.push('- (none)');
  for (const u of r.unavailable) lines.push(`- ${u.backend}: ${u.reason}`);
  return `${lines.join('\n')}\n`;
}

/** Runs the workload (full or quick sizes) and writes backends[-quick].json / .md into `dir`; returns the paths. */
export async function runBackendsWorkload(quick: boolean, dir: string, machine: Machine): Promise<string[]> {
  const opts: CaseOptions = quick ? { minSamples: 1, maxTime: 0.01 } : { minSamples: 5, maxTime: 1 };
  const slow: CaseOptions = quick ? opts : { minSamples: 3, maxTime: 1 };
  const sizes = quick ? [16, 96] : [128, 256, 512];
  const { rows, unavailable } = await benchBackends(sizes, quick ? QUICK_VIT : BACKENDS_VIT, opts, slow);
  const results: BackendResults = { machine, quick, rows, unavailable };
  const base = join(dir, quick ? 'backends-quick' : 'backends');
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, backendsMarkdown(results));
  return [`${base}.json`, `${base}.md`];
}
