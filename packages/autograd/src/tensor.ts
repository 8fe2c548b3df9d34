/**
 * Tensor = NDArray + requiresGrad + grad + graph node. Tensors are immutable values except for `data`
 * (optimizers swap or update a parameter's storage) and `grad` (filled by backward()).
 */
import { type DType, formatShape, type NDArray, type NestedArray } from '@gqa-lab/tensor';

/** A recorded application of a primitive: what backward needs, kept until the graph is freed. */
export interface GraphNode {
  readonly op: string;
  /** The inputs the output was computed from (cleared when the graph is freed). */
  inputs: readonly Tensor[];
  /** Extra arrays the forward chose to save for the backward (tfjs outputsToSave). */
  saved: readonly NDArray[];
  /** Runs the primitive's backward; null once the graph has been freed. */
  backward: ((gradOutput: Tensor, output: Tensor, createGraph: boolean) => readonly (Tensor | null)[]) | null;
}

export type GradHook = (grad: Tensor) => Tensor | undefined;

export interface HookHandle {
  remove(): void;
}

export interface BackwardOptions {
  /** Keep the graph so backward() can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients (implies retainGraph). */
  createGraph?: boolean;
}

let nextId = 0;

/** Installed by backward.ts (kept apart so this file has no engine logic). */
let backwardImpl: ((root: Tensor, grad: Tensor | undefined, opts: BackwardOptions) => void) | null = null;

export function installBackward(
  fn: (root: Tensor, grad: Tensor | undefined, opts: BackwardOptions) => void,
): void {
  backwardImpl = fn;
}

export class Tensor {
  /** Storage and view; optimizers may replace or update it in place. */
  data: NDArray;
  /** Whether gradients flow to (and accumulate in) this tensor. */
  requiresGrad: boolean;
  /** Accumulated gradient, filled by backward() for leaves and for tensors with retainGrad(). */
  grad: Tensor | null = null;
  /** The primitive application that produced this tensor; null for leaves. */
  readonly node: GraphNode | null;
  /** Optional label used in messages and summaries. */
  name: string | undefined;
  /** Unique id, stable for the lifetime of the process (useful as a map key in reports). */
  readonly id = nextId++;
  retainsGrad = false;
  readonly hooks: GradHook[] = [];

  constructor(data: NDArray, requiresGrad = false, node: GraphNode | null = null, name?: string) {
    this.data = data;
    this.requiresGrad = requiresGrad;
    this.node = node;
    this.name = name;
  }

  get shape(): readonly number[] {
    return this.data.shape;
  }
  get dtype(): DType {
    return this.data.dtype;
  }
  get size(): number {
    return this.data.size;
  }
  get rank(): number {
    return this.data.shape.length;
  }
  /** A leaf is a tensor not produced by a recorded primitive (parameters, inputs). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** Accumulates d(this)/d(leaves) into the leaves' `.grad`; `grad` defaults to 1 for a one-element tensor. */
  backward(grad?: Tensor, opts: BackwardOptions = {}): void {
    if (!backwardImpl) throw new Error('backward: engine not installed; import @gqa-lab/autograd');
    backwardImpl(this, grad, opts);
  }

  /** A new leaf sharing this tensor's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, false);
  }

  /** Also store the gradient of this non-leaf tensor in `.grad` during backward(). */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** Calls `fn` with this tensor's gradient during backward(); a returned tensor replaces the gradient. */
  registerHook(fn: GradHook): HookHandle {
    this.hooks.push(fn);
    return {
      remove: () => {
        const i = this.hooks.indexOf(fn);
        if (i >= 0) this.hooks.splice(i, 1);
      },
    };
  }

  /** Sets requiresGrad in place (leaves only) and returns this tensor. */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag)
      throw new Error('requiresGrad_: only leaves can stop requiring gradients; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  item(): number {
    return this.data.item();
  }
  toArray(): NestedArray {
    return this.data.toArray();
  }

  toString(): string {
    const op = this.node ? `, op=${this.node.op}` : '';
    return `Tensor(${this.dtype}, ${formatShape(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''}${op})`;
  }
}
