/**
 * The pool's shared-memory dispatch (pool-control.ts, thread-pool.ts): a job's message survives the trip
 * to a worker with its arrays still shared, jobs in any order of sizes, dtypes and thread counts stay bit-identical to one thread, and a process whose workers
 * sleep in Atomics.wait still exits on its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planMatmul } from '../src/cpu/matmul';
import { matmulUnits } from '../src/cpu/matmul-job';
import { allocateShared, type DType, isSharedStorage, Rng, sharedCopyOf, uniform } from '../src/index';
import { oneThread, workersOnly } from './thread-backends';

const pooled = [2, 4, 3].map(workersOnly);

describe('pool dispatch', () => {
  it("a job's message reaches a worker with its plan intact and its arrays shared (results land in place)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.constantFrom<DType>('float32', 'float64', 'int32'),
        (batch, m, k, n, transposed, dtype) => {
          const rng = new Rng(batch * 31 + m);
          const a = uniform([batch, m, k], -1, 1, rng, dtype); // (batch, M, K)
          const w = uniform([n, k], -1, 1, rng, dtype); // (N, K)
          const b = transposed ? w.transpose(0, 1) : uniform([k, n], -1, 1, rng, dtype); // (K, N)
          const { plan } = planMatmul(a, b);
          const shared = { ...plan, a: sharedCopyOf(plan.a), b: sharedCopyOf(plan.b) };
          const out = allocateShared(dtype, batch * m * n);
          const { port1, port2 } = new MessageChannel();
          port1.postMessage({ job: 'matmul', seq: 2, plan: shared, out });
          const received = receiveMessageOnPort(port2)?.message;
          port1.close();
          const { a: _a, b: _b, aOffsets, bOffsets, ...numbers } = received.plan;
          const { a: _pa, b: _pb, aOffsets: _po, bOffsets: _pbo, ...want } = shared;
          expect(numbers).toEqual(want);
          expect(Array.from(aOffsets)).toEqual(Array.from(plan.aOffsets));
          expect(Array.from(bOffsets)).toEqual(Array.from(plan.bOffsets));
          // The worker's copy of the message writes into the caller's output: nothing is copied back.
          const { total, run } = matmulUnits(received);
          for (let u = 0; u < total; u++) run(u);
          expect(isSharedStorage(out)).toBe(true);
          expect(Array.from(out)).toEqual(Array.from(oneThread.matmul(a, b).values()));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('sequences of jobs of changing size, dtype and thread count equal one thread bit for bit', () => {
    const job = fc.record({
      batch: fc.integer({ min: 1, max: 3 }),
      m: fc.integer({ min: 1, max: 140 }),
      k: fc.constantFrom(1, 9, 64, 300),
      n: fc.integer({ min: 1, max: 40 }),
      dtype: fc.constantFrom<DType>('float32', 'float64', 'int32'),
      pool: fc.integer({ min: 0, max: pooled.length - 1 }),
    });
    fc.assert(
      fc.property(fc.array(job, { minLength: 2, maxLength: 6 }), fc.nat(1000), (jobs, seed) => {
        const rng = new Rng(seed);
        for (const { batch, m, k, n, dtype, pool } of jobs) {
          const lo = dtype === 'int32' ? -9 : -1;
          const a = uniform([batch, m, k], lo, -lo, rng, dtype); // (batch, M, K)
          const b = uniform([k, n], lo, -lo, rng, dtype); // (K, N)
          expect(pooled[pool].matmul(a, b).values()).toEqual(oneThread.matmul(a, b).values());
        }
      }),
      { numRuns: 15 },
    );
  });

  it('a process that used the pool exits by itself (workers sleep in Atomics.wait, unref’d)', () => {
    const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = [
      `const t = await import(${JSON.stringify(src)});`,
      'const be = t.createCpuBackend({ threading: { threads: 2, minMacs: 0, callerWorks: false } });',
      'const x = t.uniform([2, 70, 16], -1, 1, new t.Rng(1));',
      'const y = be.matmul(x, t.uniform([16, 8], -1, 1, new t.Rng(2)));',
      "console.log('shape', y.shape.join('x'));",
    ].join('\n');
    // A script file, not `node -e`: tsx does not load TypeScript imports from an -e script.
    const dir = mkdtempSync(join(tmpdir(), 'gqa-pool-exit-'));
    const file = join(dir, 'exit.mjs');
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 30_000 });
    rmSync(dir, { recursive: true });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('shape 2x70x8');
    expect(run.status).toBe(0);
  }, 40_000);
});
