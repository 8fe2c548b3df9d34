/**
 * Variation operators on head -> group vectors for the QCQA search. Group labels are arbitrary, so every
 * operator returns the canonical vector (ids relabelled by first head), which is also the repair step:
 * any vector of non-negative ids becomes a valid assignment with groups 0..G-1, none empty.
 */
import type { Rng } from '@gqa-lab/tensor';
import { canonicalAssignment } from '../convert/assignment';

/** A random assignment: G uniform in [1, H], then each head a uniform group in [0, G). */
export function randomAssignment(numHeads: number, rng: Rng): Int32Array {
  const g = 1 + rng.int(numHeads);
  return canonicalAssignment(Int32Array.from({ length: numHeads }, () => rng.int(g)));
}

/**
 * Group-preserving crossover (grouping-GA style): each group of parent a is inherited intact with probability
 * 1/2; the remaining heads keep parent b's grouping among themselves. Unlike per-gene crossover this does not
 * depend on how the parents happen to number their groups.
 */
export function groupCrossover(a: Int32Array, b: Int32Array, rng: Rng): Int32Array {
  const groupsA = Math.max(...a) + 1;
  const keep = Array.from({ length: groupsA }, () => rng.next() < 0.5);
  // Offsetting b's ids past a's keeps the two sources of groups apart.
  const child = Int32Array.from(a, (g, h) => (keep[g] ? g : groupsA + b[h]));
  return canonicalAssignment(child);
}

/**
 * Mutation: each head moves with probability `moveRate` to a uniform group among the existing ones or a new
 * one; then, with probability `structuralRate`, either two random groups merge or a random group of two or
 * more splits at random (whichever applies), so the search walks along the KV-cache axis too.
 */
export function mutateAssignment(
  parent: Int32Array,
  rng: Rng,
  moveRate: number,
  structuralRate: number,
): Int32Array {
  const child = Int32Array.from(parent);
  const h = child.length;
  let groups = Math.max(...child) + 1;
  for (let i = 0; i < h; i++) {
    if (rng.next() >= moveRate) continue;
    const target = rng.int(groups + 1);
    child[i] = target;
    if (target === groups) groups++;
  }
  const canon = canonicalAssignment(child);
  if (rng.next() >= structuralRate) return canon;
  groups = Math.max(...canon) + 1;
  const splittable = Array.from({ length: groups }, (_, g) => g).filter(
    (g) => canon.filter((x) => x === g).length > 1,
  );
  const merge = groups > 1 && (splittable.length === 0 || rng.next() < 0.5);
  if (merge) {
    const from = rng.int(groups);
    const into = (from + 1 + rng.int(groups - 1)) % groups;
    for (let i = 0; i < h; i++) if (canon[i] === from) canon[i] = into;
  } else if (splittable.length > 0) {
    const g = splittable[rng.int(splittable.length)];
    const members = Array.from(canon.keys()).filter((i) => canon[i] === g);
    // Keep the first member in place so the split is never a no-op; others leave with probability 1/2.
    let moved = false;
    for (const i of members.slice(1)) {
      if (rng.next() < 0.5) {
        canon[i] = groups;
        moved = true;
      }
    }
    if (!moved) canon[members[members.length - 1]] = groups;
  }
  return canonicalAssignment(canon);
}
