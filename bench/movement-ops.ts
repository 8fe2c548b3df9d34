/**
 * The C step's movement copies at its shapes: `contiguous()` of the permuted head layouts (what `reshape`
 * does when a view cannot be reshaped in place) and the zero pad of a slice's backward.
 * `node --import tsx bench/movement-ops.ts [rounds]`: best of `rounds` rounds (each the mean of 20 calls)
 * of CPU time per copy; outputs go back to the storage pool as autograd's backward gives back its temporaries
 * (a fresh 2.4 MiB array's page faults swing by 2x here); best-of is what survives a shared machine's noise.
 */
import { createCpuBackend, NDArray, recycleStorage } from '@gqa-lab/tensor';

const rounds = Number(process.argv[2] ?? 15);
const [B, N, H, D] = [64, 50, 8, 8];
const ramp = (shape: number[]) =>
  NDArray.of(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 0.5),
    shape,
  );
const be = createCpuBackend({ kernels: 'js', threading: { threads: 1, minMacs: Number.POSITIVE_INFINITY } });
const qkvGrad = ramp([3, B, H, N, D]).permute([1, 3, 0, 2, 4]); // back to (B, N, 3, H, D) for the qkv Linear
const heads = ramp([B, H, N, D]).permute([0, 2, 1, 3]); // (B, N, H, D), merging heads
const patches = ramp([B, 7, 4, 7, 4]).permute([0, 1, 3, 2, 4]); // (B, 7, 7, 4, 4), image to patches
const dq = ramp([1, B, H, N, D]); // one of q, k, v's gradients
const noPad: [number, number] = [0, 0];

const cases: [string, () => NDArray][] = [
  ['contiguous: (3, B, H, N, D) as (B, N, 3, H, D)', () => qkvGrad.contiguous()],
  ['contiguous: (B, H, N, D) as (B, N, H, D)', () => heads.contiguous()],
  ['contiguous: (B, 7, 4, 7, 4) as (B, 7, 7, 4, 4)', () => patches.contiguous()],
  [
    'pad (1, B, H, N, D) to (3, B, H, N, D) with 0',
    () => be.pad(dq, [[1, 1], noPad, noPad, noPad, noPad], 0),
  ],
];
const best = cases.map(() => Number.POSITIVE_INFINITY);
for (let r = 0; r < rounds; r++) {
  cases.forEach(([, run], k) => {
    const t = process.cpuUsage();
    for (let i = 0; i < 20; i++) recycleStorage(run().data);
    const u = process.cpuUsage(t);
    best[k] = Math.min(best[k], (u.user + u.system) / 1000 / 20);
  });
}
cases.forEach(([name, run], k) => {
  const n = run().size;
  console.log(
    `${name.padEnd(48)} ${best[k].toFixed(3)} ms  (${((best[k] * 1e6) / n).toFixed(2)} ns per element)`,
  );
});
