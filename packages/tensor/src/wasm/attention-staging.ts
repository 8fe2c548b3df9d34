/**
 * Batch slabs for fused attention on the WebAssembly tier: the storage span of batch b of q, k, v (and
 * dOut) copied into the arena once per batch, so that each (batch, KV head) unit copies its heads' rows
 * from there with copy_rows_f32 instead of a JavaScript loop of D floats a row. Views of one storage with
 * the same batch stride share a slab: the ViT's q, k and v are heads of one (B, T, 3 C) projection, whose
 * batch b is one contiguous span, so the three cost one TypedArray.set per batch and thread.
 */
import type { TypedArray } from '../dtype';
import type { NDArray } from '../ndarray';
import type { AttentionLayout } from './attention-layout';
import { type Arena, claimArena } from './kernel-module';

/** A slab is staged only when its span is at most this many times the elements its views read. */
const MAX_SPAN_RATIO = 4;

interface Slab {
  readonly data: TypedArray;
  readonly batchStride: number;
  /** Batch 0's storage span, lo .. hi inclusive (batch b's is shifted by b * batchStride). */
  lo: number;
  hi: number;
  /** Elements its views read per batch. */
  used: number;
  /** Float index of the slab in the arena. */
  at: number;
  /** Which batch it holds (-1: none) and the arena generation it was copied in. */
  batch: number;
  generation: number;
}

/** The slabs of one attention call (one layout object): per operand its slab or null (not staged). */
interface Staging {
  readonly operands: readonly NDArray[];
  readonly slabOf: readonly (Slab | null)[];
  readonly bytes: number;
}

const stagings = new WeakMap<AttentionLayout, Staging>();

/** [lowest, highest] storage offset of batch 0 of a (B, H, T, cols) view. */
function batchSpan(x: NDArray): [number, number] {
  let [lo, hi] = [x.offset, x.offset];
  for (let d = 1; d < x.rank; d++) {
    const reach = (x.shape[d] - 1) * x.strides[d];
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  return [lo, hi];
}

function planStaging(w: AttentionLayout, operands: readonly NDArray[]): Staging {
  const slabs: Slab[] = [];
  const slabOf = operands.map((x) => {
    if (x.size === 0 || x.rank !== 4) return null;
    const [lo, hi] = batchSpan(x);
    const used = x.size / x.shape[0];
    let slab = slabs.find((s) => s.data === x.data && s.batchStride === x.strides[0]);
    if (slab === undefined) {
      slab = { data: x.data, batchStride: x.strides[0], lo, hi, used, at: 0, batch: -1, generation: -1 };
      slabs.push(slab);
    } else {
      slab.lo = Math.min(slab.lo, lo);
      slab.hi = Math.max(slab.hi, hi);
      slab.used += used;
    }
    return slab;
  });
  const kept = slabs.filter((s) => s.hi - s.lo + 1 <= MAX_SPAN_RATIO * s.used);
  let end = w.bytes / 4;
  for (const s of kept) {
    s.at = end;
    end += Math.ceil((s.hi - s.lo + 1) / 16) * 16; // 64-byte aligned
  }
  return {
    operands,
    slabOf: slabOf.map((s) => (s !== null && kept.includes(s) ? s : null)),
    bytes: end * 4,
  };
}

/**
 * The arena for a unit of batch b (room for w's tiles and the slabs), with batch b of each operand staged:
 * bases[i] is the arena float index of operands[i].data[0] (its batch-b elements are there), or null
 * where operand i is not staged (its rows are copied from storage by JavaScript).
 */
export function stageBatch(
  w: AttentionLayout,
  b: number,
  operands: readonly NDArray[],
): { arena: Arena; bases: (number | null)[] } {
  let staging = stagings.get(w);
  if (staging === undefined || staging.operands.some((x, i) => x !== operands[i])) {
    staging = planStaging(w, operands);
    stagings.set(w, staging);
  }
  const { arena, generation } = claimArena('attention', staging.bytes);
  const bases = staging.slabOf.map((s) => {
    if (s === null) return null;
    const shift = b * s.batchStride;
    if (s.batch !== b || s.generation !== generation) {
      arena.f32.set(s.data.subarray(s.lo + shift, s.hi + shift + 1), s.at);
      s.batch = b;
      s.generation = generation;
    }
    return s.at - s.lo - shift;
  });
  return { arena, bases };
}
