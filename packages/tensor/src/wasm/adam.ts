/**
 * The Adam / AdamW update of one float32 parameter on the wasm tier (adam-kernel.ts): param, grad and
 * the two moment arrays are copied into the arena, one SIMD loop updates them, param and the moments are
 * copied back, in chunks of about CHUNK floats (operands.ts). The optimizer in @gqa-lab/nn calls it; its scalar loop stays the reference and fallback.
 */
import { claimArena } from './kernel-module';
import { CHUNK, F32, region } from './operands';

/** The per-step scalars of the update, as the scalar optimizer computes them. */
export interface AdamScalars {
  /** 'decoupled' (AdamW: p *= shrink), 'coupled' (Adam: g += wd p), or 'none' (no weight decay). */
  readonly decay: 'decoupled' | 'coupled' | 'none';
  /** 1 - lr * weightDecay */
  readonly shrink: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  /** lr / (1 - beta1^t) */
  readonly stepSize: number;
  /** sqrt(1 - beta2^t) */
  readonly bc2Sqrt: number;
  readonly eps: number;
}

const MODE = { none: 0, decoupled: 1, coupled: 2 } as const;

/** Updates param, m and v in place (all float32, equal lengths) exactly as the scalar Adam loop does. */
export function adamUpdateWasm(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  s: AdamScalars,
): void {
  const n = param.length;
  if (grad.length !== n || m.length !== n || v.length !== n) {
    throw new RangeError(
      `adamUpdateWasm: param, grad, m, v must have equal lengths, got ${n}, ${grad.length}, ${m.length}, ${v.length}`,
    );
  }
  const chunk = Math.min(n, CHUNK);
  const r = region(chunk);
  const { arena } = claimArena('adam', 4 * r);
  const f = arena.f32;
  const [pg, pm, pv] = [r / F32, (2 * r) / F32, (3 * r) / F32];
  for (let s0 = 0; s0 < n; s0 += chunk) {
    const len = Math.min(chunk, n - s0);
    const end = s0 + len;
    f.set(param.subarray(s0, end), 0);
    f.set(grad.subarray(s0, end), pg);
    f.set(m.subarray(s0, end), pm);
    f.set(v.subarray(s0, end), pv);
    arena.kernels.adam_f32(
      0,
      r,
      2 * r,
      3 * r,
      len,
      MODE[s.decay],
      s.shrink,
      s.weightDecay,
      1 - s.beta1,
      s.beta2,
      1 - s.beta2,
      s.stepSize,
      s.bc2Sqrt,
      s.eps,
    );
    param.set(f.subarray(0, len), s0);
    m.set(f.subarray(pm, pm + len), s0);
    v.set(f.subarray(pv, pv + len), s0);
  }
}
