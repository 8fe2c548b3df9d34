/** A small, fast sweep for the engine's tests: the micro preset on 48 built-in Fashion-MNIST images. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expandGrid, type SweepPlan } from '../../src/sweep/grid';
import { collectSweep } from '../../src/sweep/sweep-outputs';
import { withoutTimings } from '../../src/sweep-report/sweep-row';

export const FAST_FIXED = {
  pretrainSeed: 3,
  pretrainEpochs: 1,
  trainLimit: 48,
  testLimit: 16,
  batchSize: 16,
};

export function fastPlan(axes: Record<string, unknown>, fixed: Record<string, unknown> = {}): SweepPlan {
  return expandGrid({ name: 'test sweep', axes, fixed: { ...FAST_FIXED, ...fixed } }, 'test grid');
}

/** The merged rows of a sweep folder without wall-clock timings, sorted by id: what must match across runs. */
export async function rowsOf(plan: SweepPlan, out: string) {
  const { rows } = await collectSweep(plan, out);
  return rows.map(withoutTimings).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Every file under `dir` (relative path -> bytes), to show a run changed nothing. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name);
    const bytes = await readFile(path).catch(() => null);
    if (bytes) out.set(name, bytes.toString('base64'));
  }
  return out;
}

/** Resolves with the first path matching `find` (polled), for killing a worker mid-cell. */
export async function waitFor<T>(find: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const found = await find();
    if (found !== null) return found;
    if (Date.now() - t0 > timeoutMs) throw new Error(`waitFor: nothing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
