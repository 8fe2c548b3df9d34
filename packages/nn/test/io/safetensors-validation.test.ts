// Hand-made hostile files: each must be refused with the right SafetensorsError code, and the message
// must name the tensor and the offending offsets or values.
import { describe, expect, it } from 'vitest';
import {
  MAX_HEADER_BYTES,
  parseSafetensors,
  SafetensorsError,
  type SafetensorsErrorCode,
} from '../../src/io';
import { fileFrom, headerOf } from './safetensors-file-builder';

function rejection(bytes: Uint8Array): SafetensorsError {
  try {
    parseSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) return e;
    throw new Error(`expected a SafetensorsError, got ${String(e)}`);
  }
  throw new Error('expected the file to be rejected, it parsed');
}

const f32x2 = new Uint8Array(8);

const cases: [string, Uint8Array, SafetensorsErrorCode, string[]][] = [
  ['empty file', new Uint8Array(0), 'FILE_TOO_SMALL', ['0 bytes']],
  ['7-byte file', new Uint8Array(7), 'FILE_TOO_SMALL', ['7 bytes']],
  [
    'header length past 100 MB',
    fileFrom('{}', undefined, BigInt(MAX_HEADER_BYTES) + 1n),
    'HEADER_TOO_LARGE',
    ['100000001'],
  ],
  [
    'header length 2^64 - 1',
    fileFrom('{}', undefined, 2n ** 64n - 1n),
    'HEADER_TOO_LARGE',
    ['18446744073709551615'],
  ],
  [
    'header length past the end',
    fileFrom('{}', undefined, 3n),
    'HEADER_OUT_OF_BOUNDS',
    ['length 3 runs', '10 bytes, 2 after'],
  ],
  ['invalid UTF-8 byte', fileFrom(new Uint8Array([0x7b, 0xff, 0x7d])), 'INVALID_UTF8', ['[8, 11)']],
  ['UTF-8 encoded surrogate', fileFrom(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22])), 'INVALID_UTF8', []],
  ['zero-length header', fileFrom(''), 'INVALID_JSON', []],
  ['truncated JSON', fileFrom('{"a":'), 'INVALID_JSON', []],
  ['byte-order mark', fileFrom('\uFEFF{}'), 'INVALID_JSON', []],
  ['array header', fileFrom('[]'), 'HEADER_NOT_OBJECT', ['[]']],
  ['null header', fileFrom('null'), 'HEADER_NOT_OBJECT', ['null']],
  ['deep nesting', fileFrom('{"w":{"shape":[[1]]}}'), 'HEADER_TOO_DEEP', []],
  ['a million brackets', fileFrom('['.repeat(1_000_000)), 'HEADER_TOO_DEEP', []],
  [
    'duplicate tensor name',
    fileFrom(
      `{"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`,
    ),
    'DUPLICATE_KEY',
    ['"w"', 'top level'],
  ],
  [
    'duplicate name spelled with an escape',
    fileFrom(
      `{"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"\\u0077":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`,
    ),
    'DUPLICATE_KEY',
    ['"w"'],
  ],
  [
    'duplicate field in an entry',
    fileFrom(`{"w":{"dtype":"F32","dtype":"U8","shape":[0],"data_offsets":[0,0]}}`),
    'DUPLICATE_KEY',
    ['"dtype"', 'entry "w"'],
  ],
  [
    'duplicate metadata key',
    fileFrom(`{"__metadata__":{"a":"1","a":"2"}}`),
    'DUPLICATE_KEY',
    ['"a"', '__metadata__'],
  ],
  ['entry is an array', fileFrom('{"w":[1]}'), 'INVALID_ENTRY', ['"w"', '[1]']],
  [
    'entry misses a field',
    fileFrom('{"w":{"dtype":"U8","shape":[0]}}'),
    'INVALID_ENTRY',
    ['"w"', 'dtype, shape'],
  ],
  [
    'entry has an extra field',
    fileFrom(headerOf([['w', 'U8', [0], 0, 0]]).replace('}}', ',"x":1}}')),
    'INVALID_ENTRY',
    ['"w"', 'x'],
  ],
  [
    'unknown dtype',
    fileFrom(headerOf([['w', 'F8', [1], 0, 1]]), new Uint8Array(1)),
    'UNKNOWN_DTYPE',
    ['"w"', '"F8"'],
  ],
  [
    'lower-case dtype',
    fileFrom(headerOf([['w', 'f32', [1], 0, 4]]), new Uint8Array(4)),
    'UNKNOWN_DTYPE',
    ['"f32"'],
  ],
  ['negative dim', fileFrom(headerOf([['w', 'U8', [-1], 0, 0]])), 'INVALID_SHAPE', ['"w"', '[-1]']],
  ['fractional dim', fileFrom(headerOf([['w', 'U8', [1.5], 0, 0]])), 'INVALID_SHAPE', ['[1.5]']],
  ['unsafe dim', fileFrom(headerOf([['w', 'U8', [2 ** 53], 0, 0]])), 'INVALID_SHAPE', ['9007199254740992']],
  [
    'string dim',
    fileFrom('{"w":{"dtype":"U8","shape":["1"],"data_offsets":[0,1]}}', new Uint8Array(1)),
    'INVALID_SHAPE',
    ['["1"]'],
  ],
  [
    'one offset',
    fileFrom('{"w":{"dtype":"U8","shape":[0],"data_offsets":[0]}}'),
    'INVALID_OFFSETS',
    ['"w"', '[0]'],
  ],
  [
    'reversed offsets',
    fileFrom(headerOf([['w', 'U8', [0], 3, 2]]), new Uint8Array(3)),
    'INVALID_OFFSETS',
    ['[3,2]'],
  ],
  ['negative offset', fileFrom(headerOf([['w', 'U8', [1], -1, 0]])), 'INVALID_OFFSETS', ['[-1,0]']],
  ['offset past 2^53', fileFrom(headerOf([['w', 'U8', [1], 0, 2 ** 53 + 2]])), 'INVALID_OFFSETS', ['"w"']],
  [
    'too few bytes for the shape',
    fileFrom(headerOf([['w', 'F32', [2], 0, 4]]), new Uint8Array(4)),
    'SIZE_MISMATCH',
    ['"w"', '8 bytes', '[0, 4]'],
  ],
  [
    'a shape whose byte count overflows doubles',
    fileFrom(headerOf([['w', 'F64', [2 ** 52, 2 ** 52], 0, 8]]), new Uint8Array(8)),
    'SIZE_MISMATCH',
    ['"w"', '162259276829213363391578010288128 bytes'],
  ],
  [
    'gap before the first tensor',
    fileFrom(headerOf([['w', 'F32', [2], 4, 12]]), new Uint8Array(12)),
    'OFFSET_GAP',
    ['"w"', '[4, 12]', '4 unused bytes', 'start of the data'],
  ],
  [
    'gap between tensors',
    fileFrom(
      headerOf([
        ['a', 'U8', [2], 0, 2],
        ['b', 'U8', [2], 3, 5],
      ]),
      new Uint8Array(5),
    ),
    'OFFSET_GAP',
    ['"b"', '[3, 5]', '"a" (ends at 2)'],
  ],
  [
    'overlapping tensors',
    fileFrom(
      headerOf([
        ['a', 'F32', [2], 0, 8],
        ['b', 'F32', [1], 4, 8],
      ]),
      f32x2,
    ),
    'OFFSET_OVERLAP',
    ['"b"', '[4, 8]', '"a" (ends at 8)'],
  ],
  [
    'the same bytes claimed twice',
    fileFrom(
      headerOf([
        ['a', 'F32', [2], 0, 8],
        ['b', 'F32', [2], 0, 8],
      ]),
      f32x2,
    ),
    'OFFSET_OVERLAP',
    ['"b"', '[0, 8]'],
  ],
  [
    'a tensor past the end of the file',
    fileFrom(headerOf([['w', 'F32', [2], 0, 8]]), new Uint8Array(4)),
    'DATA_OUT_OF_BOUNDS',
    ['"w"', '[0, 8]', '4 bytes'],
  ],
  [
    'trailing bytes',
    fileFrom(headerOf([['w', 'F32', [2], 0, 8]]), new Uint8Array(9)),
    'TRAILING_BYTES',
    ['1 bytes after the last tensor "w"', '9 bytes'],
  ],
  ['data but no tensors', fileFrom('{}', new Uint8Array(3)), 'TRAILING_BYTES', ['3 bytes after no tensors']],
  ['metadata is an array', fileFrom('{"__metadata__":["a"]}'), 'INVALID_METADATA', ['["a"]']],
  [
    'metadata value is a number',
    fileFrom('{"__metadata__":{"epoch":3}}'),
    'INVALID_METADATA',
    ['"epoch"', '3'],
  ],
  [
    'metadata value is null',
    fileFrom('{"__metadata__":{"note":null}}'),
    'INVALID_METADATA',
    ['"note"', 'null'],
  ],
];

describe('parseSafetensors refuses hostile files', () => {
  const rows = cases.map(([label, bytes, code, fragments]) => ({ label, bytes, code, fragments }));
  it.each(rows)('$label -> $code', ({ bytes, code, fragments }) => {
    const error = rejection(bytes);
    expect(error.code).toBe(code);
    expect(error.message).toContain(code);
    for (const fragment of fragments) expect(error.message).toContain(fragment);
  });

  it('records the offending tensor name on the error', () => {
    const error = rejection(fileFrom(headerOf([['weight', 'F32', [3], 0, 8]]), f32x2));
    expect(error.tensor).toBe('weight');
  });
});

describe('parseSafetensors accepts unusual but valid files', () => {
  it('header entries out of offset order, unaligned F32 and I64 after a 1-byte U8', () => {
    const data = new Uint8Array(1 + 4 + 8);
    const view = new DataView(data.buffer);
    data[0] = 7;
    view.setFloat32(1, -1.25, true);
    view.setBigInt64(5, -(2n ** 62n), true);
    const header = headerOf([
      ['z', 'I64', [], 5, 13],
      ['y', 'F32', [1], 1, 5],
      ['x', 'U8', [1], 0, 1],
    ]);
    const { tensors } = parseSafetensors(fileFrom(header, data));
    expect([...tensors.keys()]).toEqual(['x', 'y', 'z']);
    expect(tensors.get('x')!.data).toEqual(new Uint8Array([7]));
    expect(tensors.get('y')!.data).toEqual(new Float32Array([-1.25]));
    expect(tensors.get('z')!.data).toEqual(new BigInt64Array([-(2n ** 62n)]));
  });

  it('a Uint8Array that is an unaligned window into a larger buffer', () => {
    const file = fileFrom(
      headerOf([['w', 'F64', [1], 0, 8]]),
      new Uint8Array(new Float64Array([Math.PI]).buffer),
    );
    const host = new Uint8Array(file.length + 3);
    host.set(file, 3);
    const { tensors } = parseSafetensors(host.subarray(3));
    expect(tensors.get('w')!.data).toEqual(new Float64Array([Math.PI]));
  });

  it('0-byte tensors at the start, between tensors and at the end', () => {
    const header = headerOf([
      ['a', 'U8', [0], 0, 0],
      ['b', 'U8', [2], 0, 2],
      ['c', 'F32', [0, 5], 2, 2],
      ['d', 'U8', [1], 2, 3],
      ['e', 'I64', [3, 0], 3, 3],
    ]);
    const { tensors } = parseSafetensors(fileFrom(header, new Uint8Array([1, 2, 3])));
    expect([...tensors.keys()]).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(tensors.get('c')!.shape).toEqual([0, 5]);
  });

  it('null __metadata__, an unpadded header, names like __proto__ and metadata keys like constructor', () => {
    const header = headerOf([['__proto__', 'U8', [1], 0, 1]], '"__metadata__":{"constructor":"x"}');
    const { tensors, metadata } = parseSafetensors(fileFrom(header, new Uint8Array([9])));
    expect(tensors.get('__proto__')!.data).toEqual(new Uint8Array([9]));
    expect(Object.keys(metadata)).toEqual(['constructor']);
    expect(metadata.constructor).toBe('x');
    expect(parseSafetensors(fileFrom('{"__metadata__":null}')).metadata).toEqual({});
  });

  it('a Node Buffer (a view into a shared pool) parses into owned, correctly placed tensors', () => {
    const file = fileFrom(
      headerOf([['w', 'F32', [2], 0, 8]]),
      new Uint8Array(new Float32Array([1.5, -3]).buffer),
    );
    const pooled = Buffer.from(file); // small Buffers share one pool, at a non-zero offset
    const { tensors } = parseSafetensors(pooled);
    const w = tensors.get('w')!;
    expect(w.data).toEqual(new Float32Array([1.5, -3]));
    expect(w.data.byteOffset).toBe(0);
    expect(w.data.buffer.byteLength).toBe(8);
    pooled.fill(0);
    expect(w.data).toEqual(new Float32Array([1.5, -3]));
  });

  it('returned tensors do not alias the input bytes', () => {
    const file = fileFrom(headerOf([['w', 'U8', [2], 0, 2]]), new Uint8Array([1, 2]));
    const { tensors } = parseSafetensors(file);
    file.fill(0);
    expect(tensors.get('w')!.data).toEqual(new Uint8Array([1, 2]));
  });
});
