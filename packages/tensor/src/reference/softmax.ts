/** softmax, its backward and logsumexp along one axis: each vector along the axis handled on its own. */
import { checkPair } from '../checks/elementwise';
import type { NDArray } from '../ndarray';
import { normalizeAxis, reducedShape } from '../shape';
import { flatIndex, indices, store } from './loops';

/** The vectors along `axis`: for each, the row-major positions of its elements in `shape`. */
export function vectorsAlong(shape: readonly number[], axis: number): number[][] {
  const outer = shape.map((d, i) => (i === axis ? 1 : d));
  return indices(outer).map((o) =>
    Array.from({ length: shape[axis] }, (_, k) =>
      flatIndex(
        shape,
        o.map((v, d) => (d === axis ? k : v)),
      ),
    ),
  );
}

/** max of a vector; NaN wins (so a NaN anywhere makes the whole softmax NaN, as in torch). */
function maxOf(v: readonly number[]): number {
  return v.reduce((m, t) => (t > m || Number.isNaN(t) ? t : m), -Infinity);
}

/** exp(x - max) / sum(exp(x - max)) along `axis`. */
export function softmax(x: NDArray, axis: number): NDArray {
  const ax = normalizeAxis('softmax', axis, x.rank);
  const X = x.values();
  const out = new Array<number>(x.size);
  for (const vector of vectorsAlong(x.shape, ax)) {
    const m = maxOf(vector.map((p) => X[p]));
    const e = vector.map((p) => Math.exp(X[p] - m));
    const sum = e.reduce((s, t) => s + t, 0);
    vector.forEach((p, k) => {
      out[p] = e[k] / sum;
    });
  }
  return store(out, x.shape, x.dtype);
}

/** dx = y * (dy - sum(dy * y)) along `axis`. */
export function softmaxBackward(y: NDArray, dy: NDArray, axis: number): NDArray {
  checkPair('softmaxBackward', y, dy);
  const ax = normalizeAxis('softmaxBackward', axis, y.rank);
  const Y = y.values();
  const G = dy.values();
  const out = new Array<number>(y.size);
  for (const vector of vectorsAlong(y.shape, ax)) {
    const dot = vector.reduce((s, p) => s + G[p] * Y[p], 0);
    for (const p of vector) out[p] = Y[p] * (G[p] - dot);
  }
  return store(out, y.shape, y.dtype);
}

/** log(sum(exp(x))) = max + log(sum(exp(x - max))); -Infinity for an empty axis, the max itself if infinite. */
export function logsumexp(x: NDArray, axis: number, keepdims: boolean): NDArray {
  const ax = normalizeAxis('logsumexp', axis, x.rank);
  const X = x.values();
  const values = vectorsAlong(x.shape, ax).map((vector) => {
    const m = maxOf(vector.map((p) => X[p]));
    if (!Number.isFinite(m)) return m;
    return m + Math.log(vector.reduce((s, p) => s + Math.exp(X[p] - m), 0));
  });
  return store(values, reducedShape(x.shape, [ax], keepdims), x.dtype);
}
