/**
 * Gradient checking: analytic gradients from backward() against central finite differences.
 * - `gradcheck`: element-wise, meant for float64 inputs (like torch.autograd.gradcheck);
 * - `directionalGradcheck`: one random direction per input, cheap enough for large float32 tensors.
 * The scalar that is differentiated is sum(fn(inputs) * w) with fixed random weights w, so every
 * output element is checked, not just their sum.
 */
import { formatShape, NDArray, Rng } from '@gqa-lab/tensor';
import { grad } from './backward';
import * as op from './ops';
import { Tensor } from './tensor';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed for the output weights and directions. */
  seed?: number;
}

export interface GradcheckResult {
  readonly ok: boolean;
  /** Largest |analytic - numeric| seen. */
  readonly maxAbsError: number;
  /** Human-readable description of the first mismatch, or '' when ok. */
  readonly message: string;
}

type Fn = (...inputs: Tensor[]) => Tensor;

function weightsFor(out: Tensor, rng: Rng): Tensor {
  const w = NDArray.empty(out.shape, out.dtype === 'float64' ? 'float64' : 'float32');
  for (let i = 0; i < w.size; i++) w.data[i] = rng.uniform(0.5, 1.5) * (rng.next() < 0.5 ? -1 : 1);
  return new Tensor(w, false);
}

function scalarOf(fn: Fn, inputs: Tensor[], w: Tensor): Tensor {
  return op.sum(op.mul(fn(...inputs), w));
}

function analytic(fn: Fn, inputs: Tensor[], w: Tensor): Tensor[] {
  const leaves = inputs.map((t) => new Tensor(t.data, t.requiresGrad));
  const y = scalarOf(fn, leaves, w);
  if (!y.requiresGrad) return leaves.map((t) => new Tensor(NDArray.empty(t.shape, t.dtype), false));
  return grad(y, leaves);
}

/**
 * Evaluates the weighted scalar with input k's data replaced. Inputs keep their requiresGrad and grad
 * mode stays on, so functions that differentiate internally (gradients of gradients) still work.
 */
function evalAt(fn: Fn, inputs: Tensor[], w: Tensor, k: number, data: NDArray): number {
  const xs = inputs.map((t, i) => new Tensor(i === k ? data : t.data, t.requiresGrad));
  return scalarOf(fn, xs, w).item();
}

/** Tolerances (defaults differ per check), the generator, the output weights and the analytic gradients. */
function prepare(
  fn: Fn,
  inputs: Tensor[],
  opts: GradcheckOptions,
  defaults: Required<Omit<GradcheckOptions, 'seed'>>,
) {
  const rng = new Rng(opts.seed ?? 0);
  const w = weightsFor(fn(...inputs), rng);
  return {
    eps: opts.eps ?? defaults.eps,
    atol: opts.atol ?? defaults.atol,
    rtol: opts.rtol ?? defaults.rtol,
    rng,
    w,
    grads: analytic(fn, inputs, w),
  };
}

/** Element-wise central differences for every input with requiresGrad (use float64 inputs). */
export function gradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const { eps, atol, rtol, w, grads } = prepare(fn, inputs, opts, { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
  let maxAbsError = 0;
  for (let k = 0; k < inputs.length; k++) {
    if (!inputs[k].requiresGrad) continue;
    const base = inputs[k].data.clone();
    const g = grads[k].data.values();
    for (let i = 0; i < base.size; i++) {
      const orig = base.data[i];
      base.data[i] = orig + eps;
      const plus = evalAt(fn, inputs, w, k, base);
      base.data[i] = orig - eps;
      const minus = evalAt(fn, inputs, w, k, base);
      base.data[i] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const err = Math.abs(g[i] - numeric);
      maxAbsError = Math.max(maxAbsError, err);
      if (!(err <= atol + rtol * Math.abs(numeric))) {
        return {
          ok: false,
          maxAbsError: err,
          message: `gradcheck: input ${k} ${formatShape(base.shape)} element ${i}: analytic ${g[i]} vs numeric ${numeric}`,
        };
      }
    }
  }
  return { ok: true, maxAbsError, message: '' };
}

/**
 * One random unit direction v per input: (f(x + eps v) - f(x - eps v)) / 2 eps against <grad, v>.
 * Cheap (two evaluations per input), so it scales to large float32 tensors.
 */
export function directionalGradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const { eps, atol, rtol, rng, w, grads } = prepare(fn, inputs, opts, { eps: 1e-3, atol: 1e-3, rtol: 1e-2 });
  let maxAbsError = 0;
  for (let k = 0; k < inputs.length; k++) {
    if (!inputs[k].requiresGrad) continue;
    const x = inputs[k].data.values();
    const v = new Float64Array(x.length);
    let norm = 0;
    for (let i = 0; i < v.length; i++) {
      v[i] = rng.normal();
      norm += v[i] * v[i];
    }
    norm = Math.sqrt(norm) || 1;
    const g = grads[k].data.values();
    let expected = 0;
    for (let i = 0; i < v.length; i++) {
      v[i] /= norm;
      expected += g[i] * v[i];
    }
    const shifted = (s: number) => {
      const d = inputs[k].data.clone();
      for (let i = 0; i < v.length; i++) d.data[i] = x[i] + s * v[i];
      return evalAt(fn, inputs, w, k, d);
    };
    const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
    const err = Math.abs(expected - numeric);
    maxAbsError = Math.max(maxAbsError, err);
    if (!(err <= atol + rtol * Math.abs(numeric))) {
      return {
        ok: false,
        maxAbsError: err,
        message: `directionalGradcheck: input ${k} ${formatShape(inputs[k].shape)}: analytic ${expected} vs numeric ${numeric}`,
      };
    }
  }
  return { ok: true, maxAbsError, message: '' };
}
