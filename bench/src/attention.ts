/**
 * Workload B on our side: one attention block built from autograd ops, written as a user would (torch's
 * F.scaled_dot_product_attention): x (B, T, C) -> q, k, v Linear -> heads (B, H, T, D) ->
 * scaledDotProductAttention (softmax(q k^T / sqrt(D)) v, one fused kernel each way) -> output Linear.
 */
import {
  fromNDArray,
  linear,
  noGrad,
  permute,
  reshape,
  scaledDotProductAttention,
  sum,
  type Tensor,
} from '@gqa-lab/autograd';
import { fromArray, Rng, uniform } from '@gqa-lab/tensor';

export interface AttentionShape {
  readonly batch: number;
  readonly tokens: number;
  readonly channels: number;
  readonly heads: number;
}

export const ATTENTION_SHAPE: AttentionShape = { batch: 32, tokens: 50, channels: 64, heads: 8 };

/** Parameters and input of the block, drawn from one seed so both sides see the same values. */
export interface AttentionInputs {
  readonly x: Float32Array; // (B, T, C)
  /** wq, bq, wk, bk, wv, bv, wo, bo: weights (C, C) stored (out, in), biases (C,). */
  readonly params: readonly Float32Array[];
}

/** Draws the block's input and its eight parameters. */
export function attentionInputs(s: AttentionShape, seed = 7): AttentionInputs {
  const rng = new Rng(seed);
  const bound = 1 / Math.sqrt(s.channels);
  const x = uniform([s.batch, s.tokens, s.channels], -1, 1, rng).values();
  const params: Float32Array[] = [];
  for (let i = 0; i < 4; i++) {
    params.push(Float32Array.from(uniform([s.channels, s.channels], -bound, bound, rng).values()));
    params.push(Float32Array.from(uniform([s.channels], -bound, bound, rng).values()));
  }
  return { x: Float32Array.from(x), params };
}

/** The block's forward: x (B, T, C) -> (B, T, C). */
export function attentionBlock(s: AttentionShape, x: Tensor, p: readonly Tensor[]): Tensor {
  const { batch: B, tokens: T, channels: C, heads: H } = s;
  const D = C / H;
  const heads = (t: Tensor) => permute(reshape(t, [B, T, H, D]), [0, 2, 1, 3]); // (B, H, T, D)
  const q = heads(linear(x, p[0], p[1]));
  const k = heads(linear(x, p[2], p[3]));
  const v = heads(linear(x, p[4], p[5]));
  const att = scaledDotProductAttention(q, k, v, { scale: 1 / Math.sqrt(D) }); // (B, H, T, D)
  const y = reshape(permute(att, [0, 2, 1, 3]), [B, T, C]); // (B, T, C)
  return linear(y, p[6], p[7]);
}

/** Returns the two timed steps: forward only (no graph), and forward + backward of sum(out). */
export function ourAttention(
  s: AttentionShape,
  inputs: AttentionInputs,
): { fwd: () => void; fwdBwd: () => void } {
  const shapes = [[s.channels, s.channels], [s.channels]];
  const x = fromNDArray(fromArray(inputs.x, [s.batch, s.tokens, s.channels], 'float32'), {
    requiresGrad: true,
  });
  const p = inputs.params.map((v, i) =>
    fromNDArray(fromArray(v, shapes[i % 2], 'float32'), { requiresGrad: true }),
  );
  return {
    fwd: () => void noGrad(() => attentionBlock(s, x, p)),
    fwdBwd: () => {
      x.grad = null;
      for (const t of p) t.grad = null;
      sum(attentionBlock(s, x, p)).backward();
    },
  };
}
