/**
 * Which gradient buffers a backward pass may give back for reuse (tensor's storage pool). A gradient
 * temporary (dL/d an intermediate) is created by one node's backward and consumed by the next; once every
 * pending use is done it is garbage, and recycling it saves the page faults of a fresh array in the next
 * allocation of that size. Only buffers provably private to the pass are recycled:
 * - allocated during this pass (the allocation log), so never a forward activation or a user's array;
 * - not stored anywhere: a leaf's or retained `.grad`, a hook's argument or result "escape" for good;
 * - no pending use left: pending gradients are counted per buffer, so aliases (a backward that returns
 *   its incoming gradient, or a view of it, for one or several inputs) keep the buffer alive;
 * - never under createGraph (the gradients are then part of a new graph).
 */
import { recycleStorage, type TypedArray } from '@gqa-lab/tensor';
import type { Tensor } from './tensor';

export class GradBuffers {
  private readonly pending = new Map<ArrayBufferLike, number>();
  private readonly escaped = new WeakSet<ArrayBufferLike>();

  /** `log`: the arrays allocated during the pass; null disables recycling (createGraph). */
  constructor(private readonly log: WeakSet<TypedArray> | null) {}

  /** One more pending use of t's buffer (t was put in the pass's gradient map). */
  hold(t: Tensor): void {
    const data = hostData(t);
    if (data !== null) this.pending.set(data.buffer, (this.pending.get(data.buffer) ?? 0) + 1);
  }

  /** t's buffer is referenced from outside the pass from now on: never recycle it. */
  escape(t: Tensor): void {
    const data = hostData(t);
    if (data !== null) this.escaped.add(data.buffer);
  }

  /** One pending use of t's buffer is done; the last one recycles it when the buffer is private to the pass. */
  drop(t: Tensor): void {
    const data = hostData(t);
    if (data === null) return;
    const left = (this.pending.get(data.buffer) ?? 0) - 1;
    if (left > 0) {
      this.pending.set(data.buffer, left);
      return;
    }
    this.pending.delete(data.buffer);
    if (this.log?.has(data) && !this.escaped.has(data.buffer)) recycleStorage(data);
  }
}

/** The host typed array under t, or null while its values are still on a device (reading would download them). */
function hostData(t: Tensor): TypedArray | null {
  return t.data.deviceSource === null ? t.data.data : null;
}
