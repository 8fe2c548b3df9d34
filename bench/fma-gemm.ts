/**
 * The opt-in relaxed-SIMD FMA GEMM against the default one (multiply then add), float32 matmul / Linear on
 * one thread, interleaved in one process:
 * `node --experimental-wasm-relaxed-simd --import tsx bench/fma-gemm.ts [rounds]`.
 * Prints the best of `rounds` CPU times (process.cpuUsage, each one call) per shape and kernel: the two
 * wasm kernels called directly on operands already in the arena (imported from the package's sources: they
 * are not part of its API), then matmul and Linear through the backend (copies and packing included).
 */
import { type Backend, createCpuBackend, Rng, uniform } from '@gqa-lab/tensor';
import { fmaGemmOf } from '../packages/tensor/src/wasm/fma-gemm';
import { GEMM_NR } from '../packages/tensor/src/wasm/gemm-kernel';
import { arenaWithRoom } from '../packages/tensor/src/wasm/kernel-module';

const rounds = Number(process.argv[2] ?? 40);
const rng = new Rng(1);
const oneThread = { threads: 1, minMacs: Number.POSITIVE_INFINITY };
const kernels: Record<'mul+add' | 'relaxed_madd', Backend> = {
  'mul+add': createCpuBackend({ kernels: 'wasm', threading: oneThread }),
  relaxed_madd: createCpuBackend({ kernels: 'wasm', fma: true, threading: oneThread }),
};

/** (name, multiply-adds, the call on a backend) */
const shapes: [string, number, (be: Backend) => unknown][] = [];
{
  // The kernels alone: A (128, 256) row-major, B packed as 64 panels of 8 columns (256 x 512), C assigned;
  // 8 calls per sample. Each backend stands for its kernel here.
  const [rows, kc, panels, calls] = [128, 256, 64, 8];
  const arena = arenaWithRoom(16 << 20);
  const bAt = rows * kc;
  const cAt = bAt + kc * panels * GEMM_NR;
  for (let i = 0; i < cAt; i++) arena.f32[i] = rng.uniform() - 0.5;
  const gemm = { plain: arena.kernels.gemm_f32, fused: fmaGemmOf(arena) };
  const run = (g: typeof gemm.plain) => {
    for (let c = 0; c < calls; c++)
      g(
        0,
        kc * 4,
        4,
        bAt * 4,
        GEMM_NR * 4,
        kc * GEMM_NR * 4,
        cAt * 4,
        panels * GEMM_NR * 4,
        rows,
        panels,
        kc,
        0,
      );
  };
  shapes.push([
    'gemm kernel alone 128 x 256 x 512',
    rows * kc * panels * GEMM_NR * calls,
    (be) => run(be === kernels.relaxed_madd ? gemm.fused : gemm.plain),
  ]);
}
{
  const a = uniform([512, 512], -1, 1, rng);
  const b = uniform([512, 512], -1, 1, rng);
  shapes.push(['matmul 512 x 512 x 512', 512 ** 3, (be) => be.matmul(a, b)]);
}
{
  // The C step's MLP Linear: x (64 * 50, 64) W^T, W (256, 64), with bias.
  const x = uniform([3200, 64], -1, 1, rng);
  const w = uniform([256, 64], -1, 1, rng);
  const bias = uniform([256], -1, 1, rng);
  shapes.push(['Linear (3200, 64) -> 256', 3200 * 64 * 256, (be) => be.linear(x, w, bias)]);
}

const cpuMs = (f: () => unknown): number => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};

for (const [name, macs, call] of shapes) {
  const best = { 'mul+add': Number.POSITIVE_INFINITY, relaxed_madd: Number.POSITIVE_INFINITY };
  for (let r = 0; r < rounds + 3; r++) {
    for (const k of ['mul+add', 'relaxed_madd'] as const) {
      const ms = cpuMs(() => call(kernels[k]));
      if (r >= 3) best[k] = Math.min(best[k], ms); // 3 warm-up rounds
    }
  }
  const gflops = (ms: number) => ((2 * macs) / ms / 1e6).toFixed(1);
  console.log(
    `${name}: mul+add ${gflops(best['mul+add'])} GFLOP/s, relaxed_madd ${gflops(best.relaxed_madd)} GFLOP/s ` +
      `(best of ${rounds}: ${best['mul+add'].toFixed(2)} / ${best.relaxed_madd.toFixed(2)} ms CPU)`,
  );
}
