/**
 * The distributed sweep against a real redis-server and real BullMQ: a 12-cell grid on 3 `gqa-lab worker`
 * processes, one SIGKILLed mid-cell, Redis killed and restarted empty mid-sweep; the merged rows equal
 * the serial run bit for bit and every cell is counted once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCellFailure } from '../../src/sweep/cell-failure';
import { runLocalSweep } from '../../src/sweep/local-sweep';
import { runQueueSweep } from '../../src/sweep/queue/queue-sweep';
import { mhaModelPath, mhaRecordPath } from '../../src/sweep/sweep-layout';
import { showStatus } from '../../src/sweep/sweep-status';
import { freePort, RedisServer, redisSkipReason } from './redis-server';
import { fastPlan, rowsOf, waitFor } from './sweep-fixtures';

const skip = redisSkipReason();
if (skip) console.warn(`queue-sweep.test.ts: ${skip}`);

const BIN = fileURLToPath(new URL('../../bin/gqa-lab.mjs', import.meta.url));
// 2 variants x 2 KV counts x 2 seeds + MHA and MQA x 2 seeds = 12 cells.
const plan = fastPlan({ variant: ['mha', 'mqa', 'gqa', 'kdgqa'], kvHeads: [2, 4], seed: [1, 2] });

function startWorker(url: string, out: string, lines: string[]): ChildProcess {
  const args = [BIN, 'worker', '--queue', url, '--out', out, '--concurrency', '1', '--lock-duration', '2000'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  child.stderr?.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  return child;
}

async function countResults(out: string): Promise<number> {
  const ids = await readdir(join(out, 'cells')).catch(() => []);
  let n = 0;
  for (const id of ids) if ((await readdir(join(out, 'cells', id))).includes('results.json')) n++;
  return n;
}

describe.skipIf(skip !== null)('runQueueSweep with gqa-lab workers on a real Redis', () => {
  let root: string;
  let redis: RedisServer;
  const workers: ChildProcess[] = [];
  const lines: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sweep-queue-'));
    redis = new RedisServer(await freePort(), root);
    await redis.start();
  }, 30_000);
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await redis?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('survives a SIGKILLed worker and a Redis restart, and equals the serial run bit for bit', async () => {
    expect(plan.cells).toHaveLength(12);
    const out = join(root, 'queue');
    for (let i = 0; i < 3; i++) workers.push(startWorker(redis.url, out, lines));
    const log: string[] = [];

    // Kill the worker (the BullMQ process, parent of the pool process) running the first cell to start.
    const killed = waitFor(async () => {
      for (const id of await readdir(join(out, 'cells')).catch(() => [])) {
        const text = await readFile(join(out, 'cells', id, 'running.json'), 'utf8').catch(() => null);
        if (text) return { pid: Number(JSON.parse(text).parent), cellId: id };
      }
      return null;
    }, 90_000).then((victim) => {
      process.kill(victim.pid, 'SIGKILL');
      return victim;
    });
    // Once 4 cells are done, Redis dies and comes back empty: the coordinator enqueues what is missing again.
    const restarted = waitFor(async () => ((await countResults(out)) >= 4 ? true : null), 90_000).then(
      async () => {
        await redis.stop();
        await new Promise((r) => setTimeout(r, 500));
        await redis.start();
      },
    );
    const outcome = await runQueueSweep(plan, out, redis.url, { log: (l) => log.push(l), pollMs: 200 });
    const { pid: killedPid, cellId: killedCell } = await killed;
    await restarted;

    const ids = plan.cells.map((c) => c.id).sort();
    expect(outcome.failed).toEqual([]);
    expect([...outcome.finished].sort()).toEqual(ids); // each cell once
    expect(await countResults(out)).toBe(12);
    expect(workers.find((w) => w.pid === killedPid)?.signalCode).toBe('SIGKILL');
    // The killed cell ran again on another worker: its job was found stalled and retried, or, when Redis
    // restarted empty before the stall check, enqueued again by the coordinator. Either way it started twice.
    const starts = lines.filter((l) => l.includes(`start cell-${killedCell} (attempt `));
    expect(
      starts.length,
      `worker lines starting cell-${killedCell}:\n${starts.join('\n')}`,
    ).toBeGreaterThanOrEqual(2);

    const serial = join(root, 'serial');
    await runLocalSweep(plan, serial, { workers: 1 });
    const rows = await rowsOf(plan, out);
    expect(rows).toHaveLength(12);
    expect(rows).toEqual(await rowsOf(plan, serial));

    const status: string[] = [];
    await showStatus(out, redis.url, (l) => status.push(l));
    expect(status[0]).toContain('12 cells: 12 done, 0 running, 0 failed, 0 waiting');
  }, 240_000);

  it('fails a cell after two attempts with its error and goes on; a rerun of a finished sweep runs nothing', async () => {
    const out = join(root, 'queue');
    // Another pretraining seed: a new MHA model, replaced here by a broken file before the sweep starts.
    const broken = fastPlan({ variant: ['gqa'], kvHeads: [2], seed: [1] }, { pretrainSeed: 99 });
    const mha = broken.mha[0];
    expect(mha.id).not.toBe(plan.mha[0].id);
    await mkdir(join(out, 'mha', mha.id), { recursive: true });
    await writeFile(mhaModelPath(out, mha.id), 'not a safetensors file');
    await writeFile(mhaRecordPath(out, mha.id), '{}');
    const outcome = await runQueueSweep(broken, out, redis.url, { pollMs: 200 });
    expect(outcome.finished).toEqual([]);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0].attempts).toBe(2);
    expect(outcome.failed[0].error).toContain('mha.safetensors');
    expect(await readCellFailure(out, broken.cells[0].id)).toEqual(outcome.failed[0]);

    const again = await runQueueSweep(plan, out, redis.url, { pollMs: 200 });
    expect(again.finished).toEqual([]);
    expect(again.skipped).toHaveLength(12);

    // The same grid into a folder the workers do not write to: its completed jobs run again (into their
    // folder), and the coordinator says where the files went instead of waiting forever.
    const elsewhere = join(root, 'elsewhere');
    const one = fastPlan({ variant: ['mha'], seed: [1] });
    const lost = await runQueueSweep(one, elsewhere, redis.url, { pollMs: 200 });
    expect(lost.finished).toEqual([]);
    expect(lost.failed.map((f) => f.error)).toEqual([
      `pretraining MHA ${one.mha[0].id} failed: its job completed but its files are not in ${elsewhere}: do the workers run with this --out (the same shared folder)?`,
    ]);
  }, 120_000);
});

describe.skipIf(skip !== null)('runQueueSweep errors', () => {
  it('names an unreachable Redis and writes nothing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sweep-noredis-'));
    const port = await freePort();
    const out = join(root, 'out');
    await expect(runQueueSweep(plan, out, `redis://127.0.0.1:${port}/0`)).rejects.toThrow(
      new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: .*ECONNREFUSED`),
    );
    expect(await readdir(root)).toEqual([]);
    await rm(root, { recursive: true, force: true });
  });
});
