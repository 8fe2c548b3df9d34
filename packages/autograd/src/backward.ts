/**
 * Reverse-mode differentiation: an iterative topological sort (deep chains never overflow the stack),
 * then one pass from the output back, accumulating each tensor's gradient before it is propagated.
 */
import { formatShape, shapesEqual, zeros } from '@gqa-lab/tensor';
import { inBackwardOf, isAnomalyMode, withGradMode } from './grad-mode';
import { addGrads, onesLike } from './grad-utils';
import { assertFinite } from './primitive';
import { type BackwardOptions, installBackward, Tensor } from './tensor';

/** Tensors reachable from `root` through recorded nodes, inputs before the tensors computed from them. */
export function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: { t: Tensor; done: boolean }[] = [{ t: root, done: false }];
  while (stack.length > 0) {
    const { t, done } = stack.pop()!;
    if (done) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push({ t, done: true });
    const inputs = t.node?.inputs ?? [];
    for (const input of inputs)
      if (input.requiresGrad && !visited.has(input)) stack.push({ t: input, done: false });
  }
  return order;
}

/** Where propagated gradients land: `.grad` of leaves (backward) or a result map (grad). */
type GradSink = (t: Tensor, g: Tensor, createGraph: boolean) => void;

const accumulateIntoGrad: GradSink = (t, g, createGraph) => {
  if (!t.isLeaf && !t.retainsGrad) return;
  const stored = createGraph ? g : g.detach();
  t.grad = t.grad ? addGrads(t.grad, stored) : stored;
};

function propagate(root: Tensor, grad: Tensor | undefined, opts: BackwardOptions, sink: GradSink): void {
  if (!root.requiresGrad) {
    throw new Error(`backward: tensor ${formatShape(root.shape)} does not require grad and has no graph`);
  }
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new Error(
        `backward: output of shape ${formatShape(root.shape)} is not a scalar; pass the gradient explicitly`,
      );
    }
    grad = onesLike(root);
  } else if (!shapesEqual(grad.shape, root.shape)) {
    throw new Error(
      `backward: gradient shape ${formatShape(grad.shape)} does not match output ${formatShape(root.shape)}`,
    );
  }

  const order = topologicalOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, grad]]);
  withGradMode(createGraph, () => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      let g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      for (const hook of t.hooks) g = hook(g) ?? g;
      sink(t, g, createGraph);
      const node = t.node;
      if (!node) continue;
      if (!node.backward) {
        throw new Error(
          `backward: the graph through '${node.op}' was freed by an earlier backward(); pass { retainGraph: true } to the first call`,
        );
      }
      const run = node.backward;
      const inputGrads = isAnomalyMode()
        ? inBackwardOf(node.op, () => run(g, t, createGraph))
        : run(g, t, createGraph);
      for (let k = 0; k < node.inputs.length; k++) {
        const input = node.inputs[k];
        const ig = inputGrads[k];
        if (!input.requiresGrad || ig === null) continue;
        if (!shapesEqual(ig.shape, input.shape)) {
          throw new Error(
            `${node.op}: backward produced a gradient of shape ${formatShape(ig.shape)} for input ${k} of shape ${formatShape(input.shape)}`,
          );
        }
        if (isAnomalyMode())
          inBackwardOf(node.op, () => assertFinite(node.op, 'backward', ig.data, node.inputs));
        const prev = grads.get(input);
        grads.set(input, prev ? addGrads(prev, ig) : ig);
      }
      if (!retainGraph) {
        node.backward = null;
        node.inputs = [];
        node.saved = [];
      }
    }
  });
}

installBackward((root, grad, opts) => propagate(root, grad, opts, accumulateIntoGrad));

/**
 * Functional gradients (torch.autograd.grad): d(output)/d(inputs), leaving every `.grad` untouched.
 * Inputs the output does not depend on get zeros.
 */
export function grad(
  output: Tensor,
  inputs: readonly Tensor[],
  opts: BackwardOptions & { gradOutput?: Tensor } = {},
): Tensor[] {
  const wanted = new Set(inputs);
  const found = new Map<Tensor, Tensor>();
  propagate(output, opts.gradOutput, opts, (t, g, createGraph) => {
    if (!wanted.has(t)) return;
    const stored = createGraph ? g : g.detach();
    const prev = found.get(t);
    found.set(t, prev ? addGrads(prev, stored) : stored);
  });
  return inputs.map((t) => found.get(t) ?? new Tensor(zeros(t.shape, t.dtype), false));
}
