/**
 * Main-thread side of the webgpu worker: a synchronous `run(program)` made from postMessage plus
 * Atomics.wait and receiveMessageOnPort (Node's main thread may block). Data is copied per call
 * (structured clone), which is cheap next to the device round trip.
 */
// Types only: worker_threads is fetched at run time, so a browser bundler never meets a node: import here.
import type { MessagePort, Worker } from 'node:worker_threads';
import { claimHeadlessGl } from './headlessgl';
import type { Program, ProgramResult } from './program';
import { emptyRunnerStats, type RunnerStats } from './runner';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

/** A started webgpu worker; every call blocks until the worker replies. */
export class WebGpuWorkerDevice {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;
  private readonly threads = process.getBuiltinModule('node:worker_threads');
  kernelClass = '';
  adapter = '';
  stats: RunnerStats = emptyRunnerStats();

  /** Starts the worker and initialises Dawn + gpu.js there; throws with the worker's reason on failure. */
  constructor(private readonly timeoutMs = 120_000) {
    // EGL reads the process environment, which a worker cannot change: set it here, before Dawn loads.
    process.env.EGL_PLATFORM ??= 'surfaceless';
    // The worker's gpu.js loads headless-gl if it is built, and a native addon loads in one thread only:
    // load it here first so a later headlessgl backend in this thread can still start.
    claimHeadlessGl();
    const { port1, port2 } = new this.threads.MessageChannel();
    this.port = port1;
    // From TypeScript sources the worker starts through a tiny .mjs entry that loads it with tsx.
    const isTs = import.meta.url.endsWith('.ts');
    const entry = new URL(isTs ? './webgpu-worker-entry.mjs' : './webgpu-worker.js', import.meta.url);
    this.worker = new this.threads.Worker(entry, {
      workerData: { port: port2, flag: this.signal.buffer },
      transferList: [port2],
    });
    this.worker.unref();
    try {
      const init = this.call({ kind: 'init' });
      this.kernelClass = init.kernelClass;
      this.adapter = init.adapter;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private call(req: WorkerRequest): Extract<WorkerReply, { ok: true }> {
    if (this.closed) throw new Error(`gpujs webgpu: ${req.kind} after dispose()`);
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage(req);
    const waited = Atomics.wait(this.signal, 0, 0, this.timeoutMs);
    const got = this.threads.receiveMessageOnPort(this.port);
    if (!got) {
      throw new Error(
        `gpujs webgpu: no reply to ${req.kind} from the worker (${waited}) within ${this.timeoutMs} ms; the worker may have failed to start`,
      );
    }
    const reply = got.message as WorkerReply;
    if (!reply.ok) throw new Error(reply.error);
    this.stats = reply.stats;
    return reply;
  }

  /** Runs a program on the device: the returned steps' values, or handles of results kept there. */
  run(program: Program): ProgramResult {
    return this.call({ kind: 'run', program }).result;
  }

  /** Reads a kept result back; the worker deletes it on the device. */
  download(handle: number): Float32Array {
    return this.call({ kind: 'download', handle }).result.values[0];
  }

  /** Deletes kept results on the device. */
  release(handles: readonly number[]): void {
    if (handles.length > 0) this.call({ kind: 'release', handles });
  }

  /** Frees the kernels and stops the worker. */
  close(): void {
    if (this.closed) return;
    try {
      this.call({ kind: 'dispose' });
    } catch {
      // The worker failed at start: there is nothing on the device to free.
    }
    this.closed = true;
    // Not terminate(): stopping the thread while Dawn finalises its objects aborted the process (napi_throw)
    // in a test run. The worker is unref'd and idle, so it ends with the process.
    this.port.close();
  }
}
