/** Peak memory of the process, sampled by the training loop (Node keeps no high-water mark itself). */

export interface MemoryPeaks {
  /** Largest resident set size seen, in MiB. */
  rssMB: number;
  /** Largest V8 heap in use seen, in MiB. */
  heapMB: number;
}

const MB = 1024 * 1024;

/** Tracks the largest rss and heapUsed over calls to sample(). */
export class PeakMemory {
  private rss = 0;
  private heap = 0;

  /** Reads process.memoryUsage() and updates the peaks; cheap enough to call every step. */
  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.rss) this.rss = m.rss;
    if (m.heapUsed > this.heap) this.heap = m.heapUsed;
  }

  get peaks(): MemoryPeaks {
    return { rssMB: this.rss / MB, heapMB: this.heap / MB };
  }
}
