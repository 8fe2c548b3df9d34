/**
 * definePrimitive: the only place graph nodes are recorded. Each primitive declares its forward (which
 * calls the backend) and, next to it, its backward written with other primitives, so the backward runs on
 * any backend and can itself be differentiated (micrograd / JAX lax / PyTorch derivatives.yaml).
 */
import { type Backend, formatShape, getBackend, type NDArray } from '@gqa-lab/tensor';
import { currentBackwardOp, isAnomalyMode, isGradEnabled } from './grad-mode';
import { type GradOps, gradOps } from './grad-ops';
import { type GraphNode, Tensor } from './tensor';

/** What a backward reads: the inputs, the output, what the forward saved, and its attributes. */
export interface BackwardContext<A> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly saved: readonly NDArray[];
  readonly attrs: A;
  /** True when the backward itself is being recorded (higher-order gradients). */
  readonly createGraph: boolean;
  /** The public ops to write the gradient with (grad-ops.ts). */
  readonly op: GradOps;
}

/** A forward either returns its output or the output plus arrays saved for the backward. */
export type ForwardResult = NDArray | { readonly output: NDArray; readonly saved: readonly NDArray[] };

export interface PrimitiveSpec<A> {
  readonly name: string;
  /** Computes the output from input arrays through the backend. */
  forward(inputs: readonly NDArray[], attrs: A, backend: Backend): ForwardResult;
  /**
   * Gradients for each input given the output gradient; null means zero (or not differentiable).
   * Omit for non-differentiable primitives (their outputs never require gradients).
   */
  backward?(grad: Tensor, ctx: BackwardContext<A>): readonly (Tensor | null)[];
}

export type Primitive<A> = ((inputs: readonly Tensor[], attrs: A) => Tensor) & { readonly opName: string };

/** Declares a differentiable op once; returns the function that applies it to tensors. */
export function definePrimitive<A = undefined>(spec: PrimitiveSpec<A>): Primitive<A> {
  const apply = (inputs: readonly Tensor[], attrs: A): Tensor => {
    const backend = getBackend();
    const result = spec.forward(
      inputs.map((t) => t.data),
      attrs,
      backend,
    );
    const output = 'output' in result ? result.output : result;
    const saved = 'output' in result ? result.saved : [];
    if (isAnomalyMode()) assertFinite(spec.name, 'forward', output, inputs);

    const needsGraph = spec.backward !== undefined && isGradEnabled() && inputs.some((t) => t.requiresGrad);
    if (!needsGraph) return new Tensor(output, false);

    const backward = spec.backward;
    const node: GraphNode = {
      op: spec.name,
      inputs,
      saved,
      backward: (grad, out, createGraph) => {
        const grads = backward!(grad, {
          inputs: node.inputs,
          output: out,
          saved: node.saved,
          attrs,
          createGraph,
          op: gradOps(),
        });
        if (grads.length !== node.inputs.length) {
          throw new Error(
            `${spec.name}: backward returned ${grads.length} gradients for ${node.inputs.length} inputs`,
          );
        }
        return grads;
      },
    };
    return new Tensor(output, true, node);
  };
  return Object.assign(apply, { opName: spec.name });
}

/** Throws naming the op and shapes if `arr` holds NaN or Inf (anomaly mode). */
export function assertFinite(
  op: string,
  phase: 'forward' | 'backward',
  arr: NDArray,
  inputs: readonly Tensor[],
): void {
  if (arr.dtype === 'int32') return;
  const v = arr.values();
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      const shapes = inputs.map((t) => formatShape(t.shape)).join(', ');
      // Inside a backward, name the op being differentiated, not the primitive its backward used.
      const outer = currentBackwardOp();
      const who = outer !== null ? `${outer} backward` : `${op} ${phase}`;
      const inner = outer !== null && outer !== op ? ` in ${op}` : '';
      throw new Error(
        `anomaly: ${who} produced ${v[i]} at flat index ${i} of output ${formatShape(arr.shape)} (inputs ${shapes}${inner})`,
      );
    }
  }
}
