/**
 * Reverse-mode differentiation: an iterative topological sort (deep chains never overflow the stack),
 * then one pass from the output back, accumulating each tensor's gradient before it is propagated.
 */
import { closeAllocationLog, formatShape, openAllocationLog, shapesEqual, zeros } from '@gqa-lab/tensor';
import { GradBuffers } from './grad-buffers';
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

/** Where propagated gradients land: `.grad` of leaves (backward) or a result map (grad). Returns whether g was stored. */
type GradSink = (t: Tensor, g: Tensor, createGraph: boolean) => boolean;

const accumulateIntoGrad: GradSink = (t, g, createGraph) => {
  if (!t.isLeaf && !t.retainsGrad) return false;
  const stored = createGraph ? g : g.detach();
  t.grad = t.grad ? addGrads(t.grad, stored) : stored;
  return true;
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
  const log = openAllocationLog();
  const buffers = new GradBuffers(createGraph ? null : log);
  buffers.hold(grad);
  try {
    withGradMode(createGraph, () => {
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i];
        const held = grads.get(t);
        if (held === undefined) continue;
        grads.delete(t);
        let g = held;
        if (t.hooks.length > 0) {
          buffers.escape(held);
          for (const hook of t.hooks) g = hook(g) ?? g;
          buffers.escape(g);
        }
        if (sink(t, g, createGraph)) buffers.escape(g);
        const node = t.node;
        if (!node) {
          buffers.drop(held);
          continue;
        }
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
          buffers.hold(ig);
          const prev = grads.get(input);
          if (prev === undefined) {
            grads.set(input, ig);
            continue;
          }
          const sum = addGrads(prev, ig);
          buffers.hold(sum);
          buffers.drop(prev);
          buffers.drop(ig);
          grads.set(input, sum);
        }
        buffers.drop(held); // after the inputs' holds: a gradient passed straight through stays pending
        if (!retainGraph) {
          node.backward = null;
          node.inputs = [];
          node.saved = [];
        }
      }
    });
  } finally {
    closeAllocationLog(log);
  }
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
