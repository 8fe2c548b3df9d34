/**
 * Row-wise and matmul gpu.js kernel bodies. Host code lays each input out as dense rows (R, L) with the
 * reduced axis last, so every kernel is a flat loop whose bound comes from `this.constants.L` (or K / R).
 * Self-contained `function` expressions only (see kernels-elementwise.ts).
 */
import type { KernelBody } from './kernels-elementwise';

export const ROW_BODIES = {
  /** out[r] = sum_j x[r, j]; x (R, L) -> (R) */
  rowSum: function (x) {
    const base = this.thread.x * this.constants.L;
    let s = 0;
    for (let j = 0; j < this.constants.L; j++) s += x[base + j];
    return s;
  },
  /** out[r] = mean_j x[r, j] */
  rowMean: function (x) {
    const base = this.thread.x * this.constants.L;
    let s = 0;
    for (let j = 0; j < this.constants.L; j++) s += x[base + j];
    return s / this.constants.L;
  },
  /** out[r] = max_j x[r, j] (L >= 1) */
  rowMax: function (x) {
    const base = this.thread.x * this.constants.L;
    let m = x[base];
    for (let j = 1; j < this.constants.L; j++) m = Math.max(m, x[base + j]);
    return m;
  },
  /** out[r] = min_j x[r, j] (L >= 1) */
  rowMin: function (x) {
    const base = this.thread.x * this.constants.L;
    let m = x[base];
    for (let j = 1; j < this.constants.L; j++) m = Math.min(m, x[base + j]);
    return m;
  },
  /** out[r] = sum_j exp(x[r, j] - m[r]) */
  rowSumExp: function (x, m) {
    const base = this.thread.x * this.constants.L;
    const mx = m[this.thread.x];
    let s = 0;
    for (let j = 0; j < this.constants.L; j++) s += Math.exp(x[base + j] - mx);
    return s;
  },
  /** out[r] = sum_j a[r, j] * b[r, j] */
  rowDot: function (a, b) {
    const base = this.thread.x * this.constants.L;
    let s = 0;
    for (let j = 0; j < this.constants.L; j++) s += a[base + j] * b[base + j];
    return s;
  },
  /** softmax: out[r, j] = exp(x[r, j] - m[r]) / s[r]; (R * L) threads */
  softmaxOut: function (x, m, s) {
    const r = Math.floor(this.thread.x / this.constants.L);
    return Math.exp(x[this.thread.x] - m[r]) / s[r];
  },
  /** logsumexp: out[r] = log(s[r]) + m[r] */
  logsumexpOut: function (m, s) {
    return Math.log(s[this.thread.x]) + m[this.thread.x];
  },
  /** softmax backward: dx[r, j] = y[r, j] * (dy[r, j] - dot[r]) */
  softmaxGrad: function (y, dy, dot) {
    const r = Math.floor(this.thread.x / this.constants.L);
    return y[this.thread.x] * (dy[this.thread.x] - dot[r]);
  },
  /** layer norm: rstd[r] = 1 / sqrt(mean_j (x[r, j] - mean[r])^2 + eps) (biased variance) */
  rowRstd: function (x, mean) {
    const base = this.thread.x * this.constants.L;
    const mu = mean[this.thread.x];
    let s = 0;
    for (let j = 0; j < this.constants.L; j++) {
      const c = x[base + j] - mu;
      s += c * c;
    }
    return 1 / Math.sqrt(s / this.constants.L + this.constants.eps);
  },
  /** layer norm: out[r, c] = (x - mean[r]) * rstd[r] * w[c] + b[c] */
  layerNormOut: function (x, mean, rstd, w, b) {
    const r = Math.floor(this.thread.x / this.constants.L);
    const c = this.thread.x - r * this.constants.L;
    return (x[this.thread.x] - mean[r]) * rstd[r] * w[c] + b[c];
  },
  /** layer norm backward: a[r] = sum_c dy * w[c];  (R) */
  lnRowGw: function (dy, w) {
    const base = this.thread.x * this.constants.L;
    let s = 0;
    for (let c = 0; c < this.constants.L; c++) s += dy[base + c] * w[c];
    return s;
  },
  /** layer norm backward: b[r] = sum_c dy * w[c] * xhat[r, c];  (R) */
  lnRowGwx: function (dy, w, x, mean, rstd) {
    const base = this.thread.x * this.constants.L;
    const mu = mean[this.thread.x];
    const rs = rstd[this.thread.x];
    let s = 0;
    for (let c = 0; c < this.constants.L; c++) s += dy[base + c] * w[c] * (x[base + c] - mu) * rs;
    return s;
  },
  /** layer norm backward: dx = rstd * (dy * w - a / L - xhat * b / L);  (R * L) */
  lnDx: function (dy, w, x, mean, rstd, ga, gb) {
    const r = Math.floor(this.thread.x / this.constants.L);
    const c = this.thread.x - r * this.constants.L;
    const xhat = (x[this.thread.x] - mean[r]) * rstd[r];
    return (
      rstd[r] * (dy[this.thread.x] * w[c] - ga[r] / this.constants.L - (xhat * gb[r]) / this.constants.L)
    );
  },
  /** layer norm backward: dweight[c] = sum_r dy[r, c] * xhat[r, c];  (L) threads, loop over R rows */
  lnDweight: function (dy, x, mean, rstd) {
    let s = 0;
    for (let r = 0; r < this.constants.R; r++) {
      const p = r * this.constants.L + this.thread.x;
      s += dy[p] * (x[p] - mean[r]) * rstd[r];
    }
    return s;
  },
  /** column sums: out[c] = sum_r x[r, c];  (L) threads */
  colSum: function (x) {
    let s = 0;
    for (let r = 0; r < this.constants.R; r++) s += x[r * this.constants.L + this.thread.x];
    return s;
  },
  /**
   * Batched matmul: out[bt, m, n] = sum_k a[aOff[bt] + m K + k] * b[bOff[bt] + k N + n]; (BT * M * N) threads.
   * aOff / bOff hold each output batch's element offset into a and b, so broadcast batches cost nothing.
   */
  matmul: function (a, b, aOff, bOff) {
    const mn = this.constants.M * this.constants.N;
    const bt = Math.floor(this.thread.x / mn);
    const rest = this.thread.x - bt * mn;
    const m = Math.floor(rest / this.constants.N);
    const n = rest - m * this.constants.N;
    const ao = aOff[bt] + m * this.constants.K;
    const bo = bOff[bt] + n;
    let s = 0;
    for (let k = 0; k < this.constants.K; k++) s += a[ao + k] * b[bo + k * this.constants.N];
    return s;
  },
} satisfies Record<string, KernelBody>;

export type RowKernelName = keyof typeof ROW_BODIES;
