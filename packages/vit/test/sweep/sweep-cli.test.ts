import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli';
import { loadQueueModule, QUEUE_PEERS } from '../../src/sweep/queue/load-queue';
import { freePort } from './redis-server';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { print: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('gqa-lab sweep / worker command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sweep-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists sweep and worker, and requires --out / --grid / --queue', async () => {
    expect((await run('--help')).out).toMatch(/sweep .*\n\s+worker /);
    expect(await run('sweep', '--grid', 'g.json')).toMatchObject({
      code: 2,
      err: 'gqa-lab sweep: --out DIR is required',
    });
    expect((await run('sweep', '--out', dir)).err).toContain('--grid PATH is required');
    expect((await run('sweep', '--grid', join(dir, 'none.json'), '--out', dir)).err).toContain(
      'does not exist',
    );
    expect((await run('worker', '--out', dir)).err).toBe('gqa-lab worker: --queue URL is required');
    expect((await run('worker', '--queue', 'http://x', '--out', dir)).err).toContain(
      'is not a redis:// or rediss:// URL',
    );
  });

  it('reports a malformed grid with the file and key, running nothing', async () => {
    const grid = join(dir, 'grid.json');
    const out = join(dir, 'out');
    await writeFile(grid, JSON.stringify({ axes: { variant: ['gqa'], kvHeads: ['2'] } }));
    const r = await run('sweep', '--grid', grid, '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `gqa-lab sweep: ${grid}: sweep grid: axes.kvHeads[0]: Invalid type: Expected number but received "2"`,
    );
    await writeFile(grid, '{"axes": {"variant": ["gqa"]},}');
    expect((await run('sweep', '--grid', grid, '--out', out)).err).toContain(
      `${grid}: sweep grid: not valid JSON`,
    );
    expect(await readdir(dir)).toEqual(['grid.json']);
  });

  it('names an unreachable Redis (sweep, worker, status) and writes nothing', async () => {
    const grid = join(dir, 'ok.json');
    await writeFile(grid, JSON.stringify({ axes: { variant: ['gqa'] }, fixed: { trainLimit: 16 } }));
    const url = `redis://127.0.0.1:${await freePort()}/0`;
    const out = join(dir, 'queued');
    const r = await run('sweep', '--grid', grid, '--out', out, '--queue', url);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^gqa-lab sweep: cannot reach Redis at ${url}: .*ECONNREFUSED`));
    expect((await readdir(dir)).includes('queued')).toBe(false);
    const w = await run('worker', '--queue', url, '--out', out);
    expect(w.err).toMatch(/^gqa-lab worker: cannot reach Redis at .*ECONNREFUSED/);
    expect((await run('sweep', '--status', '--out', out)).err).toContain('no sweep was started with --out');
  });
});

describe('the queue as an optional peer dependency', () => {
  it('names the versions package.json declares, and says what to install when one is missing', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(QUEUE_PEERS).toEqual(pkg.peerDependencies);
    expect(pkg.peerDependenciesMeta).toEqual({ bullmq: { optional: true }, ioredis: { optional: true } });
    expect(pkg.dependencies.bullmq).toBeUndefined();
    const missing = Object.assign(new Error("Cannot find package 'bullmq' imported from /x/queue-sweep.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadQueueModule(() => Promise.reject(missing))).rejects.toThrow(
      '--queue needs the optional packages bullmq and ioredis (bullmq is not installed): npm install bullmq@6.7.6 ioredis@6.0.0',
    );
    const other = Object.assign(new Error("Cannot find package 'left-pad'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadQueueModule(() => Promise.reject(other))).rejects.toBe(other);
  });
});
