/**
 * 03 — every grouped-query attention variant on one input.
 *
 * Builds one MHA layer, derives each variant from the same weights (K / V mean-pooled per group), runs them
 * all on the same batch and prints the allocation of query heads to KV heads and a summary of the output.
 * Run: `npx tsx examples/03-gqa-variants.ts`.
 */
import { noGrad, type Tensor, tensor } from '@gqa-lab/autograd';
import {
  DynamicPolicy,
  GroupedQueryAttention,
  type HeadPolicy,
  KeyNormPolicy,
  PerturbedPolicy,
  StaticPolicy,
  variantCost,
  WeightedGroupedQueryAttention,
} from '@gqa-lab/gqa';
import { NDArray, normal, Rng } from '@gqa-lab/tensor';

const [B, T, C, H, G] = [2, 5, 32, 8, 4];
const d = C / H;
const rng = new Rng(42);
const mha = new GroupedQueryAttention({ dim: C, numHeads: H, rng });
// Make key heads differ in scale, as trained ViT heads do, so the key-driven variants have something to see.
mha.k.weight.data.data.forEach((w, i, arr) => {
  arr[i] = w * (1 + Math.floor(i / (C * d)));
});

/** K / V rows of the MHA layer averaged over each group of H / G heads -> (G·d, C) (GQA mean pooling). */
function meanPool(w: NDArray, G: number): NDArray {
  const src = w.values();
  const cols = w.shape.length === 2 ? w.shape[1] : 1;
  const n = H / G;
  const out = new Float32Array((G * d * src.length) / (H * d));
  for (let g = 0; g < G; g++)
    for (let h = 0; h < n; h++)
      for (let i = 0; i < d * cols; i++) out[g * d * cols + i] += src[(g * n + h) * d * cols + i] / n;
  return NDArray.of(out, w.shape.length === 2 ? [G * d, cols] : [G * d]);
}

function grouped(policy: HeadPolicy, numKvHeads = G): GroupedQueryAttention {
  const layer = new GroupedQueryAttention({ dim: C, numHeads: H, numKvHeads, policy, rng: new Rng(1) });
  const sd = mha.stateDict();
  const qkv = sd.get('qkv.weight');
  const bias = sd.get('qkv.bias');
  if (!qkv || !bias) throw new Error('example: MHA state dict lacks qkv');
  const rows = (a: NDArray, i: number) => a.slice([{ start: i * C, stop: (i + 1) * C }]).clone();
  const pool = (a: NDArray) => (numKvHeads === H ? a : meanPool(a, numKvHeads));
  layer.q.weight.data = rows(qkv, 0);
  layer.k.weight.data = pool(rows(qkv, 1));
  layer.v.weight.data = pool(rows(qkv, 2));
  layer.q.bias?.data.data.set(rows(bias, 0).values());
  layer.k.bias?.data.data.set(pool(rows(bias, 1)).values());
  layer.v.bias?.data.data.set(pool(rows(bias, 2)).values());
  layer.proj.weight.data = mha.proj.weight.data.clone();
  layer.proj.bias?.data.data.set(mha.proj.bias?.data.values() ?? []);
  return layer;
}

const x = tensor(normal([B, T, C], 0, 1, new Rng(7)).values(), { shape: [B, T, C] });
const summary = (y: Tensor) => {
  const v = y.data.values();
  let s = 0;
  let s2 = 0;
  for (const a of v) {
    s += a;
    s2 += a * a;
  }
  const mean = s / v.length;
  return `mean ${mean.toFixed(4)}  std ${Math.sqrt(s2 / v.length - mean * mean).toFixed(4)}  y[0,0,0..3] ${Array.from(v.slice(0, 3), (a) => a.toFixed(3)).join(' ')}`;
};

const wgqa = new WeightedGroupedQueryAttention({ dim: C, numHeads: H, numKvHeads: G, rng: new Rng(1) });
wgqa.loadStateDict(
  new Map([
    ...mha.stateDict(),
    ['kHeadWeight', wgqa.kHeadWeight.data],
    ['vHeadWeight', wgqa.vHeadWeight.data],
  ]),
);

const variants: [string, GroupedQueryAttention][] = [
  ['MHA', mha],
  ['GQA (mean-pooled)', grouped(new StaticPolicy())],
  ['MQA (mean-pooled)', grouped(new StaticPolicy(), 1)],
  ['KDGQA reference', grouped(new KeyNormPolicy({ fidelity: 'reference' }))],
  ['KDGQA corrected', grouped(new KeyNormPolicy())],
  ['KDGQA per-sample', grouped(new KeyNormPolicy({ perSample: true }))],
  [
    'DGQA-diff reference',
    grouped(new DynamicPolicy({ kind: 'diff', fidelity: 'reference', rng: new Rng(3) })),
  ],
  ['DGQA-ema corrected', grouped(new DynamicPolicy({ kind: 'ema', window: 4 }))],
  ['PGQA reference', grouped(new PerturbedPolicy({ fidelity: 'reference', rng: new Rng(5) }))],
  ['PGQA corrected', grouped(new PerturbedPolicy({ rng: new Rng(5), scale: 0.1 }))],
  ['WGQA (up-training)', wgqa],
  ['WGQA folded', wgqa.fold()],
];

console.log(`x: (B=${B}, T=${T}, C=${C}), H=${H} query heads, G=${G} KV heads (d=${d})\n`);
for (const [name, layer] of variants) {
  const y = noGrad(() => layer.forward(x, { step: 0 }));
  const alloc = layer.lastAllocation;
  const shown =
    alloc instanceof Int32Array
      ? `[${alloc.join(', ')}]`
      : (alloc ?? []).map((a) => `[${a.join(', ')}]`).join(' ');
  console.log(`${name.padEnd(20)} allocation ${shown.padEnd(22)} ${summary(y)}`);
}

console.log('\nper-layer cost (float32):');
for (const v of ['mha', 'gqa', 'mqa', 'kdgqa', 'dgqa', 'pgqa', 'wgqa-training', 'wgqa-folded'] as const) {
  const c = variantCost(v, { dim: C, numHeads: H, numKvHeads: G });
  console.log(
    `  ${v.padEnd(14)} params ${String(c.parameters).padStart(5)}  KV bytes/token ${c.kvBytesPerToken}`,
  );
}
