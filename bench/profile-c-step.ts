/**
 * Workload C's training step (tiny ViT, batch 64), profiled over its steady steps only (after a warm-up,
 * so module loading and kernel compilation are not in it):
 *   GQA_THREADS=1 node --import tsx bench/profile-c-step.ts [steps] [out.cpuprofile]
 *   node bench/profile-summary.mjs out.cpuprofile      # self time per function, largest first
 * Also prints the CPU time of each step (process.cpuUsage), which descheduling on a shared machine does
 * not inflate the way it inflates wall time.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { ourVitStep, VIT_SHAPE } from './src/vit';

const steps = Number(process.argv[2] ?? 8);
const out = process.argv[3] ?? 'c-step.cpuprofile';
const step = ourVitStep(VIT_SHAPE);
step(); // warm-up: compiles the kernels, allocates the optimizer state
step();
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const cpu: number[] = [];
for (let i = 0; i < steps; i++) {
  const t = process.cpuUsage();
  step();
  const d = process.cpuUsage(t);
  cpu.push((d.user + d.system) / 1000);
}
const { profile } = await session.post('Profiler.stop');
writeFileSync(out, JSON.stringify(profile));
cpu.sort((a, b) => a - b);
process.stdout.write(`C step CPU ms, sorted: ${cpu.map((c) => c.toFixed(0)).join(' ')}\nwrote ${out}\n`);
