/**
 * Every variant against golden values from an independent PyTorch implementation
 * (fixtures/make_golden.py: the published forward code, and the corrected variants per the spec).
 * Forward outputs, allocations, DGQA caches, and gradients for the input and every weight, in float64.
 */
import { readFileSync } from 'node:fs';
import { grad, mul, sum, type Tensor, tensor } from '@gqa-lab/autograd';
import type { StateDict } from '@gqa-lab/nn';
import { NDArray } from '@gqa-lab/tensor';
import { describe, expect, it } from 'vitest';
import { GroupedQueryAttention } from '../src/grouped-attention';
import { DynamicPolicy } from '../src/policies/dynamic';
import { KeyNormPolicy } from '../src/policies/key-norm';
import { WeightedGroupedQueryAttention } from '../src/policies/learned';
import { PerturbedPolicy } from '../src/policies/perturbed';
import type { Fidelity, HeadPolicy } from '../src/policies/policy';
import { StaticPolicy } from '../src/policies/static';

interface GoldenStep {
  x: number;
  training: boolean;
  step?: number | null;
  allocation: number[];
  out: number[];
  cache?: number[];
  noise?: number[][];
  [grad: `grad_${string}`]: number[];
}
interface GoldenCase {
  name: string;
  policy: 'static' | 'kdgqa' | 'dgqa' | 'pgqa' | 'wgqa';
  fidelity: Fidelity;
  G: number;
  kind?: 'diff' | 'ema';
  window?: number;
  scale?: number | null;
  weights: Record<string, number[]>;
  steps: GoldenStep[];
}
interface Golden {
  config: { B: number; T: number; C: number; H: number };
  xs: number[][];
  w_out: number[];
  cases: GoldenCase[];
}

const golden: Golden = JSON.parse(readFileSync(new URL('./fixtures/golden.json', import.meta.url), 'utf8'));
const { B, T, C, H } = golden.config;
const TOL = 1e-9;

function expectClose(name: string, got: ArrayLike<number>, want: readonly number[]): void {
  expect(got.length, name).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst, `${name}: max |ours - torch|`).toBeLessThan(TOL);
}

function f64(values: readonly number[], shape: readonly number[]): NDArray {
  return NDArray.of(Float64Array.from(values), shape);
}

function build(c: GoldenCase, noise: { current: number[][] }): GroupedQueryAttention {
  const base = { dim: C, numHeads: H, numKvHeads: c.G, dtype: 'float64' as const };
  if (c.policy === 'wgqa') return new WeightedGroupedQueryAttention({ ...base, fidelity: c.fidelity });
  const policies: Record<Exclude<GoldenCase['policy'], 'wgqa'>, () => HeadPolicy> = {
    static: () => new StaticPolicy(c.fidelity),
    kdgqa: () => new KeyNormPolicy({ fidelity: c.fidelity }),
    dgqa: () => new DynamicPolicy({ kind: c.kind ?? 'diff', window: c.window, fidelity: c.fidelity }),
    pgqa: () =>
      new PerturbedPolicy({
        fidelity: c.fidelity,
        scale: c.scale ?? undefined,
        noise: (g) => Float64Array.from(noise.current[g]),
      }),
  };
  return new GroupedQueryAttention({ ...base, policy: policies[c.policy]() });
}

function load(layer: GroupedQueryAttention, c: GoldenCase): void {
  const kvRows = c.policy === 'wgqa' ? C : c.G * (C / H);
  const rows = C + 2 * kvRows;
  const sd: StateDict = new Map([
    ['qkv.weight', f64(c.weights.qkv_weight, [rows, C])],
    ['qkv.bias', f64(c.weights.qkv_bias, [rows])],
    ['proj.weight', f64(c.weights.proj_weight, [C, C])],
    ['proj.bias', f64(c.weights.proj_bias, [C])],
  ]);
  if (c.policy === 'wgqa') {
    sd.set('kHeadWeight', f64(c.weights.k_head_weight, [H]));
    sd.set('vHeadWeight', f64(c.weights.v_head_weight, [H]));
  }
  for (const [key, value] of layer.stateDict()) if (!sd.has(key)) sd.set(key, value); // DGQA's initial state
  layer.loadStateDict(sd);
}

describe('golden values from an independent PyTorch implementation', () => {
  for (const c of golden.cases) {
    it(`${c.name}: allocations, outputs and gradients match`, () => {
      const noise = { current: [] as number[][] };
      const layer = build(c, noise);
      load(layer, c);
      const wOut = tensor(Float64Array.from(golden.w_out), { shape: [B, T, C], dtype: 'float64' });
      for (const [i, s] of c.steps.entries()) {
        noise.current = s.noise ?? [];
        layer.train(s.training);
        const x = tensor(Float64Array.from(golden.xs[s.x]), {
          shape: [B, T, C],
          dtype: 'float64',
          requiresGrad: true,
        });
        const y = layer.forward(x, { step: s.step ?? undefined });
        const at = `${c.name} step ${i}`;
        const allocation = layer.lastAllocation;
        expect(allocation, `${at} allocation`).toBeInstanceOf(Int32Array);
        expect(allocation instanceof Int32Array ? Array.from(allocation) : [], `${at} allocation`).toEqual(
          s.allocation,
        );
        expectClose(`${at} out`, y.data.values(), s.out);
        const params: Tensor[] = [x, layer.q.weight, layer.k.weight, layer.v.weight, layer.proj.weight];
        const biases = [layer.q.bias, layer.k.bias, layer.v.bias, layer.proj.bias].filter((b) => b !== null);
        const heads =
          layer instanceof WeightedGroupedQueryAttention ? [layer.kHeadWeight, layer.vHeadWeight] : [];
        const g = grad(sum(mul(y, wOut)), [...params, ...biases, ...heads]);
        const cat = (ts: Tensor[]) => ts.flatMap((t) => Array.from(t.data.values()));
        expectClose(`${at} grad x`, g[0].data.values(), s.grad_x);
        expectClose(`${at} grad qkv.weight`, cat(g.slice(1, 4)), s.grad_qkv_weight);
        expectClose(`${at} grad proj.weight`, g[4].data.values(), s.grad_proj_weight);
        expectClose(`${at} grad qkv.bias`, cat(g.slice(5, 8)), s.grad_qkv_bias);
        expectClose(`${at} grad proj.bias`, g[8].data.values(), s.grad_proj_bias);
        if (heads.length) {
          expectClose(`${at} grad kHeadWeight`, g[9].data.values(), s.grad_k_head_weight);
          expectClose(`${at} grad vHeadWeight`, g[10].data.values(), s.grad_v_head_weight);
        }
        if (s.cache && layer.policy instanceof DynamicPolicy) {
          expectClose(`${at} cache`, layer.policy.cache?.data.values() ?? [], s.cache);
        }
      }
    });
  }
});
