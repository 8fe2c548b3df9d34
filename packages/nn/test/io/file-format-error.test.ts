// parseWithSchema's errors name the key path and say what is wrong in words a file's author can act on.
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { FileFormatError, parseWithSchema } from '../../src/index';

const Schema = v.strictObject({ outer: v.strictObject({ lr: v.number(), epochs: v.optional(v.number()) }) });

describe('parseWithSchema', () => {
  it('names a key that a strict object does not define as unknown, with its path (typos, __proto__, constructor)', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'Lr', 'epoch'),
    );
    fc.assert(
      fc.property(
        key.filter((k) => k !== 'lr' && k !== 'epochs'),
        (k) => {
          // JSON.parse makes `k` an own key even when it is __proto__, as a file read from disk would.
          const value: unknown = JSON.parse(`{"outer":{"lr":0.1,${JSON.stringify(k)}:1}}`);
          let error: unknown = null;
          try {
            parseWithSchema(Schema, value, 'grid.json', 'sweep grid');
          } catch (e) {
            error = e;
          }
          if (!(error instanceof FileFormatError))
            throw new Error(`expected a FileFormatError, got ${error}`);
          expect(error.keyPath).toBe(`outer.${k}`);
          expect(error.detail).toBe(
            `unknown key ${JSON.stringify(k)}: the sweep grid format has no such key (check its spelling)`,
          );
        },
      ),
    );
  });

  it("keeps valibot's message for other problems", () => {
    expect(() => parseWithSchema(Schema, { outer: { lr: 'x' } }, 'grid.json', 'sweep grid')).toThrow(
      /^grid\.json: sweep grid: outer\.lr: Invalid type: Expected number but received "x"$/,
    );
  });
});
