/** Optional per-layer, per-step records of key-head norms and allocations, for reports and plots. */

export interface AttentionRecord {
  readonly layer: string;
  /** The step the caller passed to forward (undefined when none). */
  readonly step: number | undefined;
  readonly training: boolean;
  /** Batch-summed key-head norms (G). */
  readonly keyNorms: Float64Array;
  /** Query heads per KV head (G); per-sample allocations are recorded one record per sample. */
  readonly allocation: Int32Array;
}

/**
 * Collects AttentionRecords. Layers only compute what they record when a recorder is attached
 * (`layer.telemetry = { recorder, layer: 'blocks.0.attn' }`); with none attached they do no work.
 */
export class TelemetryRecorder {
  readonly records: AttentionRecord[] = [];

  record(r: AttentionRecord): void {
    this.records.push({
      ...r,
      keyNorms: Float64Array.from(r.keyNorms),
      allocation: Int32Array.from(r.allocation),
    });
  }

  /** Records of one layer, in order. */
  forLayer(layer: string): AttentionRecord[] {
    return this.records.filter((r) => r.layer === layer);
  }

  clear(): void {
    this.records.length = 0;
  }

  /** Plain JSON (arrays instead of typed arrays). */
  toJSON(): {
    layer: string;
    step: number | null;
    training: boolean;
    keyNorms: number[];
    allocation: number[];
  }[] {
    return this.records.map((r) => ({
      layer: r.layer,
      step: r.step ?? null,
      training: r.training,
      keyNorms: Array.from(r.keyNorms),
      allocation: Array.from(r.allocation),
    }));
  }
}

/** Where a layer sends its records. */
export interface TelemetryTarget {
  readonly recorder: TelemetryRecorder;
  readonly layer: string;
}
