/**
 * IDX codec (the MNIST file format): a 4-byte magic `00 00 <type> <ndims>`, one big-endian uint32 per
 * dimension, then the elements in C order, big-endian. Pure bytes in, bytes out: no I/O here, so the
 * same code runs in a browser.
 */

/** Element type codes of the IDX format. */
export const IDX_TYPES = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
} as const;

export type IdxTypeName = keyof typeof IDX_TYPES;

/** The typed array holding each IDX type's elements in native order. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX tensor. */
export interface IdxTensor {
  type: IdxTypeName;
  shape: number[];
  data: IdxData;
}

const BYTES_PER: Record<IdxTypeName, number> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
};

function typeName(code: number): IdxTypeName | undefined {
  for (const [name, c] of Object.entries(IDX_TYPES)) if (c === code) return name as IdxTypeName;
  return undefined;
}

function allocateIdx(type: IdxTypeName, n: number): IdxData {
  switch (type) {
    case 'uint8':
      return new Uint8Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
  }
}

/**
 * Parses an IDX file of any rank and any IDX type. `name` (usually the file path) is quoted in every
 * error. The element count must equal the product of the dims exactly (no trailing bytes).
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxTensor {
  if (bytes.length < 4) throw new RangeError(`${name}: IDX header needs 4 bytes, file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new RangeError(
      `${name}: bad IDX magic 0x${hex(magic)}: expected the first 2 bytes to be 0, got ${bytes[0]}, ${bytes[1]}`,
    );
  }
  const type = typeName(bytes[2]);
  if (type === undefined) {
    throw new RangeError(
      `${name}: bad IDX type byte 0x${bytes[2].toString(16)} (magic 0x${hex(magic)}): expected one of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e`,
    );
  }
  const rank = bytes[3];
  if (rank < 1)
    throw new RangeError(`${name}: IDX rank must be at least 1, got ${rank} (magic 0x${hex(magic)})`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new RangeError(
      `${name}: IDX header of rank ${rank} needs ${headerBytes} bytes, file has ${bytes.length} (truncated)`,
    );
  }
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * BYTES_PER[type];
  if (bytes.length !== expected) {
    throw new RangeError(
      `${name}: IDX ${type} shape [${shape.join(', ')}] needs ${expected} bytes (${headerBytes} header + ${count} elements), file has ${bytes.length}`,
    );
  }
  return { type, shape, data: readElements(view, headerBytes, type, count) };
}

function readElements(view: DataView, offset: number, type: IdxTypeName, n: number): IdxData {
  const out = allocateIdx(type, n);
  const size = BYTES_PER[type];
  if (size === 1) {
    out.set(
      type === 'uint8'
        ? new Uint8Array(view.buffer, view.byteOffset + offset, n)
        : new Int8Array(view.buffer, view.byteOffset + offset, n),
    );
    return out;
  }
  for (let i = 0, p = offset; i < n; i++, p += size) {
    if (type === 'int16') out[i] = view.getInt16(p);
    else if (type === 'int32') out[i] = view.getInt32(p);
    else if (type === 'float32') out[i] = view.getFloat32(p);
    else out[i] = view.getFloat64(p);
  }
  return out;
}

/** Encodes a tensor as IDX bytes (big-endian). Used for fixtures and the round-trip property. */
export function encodeIdx(tensor: IdxTensor): Uint8Array {
  const { type, shape, data } = tensor;
  if (shape.length < 1 || shape.length > 255)
    throw new RangeError(`encodeIdx: rank must be in [1, 255], got ${shape.length}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new RangeError(
      `encodeIdx: shape [${shape.join(', ')}] needs ${count} elements, got ${data.length}`,
    );
  }
  const headerBytes = 4 + 4 * shape.length;
  const size = BYTES_PER[type];
  const bytes = new Uint8Array(headerBytes + count * size);
  const view = new DataView(bytes.buffer);
  bytes[2] = IDX_TYPES[type];
  bytes[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  for (let i = 0, p = headerBytes; i < count; i++, p += size) {
    const v = data[i];
    if (type === 'uint8') view.setUint8(p, v);
    else if (type === 'int8') view.setInt8(p, v);
    else if (type === 'int16') view.setInt16(p, v);
    else if (type === 'int32') view.setInt32(p, v);
    else if (type === 'float32') view.setFloat32(p, v);
    else view.setFloat64(p, v);
  }
  return bytes;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
