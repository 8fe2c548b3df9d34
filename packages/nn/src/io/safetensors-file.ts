/**
 * safetensors files on disk: atomic saves, and loads whose errors start with the file path.
 */
import { readFile } from 'node:fs/promises';
import { type AtomicFs, nodeAtomicFs, writeFileAtomic } from './atomic-write';
import type { SafeTensor } from './dtypes';
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

/** Reads and validates a safetensors file; a SafetensorsError keeps its code and gains the path. */
export async function loadSafetensorsFile(path: string): Promise<ParsedSafetensors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`${path}: cannot read safetensors file: ${reason}`, { cause: e });
  }
  try {
    return parseSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) {
      throw e.inFile(path);
    }
    throw e;
  }
}
