/**
 * The webgpu worker thread. gpu.js kernels in webgpu mode return Promises (readback is mapAsync), but the
 * Backend interface is synchronous; so the GPU lives here and the main thread blocks on Atomics.wait until
 * each reply is posted (worker-device.ts). Requests are handled one at a time, in order.
 */
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { dawnBackendFromEnv, installDawnNavigatorGpu } from './dawn';
import type { ProgramResult } from './program';
import { ProgramRunner } from './runner';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

const { port, flag } = workerData as { port: MessagePort; flag: SharedArrayBuffer };
const signal = new Int32Array(flag);
let runner: ProgramRunner | null = null;
let adapter = '';

const NOTHING: ProgramResult = { values: [], handles: [] };

async function serve(
  r: ProgramRunner,
  req: Exclude<WorkerRequest, { kind: 'init' }>,
): Promise<ProgramResult> {
  switch (req.kind) {
    case 'run':
      return r.runAsync(req.program);
    case 'download':
      return { values: [await r.downloadAsync(req.handle)], handles: [] };
    case 'release':
      r.release(req.handles);
      return NOTHING;
    case 'dispose':
      r.dispose();
      return NOTHING;
  }
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  if (req.kind === 'init') {
    // GQA_DAWN_BACKEND: vulkan on a machine with a GPU driver; unset = opengl (llvmpipe in CI).
    const backend = dawnBackendFromEnv(process.env.GQA_DAWN_BACKEND);
    const info = await installDawnNavigatorGpu(backend);
    adapter = `${info.description}${info.vendor ? ` (${info.vendor})` : ''}, Dawn ${backend}`;
    const { GPU } = await import('gpu.js');
    runner = new ProgramRunner(new GPU({ mode: 'webgpu' }), 'WebGPUKernel');
    return { ok: true, kernelClass: runner.expectedClass, adapter, result: NOTHING, stats: runner.stats };
  }
  if (!runner) return { ok: false, error: `gpujs webgpu worker: ${req.kind} before init` };
  const result = await serve(runner, req);
  return { ok: true, kernelClass: runner.expectedClass, adapter, result, stats: runner.stats };
}

port.on('message', (req: WorkerRequest) => {
  handle(req)
    .then(
      (reply) => reply,
      (e: unknown): WorkerReply => ({ ok: false, error: e instanceof Error ? e.message : String(e) }),
    )
    .then((reply) => {
      port.postMessage(reply);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
});
