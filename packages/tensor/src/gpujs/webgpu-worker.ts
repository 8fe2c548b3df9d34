/**
 * The webgpu worker thread. gpu.js kernels in webgpu mode return Promises (readback is mapAsync), but the
 * Backend interface is synchronous; so the GPU lives here and the main thread blocks on Atomics.wait until
 * each reply is posted (worker-device.ts). Requests are handled one at a time, in order.
 */
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { installDawnNavigatorGpu } from './dawn';
import { ProgramRunner } from './runner';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

const { port, flag } = workerData as { port: MessagePort; flag: SharedArrayBuffer };
const signal = new Int32Array(flag);
let runner: ProgramRunner | null = null;
let adapter = '';

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  if (req.kind === 'init') {
    const info = await installDawnNavigatorGpu();
    adapter = `${info.description}${info.vendor ? ` (${info.vendor})` : ''}`;
    const { GPU } = await import('gpu.js');
    runner = new ProgramRunner(new GPU({ mode: 'webgpu' }), 'WebGPUKernel');
    return { ok: true, kernelClass: runner.expectedClass, adapter, outputs: [], stats: runner.stats };
  }
  if (!runner) return { ok: false, error: 'gpujs webgpu worker: run before init' };
  if (req.kind === 'dispose') {
    runner.dispose();
    return { ok: true, kernelClass: runner.expectedClass, adapter, outputs: [], stats: runner.stats };
  }
  const outputs = await runner.runAsync(req.program);
  return { ok: true, kernelClass: runner.expectedClass, adapter, outputs, stats: runner.stats };
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
