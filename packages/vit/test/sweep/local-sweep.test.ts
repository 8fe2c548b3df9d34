import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCellFailure } from '../../src/sweep/cell-failure';
import { runLocalSweep, type SweepOutcome } from '../../src/sweep/local-sweep';
import { cellResultsPath, mhaModelPath, mhaRecordPath } from '../../src/sweep/sweep-layout';
import { fastPlan, rowsOf, snapshot, waitFor } from './sweep-fixtures';

const plan = fastPlan({ variant: ['mha', 'gqa'], kvHeads: [2], seed: [1, 2] });

/** The pid in the first running.json under `out`, once a worker has started a cell. */
async function runningPid(out: string): Promise<number | null> {
  const cells = await readdir(join(out, 'cells')).catch(() => []);
  for (const id of cells) {
    const text = await readFile(join(out, 'cells', id, 'running.json'), 'utf8').catch(() => null);
    if (text) return Number(JSON.parse(text).pid);
  }
  return null;
}

describe('runLocalSweep', () => {
  let root: string;
  let serial: SweepOutcome;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sweep-local-'));
    serial = await runLocalSweep(plan, join(root, 'serial'), { workers: 1 });
  }, 120_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('runs every cell once from one shared MHA model', async () => {
    expect(plan.cells).toHaveLength(4);
    expect(serial.finished.sort()).toEqual(plan.cells.map((c) => c.id).sort());
    expect(serial.failed).toEqual([]);
    expect(await readdir(join(root, 'serial', 'mha'))).toEqual([plan.mha[0].id]);
  });

  it('gives the same rows, bit for bit, on 2 workers with one of them SIGKILLed mid-cell; a rerun skips them all', async () => {
    const out = join(root, 'parallel');
    const log: string[] = [];
    const killed = waitFor(() => runningPid(out), 60_000).then((pid) => {
      process.kill(pid, 'SIGKILL');
      return pid;
    });
    const outcome = await runLocalSweep(plan, out, { workers: 2, log: (l) => log.push(l) });
    await killed;
    expect(log.some((l) => /attempt 1\/2 failed: worker process \d+ was killed by SIGKILL/.test(l))).toBe(
      true,
    );
    expect(outcome.failed).toEqual([]);
    expect(outcome.finished.sort()).toEqual(plan.cells.map((c) => c.id).sort());
    expect(await rowsOf(plan, out)).toEqual(await rowsOf(plan, join(root, 'serial')));

    const before = await snapshot(join(out, 'cells'));
    const again = await runLocalSweep(plan, out, { workers: 2 });
    expect(again.finished).toEqual([]);
    expect(again.skipped.sort()).toEqual(plan.cells.map((c) => c.id).sort());
    expect(await snapshot(join(out, 'cells'))).toEqual(before);
  }, 120_000);

  it('refuses a results.json of another version, naming the file and key, and changes nothing', async () => {
    const out = join(root, 'serial');
    const path = cellResultsPath(out, plan.cells[1].id);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('gqa-lab/uptrain-results@1', 'gqa-lab/uptrain-results@2'));
    const before = await snapshot(out);
    await expect(runLocalSweep(plan, out, { workers: 1 })).rejects.toThrow(
      `${path}: up-training results: schema: Invalid type: Expected "gqa-lab/uptrain-results@1"`,
    );
    expect(await snapshot(out)).toEqual(before);
    await writeFile(path, text);
  });
});

describe('runLocalSweep failures', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sweep-fail-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('marks the cells of an MHA model that cannot be pretrained failed, and finishes the others', async () => {
    const bad = join(root, 'no-such-data');
    const p = fastPlan({ variant: ['gqa'], kvHeads: [2], seed: [1], dataset: ['fashion-mnist', bad] });
    const out = join(root, 'mixed');
    const outcome = await runLocalSweep(p, out, { workers: 2 });
    const [good, broken] = p.cells;
    expect(outcome.finished).toEqual([good.id]);
    expect(outcome.failed).toEqual([
      {
        id: broken.id,
        error: `pretraining MHA ${broken.mhaId} failed: --data: ${bad} does not exist`,
        attempts: 0,
      },
    ]);
    expect(await readCellFailure(out, broken.id)).toEqual(outcome.failed[0]);
  }, 120_000);

  it('tries a failing cell twice, then records its error in failed.json', async () => {
    const p = fastPlan({ variant: ['gqa'], kvHeads: [2], seed: [1] });
    const out = join(root, 'garbage-mha');
    const mha = p.mha[0];
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(out, 'mha', mha.id), { recursive: true });
    await writeFile(mhaModelPath(out, mha.id), 'not a safetensors file');
    await writeFile(mhaRecordPath(out, mha.id), '{}');
    const log: string[] = [];
    const outcome = await runLocalSweep(p, out, { workers: 1, log: (l) => log.push(l) });
    expect(outcome.finished).toEqual([]);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0].attempts).toBe(2);
    expect(outcome.failed[0].error).toContain(mhaModelPath(out, mha.id));
    expect(log.filter((l) => /attempt [12]\/2 failed: /.test(l))).toHaveLength(2);
    expect(log.filter((l) => l.includes(`FAILED ${p.cells[0].id}`))).toHaveLength(1);
  }, 120_000);
});
