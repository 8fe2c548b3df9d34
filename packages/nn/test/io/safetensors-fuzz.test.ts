// Fuzzing the reader: random bytes, random JSON headers and mutated valid files must either parse into
// self-consistent tensors or throw SafetensorsError, never any other error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseSafetensors,
  SAFE_DTYPE_BYTES,
  SafetensorsError,
  type SafetensorsErrorCode,
  serializeSafetensors,
} from '../../src/io';
import { metadataArb, tensorMapArb } from './safetensors-arbitraries';
import { fileFrom } from './safetensors-file-builder';

// Every code, spelled out so the compiler flags a new code missing here.
const CODE_TABLE: Record<SafetensorsErrorCode, true> = {
  FILE_TOO_SMALL: true,
  HEADER_TOO_LARGE: true,
  TENSOR_TOO_LARGE: true,
  HEADER_OUT_OF_BOUNDS: true,
  INVALID_UTF8: true,
  INVALID_JSON: true,
  HEADER_NOT_OBJECT: true,
  HEADER_TOO_DEEP: true,
  DUPLICATE_KEY: true,
  INVALID_ENTRY: true,
  UNKNOWN_DTYPE: true,
  INVALID_SHAPE: true,
  INVALID_OFFSETS: true,
  SIZE_MISMATCH: true,
  OFFSET_GAP: true,
  OFFSET_OVERLAP: true,
  DATA_OUT_OF_BOUNDS: true,
  TRAILING_BYTES: true,
  INVALID_METADATA: true,
  INVALID_TENSOR: true,
};
const ALL_CODES = Object.keys(CODE_TABLE);

/** Rejection codes seen by all fuzzers of this file, so the last test can check they go deep enough. */
const seenCodes = new Set<string>();

/** Parses `bytes`; a success must be internally consistent, a failure must be a SafetensorsError. */
function parseOrRefuse(bytes: Uint8Array): void {
  let parsed: ReturnType<typeof parseSafetensors>;
  try {
    // A small tensor limit, so the fuzzers also reach TENSOR_TOO_LARGE (generated tensors reach 2 KiB, most stay under 64 bytes).
    parsed = parseSafetensors(bytes, { maxTensorBytes: 64 });
  } catch (e) {
    if (!(e instanceof SafetensorsError))
      throw new Error(`non-SafetensorsError thrown: ${String(e)}`, { cause: e });
    seenCodes.add(e.code);
    return;
  }
  let total = 0;
  for (const [name, t] of parsed.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    expect(t.data.length, name).toBe(n);
    expect(t.data.byteLength, name).toBe(n * SAFE_DTYPE_BYTES[t.dtype]);
    total += t.data.byteLength;
  }
  expect(total).toBeLessThanOrEqual(bytes.length - 8);
  for (const v of Object.values(parsed.metadata)) expect(typeof v).toBe('string');
  // Whatever was accepted must survive a round trip through the writer.
  const again = parseSafetensors(serializeSafetensors(parsed.tensors, parsed.metadata));
  expect([...again.tensors.keys()].sort()).toEqual([...parsed.tensors.keys()].sort());
}

const validFileArb = fc
  .tuple(tensorMapArb, fc.option(metadataArb, { nil: undefined }))
  .map(([tensors, metadata]) => serializeSafetensors(tensors, metadata));

type Mutation = (bytes: Uint8Array) => Uint8Array;

const setByte =
  (at: number, value: number): Mutation =>
  (b) => {
    const out = b.slice();
    if (out.length > 0) out[at % out.length] = value;
    return out;
  };

const flipBit =
  (at: number, bit: number): Mutation =>
  (b) => {
    const out = b.slice();
    if (out.length > 0) out[at % out.length] ^= 1 << bit;
    return out;
  };

const truncate =
  (cut: number): Mutation =>
  (b) =>
    b.slice(0, cut % (b.length + 1));

const insertBytes =
  (at: number, extra: Uint8Array): Mutation =>
  (b) => {
    const i = at % (b.length + 1);
    const out = new Uint8Array(b.length + extra.length);
    out.set(b.subarray(0, i));
    out.set(extra, i);
    out.set(b.subarray(i), i + extra.length);
    return out;
  };

/** Rewrites the u64 header length (when an earlier truncation left one) from its old value. */
const editLength =
  (edit: (old: bigint) => bigint): Mutation =>
  (b) => {
    if (b.length < 8) return b;
    const out = b.slice();
    const view = new DataView(out.buffer);
    const length = edit(view.getBigUint64(0, true));
    if (length >= 0n && length < 2n ** 64n) view.setBigUint64(0, length, true);
    return out;
  };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, value]) => setByte(at, value)),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([at, bit]) => flipBit(at, bit)),
  fc.nat().map(truncate),
  fc
    .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 9 }))
    .map(([at, extra]) => insertBytes(at, extra)),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((length) => editLength(() => length)),
  fc.integer({ min: -16, max: 16 }).map((delta) => editLength((old) => old + BigInt(delta))),
);

/** Rewrites one JSON value inside the header of a valid file, keeping the length field honest. */
const headerEditArb = fc.tuple(
  validFileArb,
  fc.nat(),
  fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    fc.constantFrom(
      '-1',
      '1e400',
      '9007199254740993',
      '"F32"',
      '"I64"',
      '[]',
      '[0]',
      '[0,0]',
      '{}',
      'null',
      '0.5',
    ),
    fc.integer({ min: -2, max: 300 }).map(String),
  ),
);

/** Splits a file into header text and data. */
function splitFile(file: Uint8Array): { header: string; data: Uint8Array } {
  const length = Number(new DataView(file.buffer).getBigUint64(0, true));
  return { header: new TextDecoder().decode(file.subarray(8, 8 + length)), data: file.subarray(8 + length) };
}

const ENTRY = /"(?:[^"\\]|\\.)*":\{"dtype":[^{}]*\}/g;

/** Moves the at-th entry's data_offsets by `delta` (both ends), making gaps, overlaps or overruns. */
function shiftEntry(file: Uint8Array, at: number, delta: number): Uint8Array {
  const { header, data } = splitFile(file);
  const matches = [...header.matchAll(/"data_offsets":\[(\d+),(\d+)\]/g)];
  if (matches.length === 0) return file;
  const m = matches[at % matches.length];
  const moved = `"data_offsets":[${Math.max(0, Number(m[1]) + delta)},${Math.max(0, Number(m[2]) + delta)}]`;
  return fileFrom(header.slice(0, m.index) + moved + header.slice(m.index + m[0].length), data);
}

/** Writes the at-th entry twice in a row (the same name with the same offsets). */
function repeatEntry(file: Uint8Array, at: number): Uint8Array {
  const { header, data } = splitFile(file);
  const matches = [...header.matchAll(ENTRY)];
  if (matches.length === 0) return file;
  const m = matches[at % matches.length];
  const end = m.index + m[0].length;
  return fileFrom(`${header.slice(0, end)},${m[0]}${header.slice(end)}`, data);
}

function editHeader(file: Uint8Array, at: number, replacement: string): Uint8Array {
  const { header, data } = splitFile(file);
  // Replace the at-th number, string or bracket group start with the replacement.
  const tokens = [...header.matchAll(/-?\d+(\.\d+)?|"(?:[^"\\]|\\.)*"|\[[^\][]*\]/g)];
  if (tokens.length === 0) return file;
  const token = tokens[at % tokens.length];
  const start = token.index;
  const edited = header.slice(0, start) + replacement + header.slice(start + token[0].length);
  return fileFrom(edited, data);
}

describe('safetensors reader fuzzing', () => {
  it('arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (bytes) => parseOrRefuse(bytes)),
      { numRuns: 1000 },
    );
  });

  it('an honest length field followed by arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), fc.uint8Array({ maxLength: 32 }), (header, data) =>
        parseOrRefuse(fileFrom(header, data)),
      ),
      { numRuns: 1000 },
    );
  });

  it('arbitrary JSON as the header, with arbitrary data', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), fc.uint8Array({ maxLength: 32 }), (json, data) =>
        parseOrRefuse(fileFrom(json, data)),
      ),
      { numRuns: 1000 },
    );
  });

  it('valid files with one to three byte-level mutations', () => {
    fc.assert(
      fc.property(validFileArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (file, mutations) =>
        parseOrRefuse(mutations.reduce((bytes, mutate) => mutate(bytes), file)),
      ),
      { numRuns: 1000 },
    );
  });

  it('valid files with one JSON token of the header rewritten', () => {
    fc.assert(
      fc.property(headerEditArb, ([file, at, replacement]) =>
        parseOrRefuse(editHeader(file, at, replacement)),
      ),
      { numRuns: 1000 },
    );
  });

  it('valid files with one entry shifted or repeated', () => {
    fc.assert(
      fc.property(
        validFileArb,
        fc.nat(),
        fc.oneof(fc.integer({ min: -9, max: 9 }), fc.constant(null)),
        (file, at, shift) =>
          parseOrRefuse(shift === null ? repeatEntry(file, at) : shiftEntry(file, at, shift)),
      ),
      { numRuns: 500 },
    );
  });

  it('together the fuzzers reached every rejection code of the reader', () => {
    const readerCodes = ALL_CODES.filter((c) => c !== 'INVALID_TENSOR');
    expect([...seenCodes].sort()).toEqual([...readerCodes].sort());
  });

  it('unmutated valid files parse', () => {
    fc.assert(
      fc.property(validFileArb, (file) => {
        expect(() => parseSafetensors(file)).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });
});
