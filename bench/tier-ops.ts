/**
 * The element-wise, layer-norm, reduction and AdamW kernels at the C step's shapes, scalar tier vs
 * WebAssembly tier, interleaved in one process: `node --import tsx bench/tier-ops.ts [rounds]`.
 * Prints the best of `rounds` rounds (each the mean of 20 calls) per op and tier; best-of is what survives
 * a shared machine's noise. Outputs are fresh arrays, as in a training step.
 */
import { fromNDArray } from '@gqa-lab/autograd';
import { AdamW, Parameter } from '@gqa-lab/nn';
import { type Backend, createCpuBackend, Rng, uniform } from '@gqa-lab/tensor';

const rounds = Number(process.argv[2] ?? 15);
const rng = new Rng(1);
const tiers: Record<'js' | 'wasm', Backend> = {
  js: createCpuBackend({ kernels: 'js', threading: { threads: 1, minMacs: Number.POSITIVE_INFINITY } }),
  wasm: createCpuBackend({ kernels: 'wasm', threading: { threads: 1, minMacs: Number.POSITIVE_INFINITY } }),
};
const x = uniform([64, 50, 64], -1, 1, rng); // (B, T, C) activations
const y = uniform([64, 50, 64], -1, 1, rng);
const pos = uniform([1, 50, 64], -1, 1, rng).expand([64, 50, 64]); // a positional table over the batch
const dyMlp = uniform([3200, 256], -1, 1, rng); // an fc1 output gradient
const w = uniform([64], 0.5, 1.5, rng);
const b = uniform([64], -0.1, 0.1, rng);
const ln = tiers.js.layerNorm(x, w, b, 1e-5);

/** An AdamW step over ~150k float32 parameters (the tiny ViT has about that many), on one tier. */
function adamStep(tier: 'js' | 'wasm'): () => void {
  const before = process.env.GQA_KERNELS;
  process.env.GQA_KERNELS = tier;
  const params = [64 * 256, 256 * 64, 64 * 192, 64 * 64].flatMap((n) =>
    Array.from({ length: 4 }, () => new Parameter(uniform([n], -1, 1, rng))),
  );
  const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0.05 });
  if (before === undefined) delete process.env.GQA_KERNELS;
  else process.env.GQA_KERNELS = before;
  const grads = params.map((p) => fromNDArray(uniform([...p.shape], -1, 1, rng)));
  return () => {
    params.forEach((p, i) => {
      p.grad = grads[i];
    });
    opt.step();
  };
}

const adam = { js: adamStep('js'), wasm: adamStep('wasm') };
const ops: Record<string, (be: Backend, tier: 'js' | 'wasm') => unknown> = {
  'add (64, 50, 64) + same': (be) => be.binary.add(x, y),
  'add (64, 50, 64) + pos (50, 64)': (be) => be.binary.add(x, pos),
  'layerNorm (64, 50, 64)': (be) => be.layerNorm(x, w, b, 1e-5),
  'layerNormBackward (64, 50, 64)': (be) => be.layerNormBackward(y, x, w, ln.mean, ln.rstd, true),
  'sum (3200, 256) over axis 0': (be) => be.reduce.sum(dyMlp, [0], false),
  'AdamW step, 147k params': (_, tier) => adam[tier](),
};

const best: Record<string, Record<string, number>> = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, op] of Object.entries(ops)) {
    for (const tier of ['js', 'wasm'] as const) {
      const t = performance.now();
      for (let i = 0; i < 20; i++) op(tiers[tier], tier);
      const ms = (performance.now() - t) / 20;
      best[name] ??= {};
      best[name][tier] = Math.min(best[name][tier] ?? Number.POSITIVE_INFINITY, ms);
    }
  }
}
console.log('| op | js ms | wasm ms | js / wasm |\n|---|---|---|---|');
for (const [name, t] of Object.entries(best))
  console.log(`| ${name} | ${t.js.toFixed(3)} | ${t.wasm.toFixed(3)} | ${(t.js / t.wasm).toFixed(1)}x |`);
