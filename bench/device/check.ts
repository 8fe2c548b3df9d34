/**
 * Device check: every gpu.js kernel (webgpu mode, threshold 0) against the CPU backend on seeded random inputs
 * at sizes a real GPU is worth using for, printing max abs error and max |ref| per case and PASS / FAIL;
 * exits 1 on any failure. The vitest contract suite covers semantics at small shapes; this covers size.
 * Usage (repo root): GQA_DAWN_BACKEND=vulkan node --import tsx bench/device/check.ts
 */
import {
  type Backend,
  cpuBackend,
  createGpuBackend,
  type NDArray,
  normal,
  Rng,
  uniform,
} from '@gqa-lab/tensor';

interface Case {
  readonly name: string;
  /** Outputs to compare, computed on the given backend. */
  readonly run: (be: Backend) => NDArray[];
  /** Allowed max |gpu - cpu| = atol + rtol * max |cpu|. */
  readonly rtol: number;
}

const ATOL = 1e-5;
const rng = new Rng(20_240_601);
const n = (shape: number[]) => normal(shape, 0, 1, rng);
const [a1024, b1024] = [n([1024, 1024]), n([1024, 1024])]; // (1024, 1024) each
const [ab, bb] = [n([8, 256, 128]), n([8, 128, 192])]; // (8, 256, 128) @ (8, 128, 192)
const [ac, bc] = [n([4, 1, 64, 96]), n([3, 96, 80])]; // broadcast -> (4, 3, 64, 80)
const logits = n([256, 1000]); // (rows, classes)
const dy = n([256, 1000]);
const [x, w, bias, dyLn] = [n([512, 768]), n([768]), n([768]), n([512, 768])]; // (rows, features)
const pos = uniform([512, 768], 0.1, 3, rng);
const row = n([1, 768]).expand([512, 768]); // stride-0 view: the same row for every row

const CASES: Case[] = [
  { name: 'matmul 1024x1024x1024', run: (be) => [be.matmul(a1024, b1024)], rtol: 1e-5 },
  { name: 'matmul batched (8,256,128)@(8,128,192)', run: (be) => [be.matmul(ab, bb)], rtol: 1e-5 },
  { name: 'matmul broadcast (4,1,64,96)@(3,96,80)', run: (be) => [be.matmul(ac, bc)], rtol: 1e-5 },
  {
    name: 'matmul transposed view (1024,1024)^T',
    run: (be) => [be.matmul(a1024.transpose(), b1024)],
    rtol: 1e-5,
  },
  {
    name: 'softmax + backward (256,1000)',
    run: (be) => {
      const y = be.softmax(logits, -1);
      return [y, be.softmaxBackward(y, dy, -1)];
    },
    rtol: 1e-5,
  },
  { name: 'logsumexp (256,1000)', run: (be) => [be.logsumexp(logits, -1, false)], rtol: 1e-5 },
  {
    name: 'layerNorm + backward (512,768)',
    run: (be) => {
      const { out, mean, rstd } = be.layerNorm(x, w, bias, 1e-5);
      const g = be.layerNormBackward(dyLn, x, w, mean, rstd, true);
      return [out, mean, rstd, g.dx, ...(g.dweight ? [g.dweight] : []), ...(g.dbias ? [g.dbias] : [])];
    },
    rtol: 1e-4,
  },
  {
    name: 'gelu none / tanh (512,768), no gpu.js kernel: runs the CPU path',
    run: (be) => [be.gelu(x, 'none'), be.gelu(x, 'tanh')],
    rtol: 1e-5,
  },
  {
    name: 'unary exp tanh erf sigmoid sqrt log (512,768)',
    run: (be) => [
      be.unary.exp(x),
      be.unary.tanh(x),
      be.unary.erf(x),
      be.unary.sigmoid(x),
      be.unary.sqrt(pos),
      be.unary.log(pos),
    ],
    rtol: 1e-5,
  },
  {
    name: 'binary add/mul/pow (broadcast row view), div (512,768)',
    run: (be) => [
      be.binary.add(x, row),
      be.binary.mul(x, row),
      be.binary.div(x, pos),
      be.binary.pow(pos, row),
    ],
    rtol: 1e-5,
  },
  {
    name: 'reduce sum (over 768) / max, mean (over 512) (512,768)',
    run: (be) => [be.reduce.sum(x, [1], false), be.reduce.max(x, [0], false), be.reduce.mean(x, [0], false)],
    rtol: 1e-5,
  },
];

/** Max |got - want| (NaN where one side is NaN and the other not) and max |want|. */
function compare(got: NDArray, want: NDArray): { err: number; scale: number } {
  const [g, r] = [got.data, want.data];
  if (g.length !== r.length) throw new Error(`check: sizes differ, gpu ${g.length} vs cpu ${r.length}`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < r.length; i++) {
    const d = Math.abs(g[i] - r[i]);
    if (Number.isNaN(d) && !(Number.isNaN(g[i]) && Number.isNaN(r[i]))) return { err: Number.NaN, scale };
    if (d > err) err = d;
    if (Math.abs(r[i]) > scale) scale = Math.abs(r[i]);
  }
  return { err, scale };
}

const gpu = await createGpuBackend({ mode: 'webgpu', threshold: 0, warn: (m) => console.log(`warn: ${m}`) });
console.log(`device: ${gpu.device}; kernel class ${gpu.kernelClass}`);
let failed = 0;
for (const c of CASES) {
  const want = c.run(cpuBackend);
  const t0 = performance.now();
  const got = c.run(gpu);
  const ms = performance.now() - t0;
  const parts = got.map((g, i) => compare(g, want[i]));
  const ok = parts.every((p) => p.err <= ATOL + c.rtol * p.scale);
  if (!ok) failed++;
  const errs = parts.map((p) => `${p.err.toExponential(2)}/${p.scale.toFixed(2)}`).join(' ');
  console.log(
    `${ok ? 'PASS' : 'FAIL'} ${c.name}: max|err|/max|ref| ${errs} (rtol ${c.rtol}, ${ms.toFixed(0)} ms incl. compile)`,
  );
}
const counts = [...gpu.counts].map(([op, k]) => `${op} ${k.gpu}g/${k.cpu}c`).join(', ');
console.log(`op runs (g = GPU, c = CPU): ${counts}`);
gpu.dispose();
console.log(failed === 0 ? 'CHECK PASS: all cases' : `CHECK FAIL: ${failed} of ${CASES.length} cases`);
process.exit(failed === 0 ? 0 : 1);
