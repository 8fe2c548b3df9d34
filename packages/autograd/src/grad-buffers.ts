/**
 * The gradients a backward pass has yet to propagate, and the recycling of their buffers. The walk in
 * backward.ts only adds gradients (`add`), takes a tensor's total (`take`) and says when it is done with it
 * (`done`); this class also decides which buffers go back to tensor's storage pool. A gradient temporary
 * (dL/d an intermediate) is made by one node's backward and consumed by the next; recycling it once every
 * pending use is done saves the page faults of a fresh array in the next allocation of that size. Only
 * buffers provably private to the pass are recycled:
 * - allocated during this pass (the allocation log), so never a forward activation or a user's array;
 * - not kept: a leaf's or retained `.grad`, a hook's argument or result outlive the pass;
 * - no pending use left: pending gradients are counted per buffer, so aliases (a backward that returns
 *   its incoming gradient, or a view of it, for one or several inputs) keep the buffer alive;
 * - never under createGraph (the gradients are then part of a new graph).
 */
import { recycleStorage, type TypedArray } from '@gqa-lab/tensor';
import { addGrads } from './grad-utils';
import type { Tensor } from './tensor';

export class PendingGrads {
  private readonly grads = new Map<Tensor, Tensor>();
  private readonly uses = new Map<ArrayBufferLike, number>();
  private readonly kept = new WeakSet<ArrayBufferLike>();

  /** `log`: the arrays allocated during the pass; null disables recycling (createGraph). */
  constructor(private readonly log: WeakSet<TypedArray> | null) {}

  /** Adds g to t's pending gradient. */
  add(t: Tensor, g: Tensor): void {
    this.hold(g);
    const prev = this.grads.get(t);
    if (prev === undefined) {
      this.grads.set(t, g);
      return;
    }
    const sum = addGrads(prev, g);
    this.hold(sum);
    this.release(prev);
    this.release(g);
    this.grads.set(t, sum);
  }

  /** Removes and returns t's total gradient (undefined when nothing flowed into t); pair with `done`. */
  take(t: Tensor): Tensor | undefined {
    const g = this.grads.get(t);
    this.grads.delete(t);
    return g;
  }

  /** The walk is done with `g` (as taken); `outlive` are tensors sharing its fate that are stored beyond the pass. */
  done(g: Tensor, outlive: readonly Tensor[]): void {
    for (const t of outlive) {
      const data = hostData(t);
      if (data !== null) this.kept.add(data.buffer);
    }
    this.release(g);
  }

  private hold(t: Tensor): void {
    const data = hostData(t);
    if (data !== null) this.uses.set(data.buffer, (this.uses.get(data.buffer) ?? 0) + 1);
  }

  /** One pending use of t's buffer is over; the last one recycles it when the buffer is private to the pass. */
  private release(t: Tensor): void {
    const data = hostData(t);
    if (data === null) return;
    const left = (this.uses.get(data.buffer) ?? 0) - 1;
    if (left > 0) {
      this.uses.set(data.buffer, left);
      return;
    }
    this.uses.delete(data.buffer);
    if (this.log?.has(data) && !this.kept.has(data.buffer)) recycleStorage(data);
  }
}

/** The host typed array under t, or null while its values are still on a device (reading would download them). */
function hostData(t: Tensor): TypedArray | null {
  return t.data.deviceSource === null ? t.data.data : null;
}
