/**
 * Workload "backends" for the device kit: the same rows and files as `bench/run.ts --only=backends`
 * (backends.json / .md) without loading the tfjs peers that bench/run.ts always starts, so the kit carries no
 * tfjs; on a real GPU matmul goes up to 1024.
 * Usage (repo root): node --import tsx bench/device/backends.ts <outDir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchBackends } from '../src/backends';
import { BACKENDS_VIT, type BackendResults, backendsMarkdown } from '../src/backends-run';
import { describeMachine } from '../src/machine';

const dir = process.argv[2] ?? 'bench/results/device';
mkdirSync(dir, { recursive: true });
const opts = { minSamples: 5, maxTime: 1 };
const { rows, unavailable } = await benchBackends([256, 512, 1024], BACKENDS_VIT, opts, {
  minSamples: 3,
  maxTime: 1,
});
const results: BackendResults = { machine: describeMachine(), quick: false, rows, unavailable };
const markdown = backendsMarkdown(results);
writeFileSync(join(dir, 'backends.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(dir, 'backends.md'), markdown);
process.stdout.write(`${markdown}\nwrote ${join(dir, 'backends.json')} and backends.md\n`);
