// The CPU backend's worker pool from the installed package: its workers start from dist/<name>-worker.js
// under plain node (no tsx anywhere in this project), come online without an error, and compute a matmul
// equal to the one-thread result. A failing worker would not change the result (the caller finishes its
// units), so the workers are watched: Node's Worker class, which the pool gets through
// process.getBuiltinModule on first use, is wrapped before the package is imported.
const builtin = process.getBuiltinModule.bind(process);
const started = [];
const online = [];
const errors = [];
process.getBuiltinModule = (id) => {
  const m = builtin(id);
  if (id !== 'node:worker_threads' && id !== 'worker_threads') return m;
  class WatchedWorker extends m.Worker {
    constructor(url, options) {
      super(url, options);
      started.push(String(url));
      this.on('online', () => online.push(String(url)));
      this.on('error', (e) => errors.push(e));
    }
  }
  return { ...m, Worker: WatchedWorker };
};

const { createCpuBackend, normal, Rng } = await import('@gqa-lab/tensor');

const a = normal([96, 128], 0, 1, new Rng(1)); // (96, 128)
const b = normal([128, 80], 0, 1, new Rng(2)); // (128, 80)
const alone = createCpuBackend({ threading: { threads: 1, minMacs: 0 } }).matmul(a, b);
// callerWorks false: the workers compute every unit.
const pooled = createCpuBackend({ threading: { threads: 2, minMacs: 0, callerWorks: false } }).matmul(a, b);
const x = alone.toArray().flat();
const y = pooled.toArray().flat();
const equal = x.length === 96 * 80 && x.every((v, i) => Object.is(v, y[i]));
await new Promise((resolve) => setTimeout(resolve, 200)); // let 'online' / 'error' events arrive

console.log(`workers started: ${started.length} (${[...new Set(started)].join(', ')})`);
console.log(`workers online: ${online.length}, errors: ${errors.length}, equal to one thread: ${equal}`);
const fromDist = started.every((u) => /\/dist\/[\w-]+-worker\.js$/.test(u));
if (started.length === 0 || online.length !== started.length || errors.length > 0 || !fromDist || !equal) {
  for (const e of errors) console.error(e);
  process.exit(1);
}
