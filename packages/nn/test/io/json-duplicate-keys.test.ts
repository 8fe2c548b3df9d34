// The duplicate-key scanner must agree with a structural view of the JSON: silent on JSON.stringify
// output (which cannot repeat keys), and find a key repeated at any depth, however it is escaped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsNestingDepth, findDuplicateKey } from '../../src/io/json-duplicate-keys';

/** Every UTF-16 unit of `s` as a \uXXXX escape: the same key, spelled differently. */
function unicodeEscapes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

describe('findDuplicateKey', () => {
  it('finds nothing in JSON written by JSON.stringify', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (json) => {
        expect(findDuplicateKey(json)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('finds a key repeated inside a nested object, with its parent key', () => {
    fc.assert(
      fc.property(
        // Not "a": that key is already used by the decoy at the top level.
        fc.string({ unit: 'grapheme', maxLength: 6 }).filter((p) => p !== 'a'),
        fc.string({ unit: 'grapheme', maxLength: 6 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.boolean(),
        (parent, key, value, escapeSecond) => {
          const v = JSON.stringify(value);
          const second = escapeSecond ? `"${unicodeEscapes(key)}"` : JSON.stringify(key);
          const json = `{"a":[1,{"x":"}"}],${JSON.stringify(parent)}:{${JSON.stringify(key)}:${v},${second}:${v}}}`;
          expect(JSON.parse(json)).toBeTypeOf('object'); // the test input itself is valid JSON
          expect(findDuplicateKey(json)).toEqual({ key, parentKey: parent });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ignores braces, quotes and commas inside strings, and equal keys in different objects', () => {
    expect(
      findDuplicateKey('{"a":"{\\"a\\":1,","b":["a","a"],"c":{"a":1},"d":[{"k":1},{"k":2}]}'),
    ).toBeNull();
    expect(findDuplicateKey('{"a":"{\\"a\\":1,","a":2}')).toEqual({ key: 'a', parentKey: null });
  });
});

describe('exceedsNestingDepth', () => {
  it('counts only brackets outside strings', () => {
    expect(exceedsNestingDepth('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(exceedsNestingDepth('{"a":{"b":[[1]]}}', 3)).toBe(true);
    expect(exceedsNestingDepth('{"[[[[": "{{{{"}', 1)).toBe(false);
  });
});
