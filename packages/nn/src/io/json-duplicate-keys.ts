/**
 * JSON.parse keeps the last of two equal keys without a word; a safetensors header with a repeated
 * tensor name (or a repeated "dtype") could then mean two different things to two readers. This scanner
 * walks already-validated JSON text and reports the first object that repeats a key.
 */

export interface DuplicateKey {
  /** The repeated key, with escapes decoded ("a" and "\u0061" are the same key). */
  key: string;
  /** The key of the enclosing object in its parent, or null for the top-level object. */
  parentKey: string | null;
}

interface Frame {
  isObject: boolean;
  keys: Set<string>;
  expectKey: boolean;
  parentKey: string | null;
  lastKey: string | null;
}

/** Finds the first repeated key in any object of `json`, which must already be valid JSON. */
export function findDuplicateKey(json: string): DuplicateKey | null {
  const stack: Frame[] = [];
  const top = (): Frame | undefined => stack[stack.length - 1];
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = top();
      stack.push({
        isObject: c === 0x7b,
        keys: new Set(),
        expectKey: c === 0x7b,
        parentKey: parent?.isObject ? parent.lastKey : (parent?.parentKey ?? null),
        lastKey: null,
      });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const frame = top();
      if (frame?.isObject) frame.expectKey = true;
    } else if (c === 0x22 /* " */) {
      const end = endOfString(json, i);
      const frame = top();
      if (frame?.isObject && frame.expectKey) {
        const key: string = JSON.parse(json.slice(i, end + 1));
        if (frame.keys.has(key)) return { key, parentKey: frame.parentKey };
        frame.keys.add(key);
        frame.lastKey = key;
        frame.expectKey = false;
      }
      i = end;
    }
  }
  return null;
}

/** Index of the closing quote of the string literal that opens at `start`. */
function endOfString(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) return i;
  }
  return json.length - 1; // unreachable for valid JSON
}

/**
 * True when brackets (outside string literals) nest deeper than `maxDepth`. Run before JSON.parse so a
 * hostile header of a million "[" costs a linear scan, not a million nested arrays.
 */
export function exceedsNestingDepth(json: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x22) {
      i = endOfString(json, i);
    }
  }
  return false;
}
