/**
 * Cell ids: the SHA-256 of a config's canonical JSON (keys sorted at every level, no whitespace), so the
 * same resolved config gets the same id on every machine and in every run, whatever order its keys were
 * written in; any changed setting gives another id.
 */
import { createHash } from 'node:crypto';

/** A JSON value the id is computed from. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** JSON with object keys sorted, recursively; numbers as JSON.stringify writes them (shortest round trip). */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`canonicalJson: ${value} has no JSON form`);
  }
  return JSON.stringify(value);
}

/** The first 16 hex digits (64 bits) of the SHA-256 of the canonical JSON: short enough for a folder name. */
export function configId(value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
