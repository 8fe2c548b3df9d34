import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossEntropy, indexSelect, tensor } from '@gqa-lab/autograd';
import { normal, Rng } from '@gqa-lab/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdamW,
  type AtomicFs,
  type AtomicWriteStep,
  clipGradNorm,
  Linear,
  loadCheckpoint,
  MLP,
  nodeAtomicFs,
  paramGroupsForDecay,
  saveCheckpoint,
  warmupCosineSchedule,
} from '../src/index';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nn-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const X = normal([16, 4], 0, 1, new Rng(42));
const Y = Int32Array.from({ length: 16 }, (_, i) => i % 3);
const TOTAL = 8;

/** Everything a run owns, built from seeds only. */
function freshRun() {
  const rng = new Rng(7);
  const model = new MLP(4, { hiddenFeatures: 8, outFeatures: 3, drop: 0.2, rng: new Rng(1), dropRng: rng });
  const optimizer = new AdamW(paramGroupsForDecay(model, 0.05), { lr: 0.01 });
  const schedule = warmupCosineSchedule({ lr: 0.01, warmupSteps: 2, totalSteps: TOTAL, minLr: 1e-4 });
  return { rng, model, optimizer, schedule };
}

/** One step: a shuffled minibatch (rng), dropout (rng), clipping, the schedule, AdamW. */
function trainStep(run: ReturnType<typeof freshRun>, step: number): void {
  const batch = run.rng.permutation(16).slice(0, 8);
  const x = indexSelect(tensor(X.data, { shape: [16, 4] }), 0, batch);
  const y = Array.from(batch, (i) => Y[i]);
  run.optimizer.zeroGrad();
  const loss = crossEntropy(run.model.forward(x), y, { labelSmoothing: 0.1 });
  loss.backward();
  clipGradNorm(run.model.parameters(), 0.5);
  run.optimizer.setLr(run.schedule(step));
  run.optimizer.step();
}

function paramBytes(run: ReturnType<typeof freshRun>): Uint8Array[] {
  return run.model.parameters().map((p) => new Uint8Array(Float32Array.from(p.data.values()).buffer));
}

describe('checkpoints', () => {
  it('resume is exact: N steps straight == k steps, save, load into fresh objects, N - k steps (bit for bit)', async () => {
    const straight = freshRun();
    for (let s = 0; s < TOTAL; s++) trainStep(straight, s);

    const k = 3;
    const first = freshRun();
    for (let s = 0; s < k; s++) trainStep(first, s);
    const path = join(dir, 'resume.safetensors');
    await saveCheckpoint(path, {
      ...first,
      scheduleStep: k,
      step: k,
      epoch: 1,
      extra: { note: 'mid-run', best: 0.5 },
    });

    const resumed = freshRun();
    resumed.rng.next(); // a fresh generator in a different state must be overwritten by the load
    const loaded = await loadCheckpoint(path, resumed);
    expect(loaded).toMatchObject({
      step: k,
      epoch: 1,
      scheduleStep: k,
      extra: { note: 'mid-run', best: 0.5 },
    });
    expect(loaded.report).toEqual({ missing: [], unexpected: [], mismatched: [] });
    for (let s = loaded.scheduleStep; s < TOTAL; s++) trainStep(resumed, s);

    expect(paramBytes(resumed)).toEqual(paramBytes(straight));
    expect(resumed.rng.getState()).toEqual(straight.rng.getState());
    expect(resumed.optimizer.stateDict()).toEqual(straight.optimizer.stateDict());
  });

  it('is one safetensors file with model tensors, optimizer buffers and JSON metadata', async () => {
    const run = freshRun();
    trainStep(run, 0);
    const path = join(dir, 'layout.safetensors');
    await saveCheckpoint(path, { ...run, step: 1 });
    const bytes = await readFile(path);
    const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
    expect(Object.keys(header)).toEqual(
      expect.arrayContaining([
        '__metadata__',
        'model.fc1.weight',
        'model.fc2.bias',
        'optim.0.expAvg',
        'optim.3.expAvgSq',
      ]),
    );
    expect(header.__metadata__['gqa-lab.format']).toBe('checkpoint/1');
    expect(JSON.parse(header.__metadata__['gqa-lab.checkpoint']).rng.s).toHaveLength(4);
  });

  it('reports a mismatched model by key (strict throws, non-strict returns the report)', async () => {
    const run = freshRun();
    const path = join(dir, 'mismatch.safetensors');
    await saveCheckpoint(path, { model: run.model });
    const other = new MLP(4, { hiddenFeatures: 5, outFeatures: 3 });
    await expect(loadCheckpoint(path, { model: other })).rejects.toThrow(
      /mis-shaped: fc1.weight \(expected \[5, 4\], got \[8, 4\]\)/,
    );
    const report = (await loadCheckpoint(path, { model: other, strict: false })).report;
    expect(report.mismatched.map((m) => m.key)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight']);
    await expect(loadCheckpoint(path, { model: run.model, optimizer: run.optimizer })).rejects.toThrow(
      /holds no optimizer state/,
    );
    await expect(loadCheckpoint(path, { model: new Linear(4, 3) })).rejects.toThrow(
      /missing: weight, bias; unexpected: fc1.bias, fc1.weight, fc2.bias, fc2.weight/,
    );
  });

  it('a failure at any step of the write leaves the previous checkpoint intact and no temp file', async () => {
    const sub = await mkdtemp(join(dir, 'faults-'));
    const path = join(sub, 'ckpt.safetensors');
    const run = freshRun();
    await saveCheckpoint(path, { ...run, step: 1 });
    const good = await readFile(path);
    trainStep(run, 0);
    const steps: AtomicWriteStep[] = ['open', 'write', 'fsync', 'close', 'rename'];
    for (const failAt of steps) {
      const faulty: AtomicFs = {
        open: async (p, flags) => {
          if (failAt === 'open') throw new Error('injected open failure');
          const h = await nodeAtomicFs.open(p, flags);
          return {
            write: async (b, o, l, pos) => {
              if (failAt === 'write') throw new Error('injected write failure');
              return h.write(b, o, l, pos);
            },
            sync: async () => {
              if (failAt === 'fsync') throw new Error('injected fsync failure');
              return h.sync();
            },
            close: async () => {
              await h.close();
              if (failAt === 'close') throw new Error('injected close failure');
            },
          };
        },
        rename: async (a, b) => {
          if (failAt === 'rename') throw new Error('injected rename failure');
          return nodeAtomicFs.rename(a, b);
        },
        unlink: (p) => nodeAtomicFs.unlink(p),
      };
      await expect(saveCheckpoint(path, { ...run, step: 2 }, { fs: faulty })).rejects.toThrow(
        new RegExp(`${failAt} failed`),
      );
      expect(await readFile(path)).toEqual(good);
      expect(await readdir(sub)).toEqual(['ckpt.safetensors']);
      const restored = await loadCheckpoint(path, { model: freshRun().model });
      expect(restored.step).toBe(1);
    }
  });
});
