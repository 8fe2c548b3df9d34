/**
 * Packed binary cache of a decoded Tiny ImageNet split, CIFAR-like: a 16-byte header
 * ("GQTI", version 1, count, classes as big-endian uint32) then `count` records of
 * <label: uint16 BE><3 x 64 x 64 CHW uint8 pixels>.
 */
/** Raw decoded split: CHW uint8 pixels and labels. */
export interface TinyImageNetRaw {
  pixels: Uint8Array;
  labels: Int32Array;
}

const MAGIC = [0x47, 0x51, 0x54, 0x49]; // "GQTI"
const VERSION = 1;
const HEADER = 16;
const PIXELS = 3 * 64 * 64;
export const TINY_CACHE_RECORD = 2 + PIXELS;

/** Serialises a decoded split. */
export function packTinyImageNet(raw: TinyImageNetRaw, classes: number): Uint8Array {
  const n = raw.labels.length;
  if (raw.pixels.length !== n * PIXELS) {
    throw new RangeError(`packTinyImageNet: ${raw.pixels.length} pixel bytes for ${n} images of ${PIXELS}`);
  }
  const out = new Uint8Array(HEADER + n * TINY_CACHE_RECORD);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, VERSION);
  view.setUint32(8, n);
  view.setUint32(12, classes);
  for (let i = 0; i < n; i++) {
    const at = HEADER + i * TINY_CACHE_RECORD;
    view.setUint16(at, raw.labels[i]);
    out.set(raw.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), at + 2);
  }
  return out;
}

/** Reads a packed split, checking magic, version, class count, size and label range. */
export function unpackTinyImageNet(bytes: Uint8Array, name: string, classes: number): TinyImageNetRaw {
  if (bytes.length < HEADER || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new RangeError(`${name}: not a gqa-lab Tiny ImageNet cache (expected magic "GQTI")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4);
  if (version !== VERSION) throw new RangeError(`${name}: cache version ${version}, expected ${VERSION}`);
  const n = view.getUint32(8);
  const k = view.getUint32(12);
  if (k !== classes) throw new RangeError(`${name}: cache has ${k} classes, wnids.txt has ${classes}`);
  const expected = HEADER + n * TINY_CACHE_RECORD;
  if (bytes.length !== expected) {
    throw new RangeError(`${name}: cache of ${n} records must be ${expected} bytes, got ${bytes.length}`);
  }
  const pixels = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const at = HEADER + i * TINY_CACHE_RECORD;
    labels[i] = view.getUint16(at);
    if (labels[i] >= k)
      throw new RangeError(`${name}: label ${labels[i]} of record ${i} is outside [0, ${k})`);
    pixels.set(bytes.subarray(at + 2, at + 2 + PIXELS), i * PIXELS);
  }
  return { pixels, labels };
}
