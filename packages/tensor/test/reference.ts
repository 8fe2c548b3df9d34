/**
 * Plain float64 reference implementations for the backend contract: every input is read element by
 * element through `NDArray.get`, every loop is the textbook definition. Slow and obviously correct.
 */
import { type NDArray, type Padding, sizeOf } from '../src/index';

/** Every multi-index of `shape` in row-major order. */
export function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const n = sizeOf(shape);
  for (let flat = 0; flat < n; flat++) {
    const idx = new Array<number>(shape.length);
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
    }
    out.push(idx);
  }
  return out;
}

/** Row-major flat position of a multi-index. */
export function flatIndex(shape: readonly number[], idx: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
  return f;
}

/** The logical elements of any view, in row-major order, as float64 numbers. */
export function elements(x: NDArray): number[] {
  return indices(x.shape).map((i) => x.get(...i));
}

/** erf by composite Simpson integration of 2/sqrt(pi) exp(-t^2) (error far below 1e-9). */
export function refErf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) > 6) return Math.sign(x);
  const n = 2000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

export const refUnary: Record<string, (v: number) => number> = {
  neg: (v) => -v,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (v) => 1 / Math.sqrt(v),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  relu: (v) => Math.max(v, 0),
  erf: refErf,
  sign: Math.sign,
  square: (v) => v * v,
  reciprocal: (v) => 1 / v,
};

export const refBinary: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: Math.max,
  minimum: Math.min,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

/** Output shape and the lists of input values that land in each output element. */
function groups(
  x: NDArray,
  axes: readonly number[],
  keepdims: boolean,
): { shape: number[]; members: number[][] } {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const members: number[][] = Array.from({ length: sizeOf(kept) }, () => []);
  for (const i of indices(x.shape)) {
    const o = i.map((v, d) => (axes.includes(d) ? 0 : v));
    members[flatIndex(kept, o)].push(x.get(...i));
  }
  const shape = keepdims ? kept : x.shape.filter((_, d) => !axes.includes(d));
  return { shape, members };
}

export function refReduce(
  op: string,
  x: NDArray,
  axes: readonly number[],
  keepdims: boolean,
): { shape: number[]; values: number[] } {
  const { shape, members } = groups(x, axes, keepdims);
  const f = (m: number[]): number => {
    if (op === 'sum') return m.reduce((s, v) => s + v, 0);
    if (op === 'mean') return m.reduce((s, v) => s + v, 0) / m.length;
    return op === 'max' ? Math.max(...m) : Math.min(...m);
  };
  return { shape, values: members.map(f) };
}

export function refArgReduce(
  op: string,
  x: NDArray,
  axis: number,
  keepdims: boolean,
): { shape: number[]; values: number[] } {
  const { shape, members } = groups(x, [axis], keepdims);
  return {
    shape,
    values: members.map((m) => m.indexOf(op === 'argmax' ? Math.max(...m) : Math.min(...m))),
  };
}

/** Magnitude bound sum(|x|) per output element, for float32 tolerances of sums. */
export function refAbsSum(x: NDArray, axes: readonly number[]): number[] {
  return groups(x, axes, true).members.map((m) => m.reduce((s, v) => s + Math.abs(v), 0));
}

export function refMatmul(a: NDArray, b: NDArray): { shape: number[]; values: number[]; scale: number[] } {
  const M = a.shape[a.rank - 2];
  const K = a.shape[a.rank - 1];
  const N = b.shape[b.rank - 1];
  const ab = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const da = ab[ab.length - rank + i] ?? 1;
    const db = bb[bb.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
  const pick = (own: readonly number[], bi: number[]): number[] =>
    own.map((d, i) => (d === 1 ? 0 : bi[rank - own.length + i]));
  const values: number[] = [];
  const scale: number[] = [];
  for (const bi of indices(batch)) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        let m = 0;
        for (let k = 0; k < K; k++) {
          const p = a.get(...pick(ab, bi), i, k) * b.get(...pick(bb, bi), k, j);
          s += p;
          m += Math.abs(p);
        }
        values.push(s);
        scale.push(m);
      }
    }
  }
  return { shape: [...batch, M, N], values, scale };
}

/** Vectors along `axis`: for each, the multi-indices of its elements. */
function lines(shape: readonly number[], axis: number): number[][][] {
  const outer = shape.map((d, i) => (i === axis ? 1 : d));
  return indices(outer).map((o) =>
    Array.from({ length: shape[axis] }, (_, k) => o.map((v, d) => (d === axis ? k : v))),
  );
}

export function refSoftmax(x: NDArray, axis: number): number[] {
  const out = new Array<number>(x.size);
  for (const line of lines(x.shape, axis)) {
    const v = line.map((i) => x.get(...i));
    const m = Math.max(...v);
    const e = v.map((t) => Math.exp(t - m));
    const s = e.reduce((p, q) => p + q, 0);
    line.forEach((i, k) => {
      out[flatIndex(x.shape, i)] = e[k] / s;
    });
  }
  return out;
}

/** dx_i = sum_j dy_j * dy_j/dx_i with the softmax Jacobian y_j (delta_ij - y_i). */
export function refSoftmaxBackward(y: NDArray, dy: NDArray, axis: number): number[] {
  const out = new Array<number>(y.size);
  for (const line of lines(y.shape, axis)) {
    const Y = line.map((i) => y.get(...i));
    const G = line.map((i) => dy.get(...i));
    line.forEach((idx, i) => {
      let s = 0;
      for (let j = 0; j < Y.length; j++) s += G[j] * Y[j] * ((i === j ? 1 : 0) - Y[i]);
      out[flatIndex(y.shape, idx)] = s;
    });
  }
  return out;
}

export function refLogsumexp(x: NDArray, axis: number): number[] {
  return lines(x.shape, axis).map((line) => {
    const v = line.map((i) => x.get(...i));
    const m = Math.max(...v);
    if (!Number.isFinite(m)) return m;
    return m + Math.log(v.reduce((s, t) => s + Math.exp(t - m), 0));
  });
}

/** Layer norm rows: mean, rstd (biased variance), normalized output. */
export function refLayerNorm(x: NDArray, w: NDArray | null, b: NDArray | null, eps: number) {
  const C = x.shape[x.rank - 1];
  const out: number[] = [];
  const mean: number[] = [];
  const rstd: number[] = [];
  for (const line of lines(x.shape, x.rank - 1)) {
    const v = line.map((i) => x.get(...i));
    const mu = v.reduce((s, t) => s + t, 0) / C;
    const r = 1 / Math.sqrt(v.reduce((s, t) => s + (t - mu) ** 2, 0) / C + eps);
    mean.push(mu);
    rstd.push(r);
    v.forEach((t, j) => {
      out.push((t - mu) * r * (w ? w.get(j) : 1) + (b ? b.get(j) : 0));
    });
  }
  return { out, mean, rstd };
}

/** Gradients by the explicit Jacobian dxhat_j/dx_i = rstd (delta_ij - 1/C - xhat_i xhat_j / C). */
export function refLayerNormBackward(dy: NDArray, x: NDArray, w: NDArray | null, eps: number) {
  const C = x.shape[x.rank - 1];
  const dx: number[] = [];
  const dw = new Array<number>(C).fill(0);
  const db = new Array<number>(C).fill(0);
  for (const line of lines(x.shape, x.rank - 1)) {
    const v = line.map((i) => x.get(...i));
    const g = line.map((i) => dy.get(...i));
    const mu = v.reduce((s, t) => s + t, 0) / C;
    const r = 1 / Math.sqrt(v.reduce((s, t) => s + (t - mu) ** 2, 0) / C + eps);
    const xhat = v.map((t) => (t - mu) * r);
    for (let i = 0; i < C; i++) {
      let s = 0;
      for (let j = 0; j < C; j++)
        s += g[j] * (w ? w.get(j) : 1) * r * ((i === j ? 1 : 0) - 1 / C - (xhat[i] * xhat[j]) / C);
      dx.push(s);
      dw[i] += g[i] * xhat[i];
      db[i] += g[i];
    }
  }
  return { dx, dw, db };
}

export function refPad(x: NDArray, pads: Padding, value: number): { shape: number[]; values: number[] } {
  const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const values = indices(shape).map((o) => {
    const i = o.map((v, d) => v - pads[d][0]);
    return i.every((v, d) => v >= 0 && v < x.shape[d]) ? x.get(...i) : value;
  });
  return { shape, values };
}

export function refConcat(xs: readonly NDArray[], axis: number): { shape: number[]; values: number[] } {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const values = indices(shape).map((o) => {
    let k = o[axis];
    for (const x of xs) {
      if (k < x.shape[axis]) return x.get(...o.map((v, d) => (d === axis ? k : v)));
      k -= x.shape[axis];
    }
    throw new Error('refConcat: unreachable');
  });
  return { shape, values };
}
