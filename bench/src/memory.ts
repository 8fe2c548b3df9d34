/**
 * Peak memory of a training step, sampled where it peaks (after backward, while activations and gradients
 * are both alive): JS heap plus ArrayBuffers (typed arrays, WASM memory) of the whole process.
 */
let peakBytes = 0;

/** Records the current heap + ArrayBuffer bytes if they exceed the peak so far. */
export function sampleMemory(): void {
  const m = process.memoryUsage();
  peakBytes = Math.max(peakBytes, m.heapUsed + m.arrayBuffers);
}

/** Starts a new measurement window; returns the bytes in use now (the baseline). */
export function resetPeak(): number {
  const m = process.memoryUsage();
  peakBytes = m.heapUsed + m.arrayBuffers;
  return peakBytes;
}

/** Highest sampled bytes since the last reset. */
export function peak(): number {
  return peakBytes;
}
