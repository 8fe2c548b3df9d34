/**
 * 01 — a micrograd-style walk through a small graph.
 *
 * Builds Karpathy's micrograd README expression from scalars, prints every intermediate value, then runs
 * backward() and prints each leaf's gradient. Run: `npx tsx examples/01-micrograd-graph.ts`.
 */
import * as T from '@gqa-lab/autograd';

const show = (name: string, t: T.Tensor) => console.log(`${name.padEnd(4)} = ${t.item().toFixed(4)}`);

// Leaves: float64 scalars that want gradients.
const a = T.tensor(-4, { dtype: 'float64', requiresGrad: true, name: 'a' });
const b = T.tensor(2, { dtype: 'float64', requiresGrad: true, name: 'b' });

// Forward: each line records one or more primitives on the tape.
let c = T.add(a, b);
let d = T.add(T.mul(a, b), T.pow(b, 3));
c = T.add(c, T.add(c, 1));
c = T.add(c, T.add(T.add(1, c), T.neg(a)));
d = T.add(d, T.add(T.mul(d, 2), T.relu(T.add(b, a))));
d = T.add(d, T.add(T.mul(3, d), T.relu(T.sub(b, a))));
const e = T.sub(c, d);
const f = T.pow(e, 2);
let g = T.div(f, 2);
g = T.add(g, T.div(10, f));

console.log('forward');
for (const [name, t] of [
  ['a', a],
  ['b', b],
  ['c', c],
  ['d', d],
  ['e', e],
  ['f', f],
  ['g', g],
] as const) {
  show(name, t);
}

// The tape, newest op first: what backward() will walk.
const order = T.topologicalOrder(g).filter((t) => t.node !== null);
console.log(
  `\ntape: ${order.length} recorded ops, e.g. ${order
    .slice(-5)
    .reverse()
    .map((t) => t.node?.op)
    .join(' <- ')}`,
);

g.backward();
console.log('\nbackward (micrograd prints 138.8338 and 645.5773)');
console.log(`dg/da = ${a.grad?.item().toFixed(4)}`);
console.log(`dg/db = ${b.grad?.item().toFixed(4)}`);
