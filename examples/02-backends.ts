/**
 * The same computation (a batched matmul, softmax and layer norm) on every available backend, printing which
 * gpu.js kernel class ran, the time, and the largest difference from the CPU backend.
 * Usage: npx tsx examples/02-backends.ts [sizes...]   (default 128)
 */
import { type Backend, cpuBackend, createGpuBackend, type GpuMode, normal, Rng } from '@gqa-lab/tensor';

const sizes = process.argv.slice(2).map(Number);

function compute(be: Backend, n: number): Float32Array | Float64Array | Int32Array {
  const rng = new Rng(1);
  const a = normal([2, n, n], 0, 1, rng);
  const b = normal([2, n, n], 0, 1, rng);
  const y = be.softmax(be.matmul(a, b), -1); // (2, n, n)
  return be.layerNorm(y, null, null, 1e-5).out.data;
}

for (const n of sizes.length ? sizes : [128]) {
  const t0 = performance.now();
  const ref = compute(cpuBackend, n);
  console.log(`n=${n} cpu: ${(performance.now() - t0).toFixed(0)} ms`);
  for (const mode of ['webgpu', 'headlessgl'] as GpuMode[]) {
    try {
      const be = await createGpuBackend({ mode });
      compute(be, n); // first call compiles the kernels
      const t = performance.now();
      const out = compute(be, n);
      let err = 0;
      for (let i = 0; i < out.length; i++) err = Math.max(err, Math.abs(out[i] - ref[i]));
      console.log(
        `n=${n} ${be.name}: kernel class ${be.kernelClass} on ${be.device}: ${(performance.now() - t).toFixed(0)} ms, max |diff| vs cpu ${err.toExponential(2)}`,
      );
      be.dispose();
    } catch (e) {
      console.log(
        `n=${n} ${mode}: not available (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
      );
    }
  }
}
