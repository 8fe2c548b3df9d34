/**
 * safetensors files on disk: atomic saves, and loads whose errors start with the file path.
 */
import { type AtomicFs, nodeAtomicFs, writeFileAtomic } from './atomic-write';
import type { SafeTensor } from './dtypes';
import { type ReadLimits, readLimits } from './read-limits';
import { readRegularFile } from './read-regular-file';
import { SafetensorsError } from './safetensors-error';
import { type ParsedSafetensors, parseSafetensors } from './safetensors-parse';
import { type SerializeOptions, serializeSafetensors } from './safetensors-serialize';

/** Serializes `tensors` and atomically replaces `path` with them (see writeFileAtomic). */
export async function saveSafetensorsFile(
  path: string,
  tensors: Record<string, SafeTensor> | Map<string, SafeTensor>,
  metadata?: Record<string, string>,
  opts?: SerializeOptions & { fs?: AtomicFs },
): Promise<void> {
  const bytes = serializeSafetensors(tensors, metadata, opts);
  await writeFileAtomic(path, bytes, opts?.fs ?? nodeAtomicFs);
}

/**
 * Reads and validates a safetensors file: a regular file only, within the size limits (see read-limits.ts),
 * read in parts so files over 2 GiB load too; a SafetensorsError keeps its code and gains the path.
 */
export async function loadSafetensorsFile(
  path: string,
  opts: { limits?: Partial<ReadLimits>; partBytes?: number } = {},
): Promise<ParsedSafetensors> {
  const limits = readLimits(opts.limits);
  const bytes = await readRegularFile(path, { maxBytes: limits.maxFileBytes, partBytes: opts.partBytes });
  try {
    return parseSafetensors(bytes, limits);
  } catch (e) {
    if (e instanceof SafetensorsError) {
      throw e.inFile(path);
    }
    throw e;
  }
}
