/**
 * Starts the gpu.js webgpu backend on the Dawn backend named by GQA_DAWN_BACKEND, runs one 64x64 matmul there
 * and compares it with the CPU backend; prints the adapter and exits 1 if it did not start or differed.
 * The device kit runs it per candidate (vulkan, then opengl, then opengles) and keeps the first that passes.
 * Usage (repo root): GQA_DAWN_BACKEND=vulkan node --import tsx bench/device/probe.ts
 */
import { cpuBackend, createGpuBackend, normal, Rng } from '@gqa-lab/tensor';

const wanted = process.env.GQA_DAWN_BACKEND ?? '(unset = opengl)';
try {
  const be = await createGpuBackend({ mode: 'webgpu', threshold: 0 });
  const rng = new Rng(7);
  const [a, b] = [normal([64, 64], 0, 1, rng), normal([64, 64], 0, 1, rng)]; // (64, 64) each
  const [got, want] = [be.matmul(a, b).data, cpuBackend.matmul(a, b).data];
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
  const ran = be.counts.get('matmul')?.gpu ?? 0;
  be.dispose();
  const ok = err < 1e-3 && ran === 1;
  console.log(
    `probe GQA_DAWN_BACKEND=${wanted}: ${ok ? 'OK' : 'BAD'} adapter "${be.device}", kernel class ${be.kernelClass}, ` +
      `matmul 64 on GPU ${ran}x, max |gpu - cpu| ${err.toExponential(2)}`,
  );
  process.exit(ok ? 0 : 1);
} catch (e) {
  console.log(
    `probe GQA_DAWN_BACKEND=${wanted}: did not start: ${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
}
