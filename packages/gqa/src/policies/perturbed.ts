/** PGQA: static GQA groups whose attention outputs are perturbed by row-standardised noise. */
import { add, mean, mul, reshape, std, sub, type Tensor, tensor } from '@gqa-lab/autograd';
import { defaultRng, type Rng } from '@gqa-lab/tensor';
import { uniformAllocation } from '../head-map';
import type { Fidelity, HeadPolicy, PolicyContext } from './policy';

/** Raw noise for one group: `rows` x `cols` values, row-major (before the diagonal is zeroed). */
export type NoiseSource = (group: number, rows: number, cols: number) => Float64Array;

export interface PerturbedPolicyOptions {
  fidelity?: Fidelity;
  rng?: Rng;
  /** Corrected only: multiplies the whole perturbation (1 = the published magnitude, 0 = none). */
  scale?: number;
  /** Replaces the generator (tests inject fixed noise to compare with another implementation). */
  noise?: NoiseSource;
}

/**
 * For each group g of n heads, the output o (B, n, T·d) becomes o - (z · rowStd(o) + rowMean(o)), where
 * z (n, T·d) is shared by the batch, has z[i][i] = 0 and rows standardised to mean 0, std 1 (unbiased;
 * std 0 -> 1). Reference: z uniform in [0, 1) (the published "Gaussian"), applied in training and eval.
 * Corrected: z standard normal, training only, perturbation times `scale`.
 */
export class PerturbedPolicy implements HeadPolicy {
  readonly kind = 'pgqa';
  readonly fidelity: Fidelity;
  readonly scale: number;
  private readonly rng: Rng;
  private readonly noise: NoiseSource | undefined;

  constructor(opts: PerturbedPolicyOptions = {}) {
    this.fidelity = opts.fidelity ?? 'corrected';
    this.scale = opts.scale ?? 1;
    if (this.fidelity === 'reference' && opts.scale !== undefined) {
      throw new RangeError("PerturbedPolicy: scale exists only with fidelity 'corrected'");
    }
    this.rng = opts.rng ?? defaultRng();
    this.noise = opts.noise;
  }

  allocate(ctx: PolicyContext): Int32Array {
    return uniformAllocation(ctx.numHeads, ctx.numKvHeads);
  }

  perturb(out: Tensor, allocation: Int32Array, ctx: PolicyContext): Tensor {
    if (this.fidelity === 'corrected' && (!ctx.training || this.scale === 0)) return out;
    const [B, H, T, D] = out.shape;
    const rows = reshape(out, [B, H, T * D]); // (B, H, T·D)
    const rowMean = mean(rows, -1, true); // (B, H, 1)
    const rowStd = std(rows, -1, { keepdims: true }); // (B, H, 1), unbiased like torch.std
    const z = tensor(this.standardNoise(allocation, T * D), { shape: [H, T * D], dtype: out.dtype }); // (H, T·D)
    let noise = add(mul(z, rowStd), rowMean); // (B, H, T·D)
    if (this.fidelity === 'corrected' && this.scale !== 1) noise = mul(noise, this.scale);
    return reshape(sub(rows, noise), [B, H, T, D]); // (B, H, T, D)
  }

  /** z for every head, group by group: drawn, diagonal zeroed (within the group), rows standardised. */
  private standardNoise(allocation: Int32Array, cols: number): Float64Array {
    let H = 0;
    for (const n of allocation) H += n;
    const z = new Float64Array(H * cols);
    let head = 0;
    allocation.forEach((n, g) => {
      if (n === 0) return;
      const raw = this.noise ? this.noise(g, n, cols) : this.draw(n * cols);
      if (raw.length !== n * cols) {
        throw new RangeError(
          `PerturbedPolicy: noise for group ${g} has ${raw.length} values, expected ${n} x ${cols}`,
        );
      }
      for (let i = 0; i < Math.min(n, cols); i++) raw[i * cols + i] = 0;
      for (let i = 0; i < n; i++)
        standardiseRow(raw.subarray(i * cols, (i + 1) * cols), z.subarray((head + i) * cols));
      head += n;
    });
    return z;
  }

  private draw(count: number): Float64Array {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++)
      out[i] = this.fidelity === 'reference' ? this.rng.next() : this.rng.normal();
    return out;
  }
}

/** (row - mean) / std with unbiased std, std 0 -> 1, written into `out`. */
function standardiseRow(row: Float64Array, out: Float64Array): void {
  const n = row.length;
  let m = 0;
  for (const x of row) m += x;
  m /= n;
  let ss = 0;
  for (const x of row) ss += (x - m) ** 2;
  const s = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  const div = s === 0 || Number.isNaN(s) ? 1 : s;
  for (let i = 0; i < n; i++) out[i] = (row[i] - m) / div;
}
