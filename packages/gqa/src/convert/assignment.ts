/**
 * Assignments of H heads to G key/value groups: an Int32Array(H) of group ids 0..G-1, every group non-empty.
 * Unequal group sizes are allowed (QCQA / AsymGQA); contiguous equal chunks are GQA's mean pooling.
 */

/** A validated assignment: the ids, the group count and each group's member heads in ascending order. */
export interface GroupLayout {
  readonly assignment: Int32Array;
  readonly numGroups: number;
  /** members[g] = the heads of group g, ascending. */
  readonly members: readonly (readonly number[])[];
}

/**
 * Checks that `assignment` maps `numHeads` heads onto groups 0..G-1 with no empty group and returns its layout.
 * `where` names the caller in the error message.
 */
export function validateAssignment(
  assignment: ArrayLike<number>,
  numHeads: number,
  where = 'assignment',
): GroupLayout {
  if (!Number.isInteger(numHeads) || numHeads <= 0) {
    throw new RangeError(`${where}: numHeads must be a positive integer, got ${numHeads}`);
  }
  if (assignment.length !== numHeads) {
    throw new RangeError(
      `${where}: assignment has ${assignment.length} entries, expected one per head (H = ${numHeads})`,
    );
  }
  let maxId = -1;
  for (let h = 0; h < numHeads; h++) {
    const g = assignment[h];
    if (!Number.isInteger(g) || g < 0 || g >= numHeads) {
      throw new RangeError(`${where}: head ${h} has group id ${g}; ids must be integers in [0, ${numHeads})`);
    }
    if (g > maxId) maxId = g;
  }
  const numGroups = maxId + 1;
  const members: number[][] = Array.from({ length: numGroups }, () => []);
  for (let h = 0; h < numHeads; h++) members[assignment[h]].push(h);
  const empty = members.findIndex((m) => m.length === 0);
  if (empty >= 0) {
    throw new RangeError(
      `${where}: group ${empty} is empty; ids must be exactly 0..G-1 (G = ${numGroups}) with every group used`,
    );
  }
  return { assignment: Int32Array.from(assignment), numGroups, members };
}

/** GQA mean pooling: G contiguous chunks of H / G heads (head h -> floor(h / (H / G))). Throws unless G divides H. */
export function meanPoolAssignment(numHeads: number, numGroups: number): Int32Array {
  if (!Number.isInteger(numHeads) || numHeads <= 0 || !Number.isInteger(numGroups) || numGroups <= 0) {
    throw new RangeError(
      `meanPoolAssignment: H and G must be positive integers, got H = ${numHeads}, G = ${numGroups}`,
    );
  }
  if (numHeads % numGroups !== 0) {
    throw new RangeError(
      `meanPoolAssignment: H = ${numHeads} heads cannot be split into G = ${numGroups} equal groups`,
    );
  }
  const size = numHeads / numGroups;
  return Int32Array.from({ length: numHeads }, (_, h) => Math.floor(h / size));
}

/** The MHA assignment: every head its own group (h -> h). */
export function identityAssignment(numHeads: number): Int32Array {
  return Int32Array.from({ length: numHeads }, (_, h) => h);
}

/**
 * Relabels group ids in order of each group's first head, so equal partitions get equal vectors
 * (e.g. [2, 2, 0, 1] -> [0, 0, 1, 2]). Any non-negative ids are accepted; unused ids disappear.
 */
export function canonicalAssignment(assignment: ArrayLike<number>): Int32Array {
  const relabel = new Map<number, number>();
  const out = new Int32Array(assignment.length);
  for (let h = 0; h < assignment.length; h++) {
    const g = assignment[h];
    let id = relabel.get(g);
    if (id === undefined) {
      id = relabel.size;
      relabel.set(g, id);
    }
    out[h] = id;
  }
  return out;
}

/** Head counts per group 0..G-1 of a validated assignment. */
export function groupSizes(layout: GroupLayout): Int32Array {
  return Int32Array.from(layout.members, (m) => m.length);
}

/**
 * The query-head order that makes groups contiguous: heads of group 0 (ascending), then group 1, ...
 * New head i is old head permutation[i]; the permuted map (assignment[permutation[i]]) is non-decreasing.
 */
export function contiguousQueryPermutation(layout: GroupLayout): Int32Array {
  return Int32Array.from(layout.members.flat());
}
