/**
 * One typed helper that builds a backend's kernel tables from the op-name lists in backend.ts: the table has
 * a kernel for every op by construction (the list defines the op union), with no casts.
 */

function hasEvery<Op extends string, K>(
  table: Partial<Record<Op, K>>,
  ops: readonly Op[],
): table is Record<Op, K> {
  return ops.every((op) => table[op] !== undefined);
}

/** `{ [op]: make(op) }` for every op of `ops`, e.g. kernelTable(UNARY_OPS, (op) => (x: NDArray) => f(op, x)). */
export function kernelTable<Op extends string, K>(ops: readonly Op[], make: (op: Op) => K): Record<Op, K> {
  const table: Partial<Record<Op, K>> = {};
  for (const op of ops) table[op] = make(op);
  if (!hasEvery(table, ops)) throw new Error(`kernelTable: a kernel is missing for one of ${ops.join(', ')}`);
  return table;
}
