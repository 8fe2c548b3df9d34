/**
 * Lists the node_modules paths a bare Linux x64 machine needs to run the gpu.js tests and the "backends"
 * benchmark from sources: the workspace's links plus every pnpm store entry reachable from the roots through
 * pnpm's sibling links, minus what those runs never load (browser test runners, native GL, gpu.js's own
 * webgpu@0.2.9, the TypeScript compiler and type packages, tfjs: the device runs the "backends" workload through
 * bench/device/backends.ts, which loads no tfjs peer). Prints one repo-relative path per line, for tar.
 * Usage (repo root): npx tsx bench/device/nm-closure.ts
 */
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = process.cwd();
const STORE = join(ROOT, 'node_modules', '.pnpm');
/** Root-level packages the device runs: the test runner, the TS loader, the property-test library. */
const ROOT_PACKAGES = ['vitest', 'vite', 'tsx', 'fast-check'];
/** Store entries (by name prefix) never loaded on the device. */
const SKIP = [
  'playwright',
  '@playwright+',
  '@vitest+browser',
  'gl@',
  'webgpu@0.2.9',
  'typescript@',
  '@types+',
  '@biomejs+',
  '@tensorflow+',
];

const skipped = (entry: string) => SKIP.some((s) => entry.startsWith(s));

/** The symlinks directly in a node_modules folder (one level into @scope folders). */
function linksIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    if (name.startsWith('@') && lstatSync(p).isDirectory()) out.push(...linksIn(p));
    else if (lstatSync(p).isSymbolicLink()) out.push(p);
  }
  return out;
}

/** The store entry a link resolves into, or null for workspace links (packages/*). */
function storeEntry(link: string): string | null {
  if (!existsSync(link)) return null;
  const rel = relative(STORE, realpathSync(link));
  return rel.startsWith('..') ? null : rel.split(sep)[0];
}

const workspaceDirs = [ROOT, join(ROOT, 'bench'), join(ROOT, 'examples')];
for (const group of ['packages']) {
  for (const name of readdirSync(join(ROOT, group))) workspaceDirs.push(join(ROOT, group, name));
}

const rootLinks = [
  ...ROOT_PACKAGES.map((p) => join(ROOT, 'node_modules', p)),
  ...workspaceDirs.filter((d) => d !== ROOT).flatMap((d) => linksIn(join(d, 'node_modules'))),
];
const links: string[] = [];
const entries = new Set<string>();
const queue: string[] = [];
for (const link of rootLinks) {
  const entry = storeEntry(link);
  if (entry !== null && skipped(entry)) continue;
  links.push(link);
  if (entry !== null) queue.push(entry);
}
while (queue.length > 0) {
  const entry = queue.pop() as string;
  if (entries.has(entry)) continue;
  entries.add(entry);
  for (const link of linksIn(join(STORE, entry, 'node_modules'))) {
    const next = storeEntry(link);
    if (next !== null && !skipped(next) && !entries.has(next)) queue.push(next);
  }
}
const paths = [
  ...links.map((l) => relative(ROOT, l)),
  ...[...entries].map((e) => relative(ROOT, join(STORE, e))),
];
process.stdout.write(`${paths.sort().join('\n')}\n`);
