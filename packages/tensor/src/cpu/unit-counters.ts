/**
 * The shared counters of a pool job, Int32Array(3) on a SharedArrayBuffer: [next unit to take, units done,
 * units failed]. Every thread, the caller included, takes units one at a time until none are left; the
 * caller then waits until all are done. Which thread computes a unit never changes its value, so results do
 * not depend on the thread count or on timing.
 */

const NEXT = 0;
const DONE = 1;
const FAILED = 2;

/**
 * Computes units taken from the counters until `total` is reached; wakes the caller after the last one.
 * A unit that throws still counts as done (so the caller never waits forever) and is recorded as failed.
 */
export function takeUnitsOf(control: Int32Array, total: number, run: (unit: number) => void): void {
  for (;;) {
    const u = Atomics.add(control, NEXT, 1);
    if (u >= total) return;
    try {
      run(u);
    } catch {
      Atomics.add(control, FAILED, 1);
    }
    if (Atomics.add(control, DONE, 1) + 1 === total) Atomics.notify(control, DONE);
  }
}

/** Number of units whose computation threw. */
export function failedUnits(control: Int32Array): number {
  return Atomics.load(control, FAILED);
}

/**
 * Blocks until `total` units are done (the caller has already taken its share). With a timeout
 * (milliseconds) it gives up and returns false when no unit finished for that long.
 */
export function waitForUnits(
  control: Int32Array,
  total: number,
  timeoutMs = Number.POSITIVE_INFINITY,
): boolean {
  for (let done = Atomics.load(control, DONE); done < total; done = Atomics.load(control, DONE)) {
    if (Atomics.wait(control, DONE, done, timeoutMs) === 'timed-out') return false;
  }
  return true;
}
