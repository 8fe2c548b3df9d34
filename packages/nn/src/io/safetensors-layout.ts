/**
 * The byte buffer of a safetensors file must be tiled exactly by its tensors: sorted by offset, the
 * first starts at 0, each starts where the previous ends, and the last ends at the end of the file.
 * Anything else (gaps, overlaps, trailing bytes) is a sign of a corrupt or crafted file.
 */
import { SafetensorsError } from './safetensors-error';
import type { HeaderEntry } from './safetensors-header';

/** Checks that `entries` tile [0, bufferLength) exactly; returns them sorted by offset. */
export function checkLayout(entries: readonly HeaderEntry[], bufferLength: number): HeaderEntry[] {
  // Ties on begin happen only for 0-byte tensors; ordering by end keeps them before the real one, and
  // by name makes the order independent of JSON key order (which puts integer-like names first).
  const sorted = [...entries].sort(
    (a, b) => a.begin - b.begin || a.end - b.end || compareNames(a.name, b.name),
  );
  let cursor = 0;
  let previous: HeaderEntry | null = null;
  for (const entry of sorted) {
    const where = `tensor ${JSON.stringify(entry.name)} data_offsets [${entry.begin}, ${entry.end}]`;
    const after =
      previous === null ? 'the start of the data' : `${JSON.stringify(previous.name)} (ends at ${cursor})`;
    if (entry.begin > cursor) {
      throw new SafetensorsError(
        'OFFSET_GAP',
        `${where} leave ${entry.begin - cursor} unused bytes after ${after}`,
        entry.name,
      );
    }
    if (entry.begin < cursor) {
      throw new SafetensorsError('OFFSET_OVERLAP', `${where} overlap ${after}`, entry.name);
    }
    if (entry.end > bufferLength) {
      throw new SafetensorsError(
        'DATA_OUT_OF_BOUNDS',
        `${where} run past the end of the data buffer (${bufferLength} bytes)`,
        entry.name,
      );
    }
    cursor = entry.end;
    previous = entry;
  }
  if (cursor !== bufferLength) {
    const last = previous === null ? 'no tensors' : `the last tensor ${JSON.stringify(previous.name)}`;
    throw new SafetensorsError(
      'TRAILING_BYTES',
      `${bufferLength - cursor} bytes after ${last} (data ends at ${cursor}, buffer is ${bufferLength} bytes)`,
      previous?.name,
    );
  }
  return sorted;
}

/** Code-unit order, the order the writer sorts names in. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
