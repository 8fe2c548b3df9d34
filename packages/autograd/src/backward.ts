/**
 * Reverse-mode differentiation: an iterative topological sort (deep chains never overflow the stack),
 * then one pass from the output back, accumulating each tensor's gradient before it is propagated.
 */
import { closeAllocationLog, formatShape, openAllocationLog, shapesEqual, zeros } from '@gqa-lab/tensor';
import { PendingGrads } from './grad-buffers';
import { inBackwardOf, isAnomalyMode, withGradMode } from './grad-mode';
import { addGrads, onesLike } from './grad-utils';
import { assertFinite } from './primitive';
import { type BackwardOptions, type GraphNode, installBackward, Tensor } from './tensor';

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

/** Where propagated gradients land: `.grad` of leaves (backward) or a result map (grad). Returns whether g was stored. */
type GradSink = (t: Tensor, g: Tensor, createGraph: boolean) => boolean;

const accumulateIntoGrad: GradSink = (t, g, createGraph) => {
  if (!t.isLeaf && !t.retainsGrad) return false;
  const stored = createGraph ? g : g.detach();
  t.grad = t.grad ? addGrads(t.grad, stored) : stored;
  return true;
};

/** Checks a root and its output gradient (ones for a scalar root when none is given). */
function rootGrad(root: Tensor, grad: Tensor | undefined): Tensor {
  if (!root.requiresGrad) {
    throw new Error(`backward: tensor ${formatShape(root.shape)} does not require grad and has no graph`);
  }
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new Error(
        `backward: output of shape ${formatShape(root.shape)} is not a scalar; pass the gradient explicitly`,
      );
    }
    return onesLike(root);
  }
  if (!shapesEqual(grad.shape, root.shape)) {
    throw new Error(
      `backward: gradient shape ${formatShape(grad.shape)} does not match output ${formatShape(root.shape)}`,
    );
  }
  return grad;
}

/** t's hooks applied in order to its gradient (a hook may replace it). */
function runHooks(t: Tensor, g: Tensor): Tensor {
  for (const hook of t.hooks) g = hook(g) ?? g;
  return g;
}

/** The node's backward for output gradient g, each input gradient checked against its input's shape. */
function nodeBackward(
  node: GraphNode,
  g: Tensor,
  t: Tensor,
  createGraph: boolean,
): readonly (Tensor | null)[] {
  const run = node.backward;
  if (!run) {
    throw new Error(
      `backward: the graph through '${node.op}' was freed by an earlier backward(); pass { retainGraph: true } to the first call`,
    );
  }
  const grads = isAnomalyMode()
    ? inBackwardOf(node.op, () => run(g, t, createGraph))
    : run(g, t, createGraph);
  grads.forEach((ig, k) => {
    const input = node.inputs[k];
    if (ig === null || !input.requiresGrad) return;
    if (!shapesEqual(ig.shape, input.shape)) {
      throw new Error(
        `${node.op}: backward produced a gradient of shape ${formatShape(ig.shape)} for input ${k} of shape ${formatShape(input.shape)}`,
      );
    }
    if (isAnomalyMode()) inBackwardOf(node.op, () => assertFinite(node.op, 'backward', ig.data, node.inputs));
  });
  return grads;
}

/**
 * The backward pass (micrograd's `backward`): walk the graph from the root in reverse topological order, so
 * a tensor's gradient is complete when it is reached; hand it to the sink; run its node's backward and add
 * each input's share to that input's pending gradient.
 */
function propagate(root: Tensor, grad: Tensor | undefined, opts: BackwardOptions, sink: GradSink): void {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const order = topologicalOrder(root);
  const log = openAllocationLog();
  const pending = new PendingGrads(createGraph ? null : log);
  pending.add(root, rootGrad(root, grad));
  try {
    withGradMode(createGraph, () => {
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i];
        const g = pending.take(t); // dL/dt
        if (g === undefined) continue;
        const gt = runHooks(t, g);
        const stored = sink(t, gt, createGraph);
        const node = t.node;
        if (node) {
          const inputGrads = nodeBackward(node, gt, t, createGraph);
          node.inputs.forEach((input, k) => {
            const ig = inputGrads[k];
            if (ig !== null && input.requiresGrad) pending.add(input, ig);
          });
          if (!retainGraph) freeNode(node);
        }
        pending.done(g, t.hooks.length > 0 ? [g, gt] : stored ? [gt] : []);
      }
    });
  } finally {
    closeAllocationLog(log);
  }
}

/** Drops what a node holds for its backward (the graph cannot be walked again). */
function freeNode(node: GraphNode): void {
  node.backward = null;
  node.inputs = [];
  node.saved = [];
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
    if (!wanted.has(t)) return false;
    const stored = createGraph ? g : g.detach();
    const prev = found.get(t);
    found.set(t, prev ? addGrads(prev, stored) : stored);
    return true;
  });
  return inputs.map((t) => found.get(t) ?? new Tensor(zeros(t.shape, t.dtype), false));
}
