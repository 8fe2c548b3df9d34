/**
 * A pool of worker processes on this machine (child_process.fork, one job at a time each, single-threaded):
 * the local sweep runs its cells on it, and `gqa-lab worker` runs the jobs it takes from the queue on it.
 * A worker that dies mid-job (killed, out of memory) rejects that job with an error saying so and is
 * replaced for the next job.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SweepJob } from './cell-config';
import { isReplyMessage, type RunMessage } from './pool-messages';

interface Task {
  out: string;
  job: SweepJob;
  resolve: () => void;
  reject: (e: Error) => void;
}

interface Slot {
  child: ChildProcess;
  task: Task | null;
}

/** The worker entry: the built file next to this module, or the tsx entry beside the TypeScript source. */
function workerEntry(): string {
  const isTs = import.meta.url.endsWith('.ts');
  return fileURLToPath(
    new URL(isTs ? './sweep-pool-worker-entry.mjs' : './sweep-pool-worker.js', import.meta.url),
  );
}

export class ProcessPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Task[] = [];
  private closed = false;

  /** `size` worker processes, started on first use. */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`ProcessPool: size ${size} is not >= 1`);
  }

  /** Runs `job` on a free worker (queued until one is free); rejects with the worker's error. */
  run(out: string, job: SweepJob): Promise<void> {
    if (this.closed) return Promise.reject(new Error('ProcessPool: closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ out, job, resolve, reject });
      this.dispatch();
    });
  }

  /** The pids of the worker processes (tests kill one). */
  pids(): number[] {
    return this.slots.flatMap((s) => (s.child.pid === undefined ? [] : [s.child.pid]));
  }

  /** Stops every worker; jobs still queued are rejected. */
  close(): void {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.reject(new Error('ProcessPool: closed'));
    for (const s of this.slots.splice(0)) s.child.kill('SIGTERM');
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.waiting.shift();
      if (!task) return;
      slot.task = task;
      const message: RunMessage = { type: 'run', out: task.out, job: task.job };
      slot.child.send(message);
    }
  }

  private spawn(): Slot {
    const child = fork(workerEntry(), [], {
      env: { ...process.env, GQA_THREADS: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const slot: Slot = { child, task: null };
    this.slots.push(slot);
    child.on('message', (m: unknown) => {
      if (!isReplyMessage(m) || slot.task === null) return;
      const task = slot.task;
      slot.task = null;
      if (m.type === 'done') task.resolve();
      else task.reject(new Error(m.error));
      this.dispatch();
    });
    child.on('exit', (code, signal) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const task = slot.task;
      slot.task = null;
      if (task) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        task.reject(
          new Error(`worker process ${child.pid} ${how} while running ${task.job.kind} ${task.job.id}`),
        );
      }
      if (!this.closed) this.dispatch();
    });
    return slot;
  }
}
