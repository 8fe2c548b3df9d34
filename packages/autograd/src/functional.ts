/**
 * Composite ops built from primitives (L5): no hand-written backward here, autograd derives it.
 * Fused primitives (softmax, layer norm) are used where they exist.
 */
import { defaultRng, formatShape, full, NDArray, type Rng } from '@gqa-lab/tensor';
import * as op from './ops';
import type { IndexLike } from './ops/indexing';
import { geluP } from './primitives/gelu';
import { layerNormP } from './primitives/layer-norm';
import { linearP } from './primitives/linear';
import { Tensor } from './tensor';

/** GELU: exact `0.5 x (1 + erf(x / sqrt 2))`, or the tanh approximation (approximate = 'tanh'); one fused primitive. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (x.dtype === 'int32') throw new TypeError(`gelu: int32 input ${formatShape(x.shape)} is not supported`);
  return geluP([x], { approximate });
}

/** Layer norm over the last dim with optional affine weight and bias of shape (C,). */
export function layerNorm(
  x: Tensor,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const c = x.shape[x.rank - 1];
  for (const [name, p] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (p && (p.rank !== 1 || p.shape[0] !== c)) {
      throw new RangeError(
        `layerNorm: ${name} ${formatShape(p.shape)} does not match the last dim of x ${formatShape(x.shape)}`,
      );
    }
  }
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return layerNormP(inputs, { eps, hasWeight: weight !== null, hasBias: bias !== null });
}

export interface DropoutOptions {
  training?: boolean;
  rng?: Rng;
}

/** Zeroes each element with probability p and scales the rest by 1 / (1 - p) (inverted dropout). */
export function dropout(x: Tensor, p: number, opts: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  if (!(opts.training ?? true) || p === 0) return x;
  const rng = opts.rng ?? defaultRng();
  const mask = full(x.shape, 0, x.dtype === 'float64' ? 'float64' : 'float32');
  const keep = 1 / (1 - p);
  for (let i = 0; i < mask.size; i++) mask.data[i] = rng.next() >= p ? keep : 0;
  return op.mul(x, new Tensor(mask, false));
}

export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyOptions {
  labelSmoothing?: number;
  reduction?: Reduction;
  /** Targets equal to this index add no loss and do not count in the mean (torch's ignore_index). */
  ignoreIndex?: number;
}

/**
 * Cross entropy of logits (N, C) against integer targets (N): -log softmax(logits)[target], with
 * label smoothing eps mixing in the uniform distribution: (1 - eps) * nll + eps * mean_c(-log p_c).
 */
export function crossEntropy(logits: Tensor, targets: IndexLike, opts: CrossEntropyOptions = {}): Tensor {
  if (logits.rank !== 2)
    throw new RangeError(`crossEntropy: logits must be (N, C), got ${formatShape(logits.shape)}`);
  const [n, c] = logits.shape;
  const idx = op.toIndex('crossEntropy', targets);
  if (idx.rank !== 1 || idx.shape[0] !== n) {
    throw new RangeError(`crossEntropy: targets ${formatShape(idx.shape)} must be (N,) with N = ${n}`);
  }
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1))
    throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  const t = idx.values();
  const valid = new Float64Array(n);
  const safe = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (t[i] === opts.ignoreIndex) continue;
    if (t[i] < 0 || t[i] >= c) {
      throw new RangeError(`crossEntropy: target ${t[i]} at row ${i} is out of range for ${c} classes`);
    }
    valid[i] = 1;
    safe[i] = t[i];
  }
  const logp = op.logSoftmax(logits, 1); // (N, C)
  const picked = op.reshape(op.gather(logp, 1, NDArray.of(safe, [n, 1])), [n]); // (N,)
  let loss = op.neg(picked);
  if (eps > 0) loss = op.add(op.mul(loss, 1 - eps), op.mul(op.neg(op.mean(logp, 1)), eps));
  const mask = new Tensor(full([n], 0, logits.dtype === 'float64' ? 'float64' : 'float32'), false);
  mask.data.data.set(valid);
  loss = op.mul(loss, mask);
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return op.sum(loss);
  const count = valid.reduce((a, b) => a + b, 0);
  return op.div(op.sum(loss), Math.max(count, 1));
}

/** Mean squared error (or sum / none). */
export function mse(a: Tensor, b: Tensor, reduction: Reduction = 'mean'): Tensor {
  const d = op.square(op.sub(a, b));
  if (reduction === 'none') return d;
  return reduction === 'sum' ? op.sum(d) : op.mean(d);
}

/** y = x W^T + b with W (out, in) like torch.nn.functional.linear; one fused primitive for float x, W, b of one dtype. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const sameDType =
    x.dtype === weight.dtype && (bias === null || bias.dtype === x.dtype) && x.dtype !== 'int32';
  if (!sameDType || weight.rank !== 2 || x.rank === 0) {
    // Mixed dtypes or batched weights: the composite form (it promotes dtypes and broadcasts).
    const y = op.matmul(x, op.transpose(weight, -1, -2));
    return bias ? op.add(y, bias) : y;
  }
  const [out, inF] = weight.shape;
  if (x.shape[x.rank - 1] !== inF) {
    throw new RangeError(
      `linear: x ${formatShape(x.shape)} does not match weight ${formatShape(weight.shape)}: in features ${x.shape[x.rank - 1]} vs ${inF}`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== out)) {
    throw new RangeError(
      `linear: bias ${formatShape(bias.shape)} must be [${out}] for weight ${formatShape(weight.shape)}`,
    );
  }
  return linearP(bias ? [x, weight, bias] : [x, weight], { hasBias: bias !== null });
}

/** One-hot float rows (N, C) from integer labels. */
export function oneHot(labels: IndexLike, classes: number): Tensor {
  const idx = op.toIndex('oneHot', labels).values();
  const out = full([idx.length, classes], 0);
  idx.forEach((k, i) => {
    if (k < 0 || k >= classes)
      throw new RangeError(`oneHot: label ${k} at ${i} is out of range for ${classes} classes`);
    out.data[i * classes + k] = 1;
  });
  return new Tensor(out, false);
}
