// Bounded reads of untrusted files: only regular files, within documented limits, in parts past 2 GiB.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_READ_LIMITS,
  f8e4m3ToFloat32,
  f8e5m2ToFloat32,
  loadSafetensorsFile,
  NotARegularFileError,
  parseSafetensors,
  ReadLimitError,
  readLimits,
  readRegularFile,
  SafetensorsError,
  serializeSafetensors,
  toNDArray,
} from '../../src/io';
import { fileFrom, headerOf } from './safetensors-file-builder';

const dir = mkdtempSync(join(tmpdir(), 'gqa-read-'));

describe('readRegularFile', () => {
  it('refuses /dev/zero (a character device) at once instead of reading forever', async () => {
    await expect(readRegularFile('/dev/zero')).rejects.toThrow(NotARegularFileError);
    await expect(readRegularFile('/dev/zero')).rejects.toThrow('/dev/zero: is a character device');
  });

  it('refuses a FIFO without blocking, naming the path', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(readRegularFile(fifo)).rejects.toThrow(`${fifo}: is a FIFO`);
  });

  it('refuses a folder, naming the path (no bare EISDIR)', async () => {
    await expect(readRegularFile(dir)).rejects.toThrow(`${dir}: is a folder`);
  });

  it('refuses a file over the limit before reading it, saying how to raise the limit', async () => {
    const path = join(dir, 'big.bin');
    writeFileSync(path, new Uint8Array(100));
    const error = await readRegularFile(path, { maxBytes: 99 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadLimitError);
    expect(String(error)).toContain('100 bytes');
    expect(String(error)).toContain('GQA_LAB_MAX_FILE_BYTES');
  });

  it('reads in parts (the path files over 2 GiB take), byte for byte', async () => {
    const path = join(dir, 'parts.bin');
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 251);
    writeFileSync(path, bytes);
    for (const partBytes of [1, 3, 64, 999, 1000, 5000])
      expect(await readRegularFile(path, { partBytes })).toEqual(bytes);
  });

  it('loadSafetensorsFile reads a file in parts', async () => {
    const path = join(dir, 'w.safetensors');
    const file = serializeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array([1, 2, 3]) } });
    writeFileSync(path, file);
    const { tensors } = await loadSafetensorsFile(path, { partBytes: 5 });
    expect(tensors.get('w')?.data).toEqual(new Float32Array([1, 2, 3]));
  });
});

describe('readLimits', () => {
  it('takes decimal overrides from the environment and refuses anything else', () => {
    expect(readLimits({}, { GQA_LAB_MAX_IMAGES: '12' }).maxImages).toBe(12);
    expect(readLimits({}, {}).maxFileBytes).toBe(DEFAULT_READ_LIMITS.maxFileBytes);
    expect(() => readLimits({}, { GQA_LAB_MAX_IMAGES: '0x10' })).toThrow('GQA_LAB_MAX_IMAGES');
    expect(readLimits({ maxImages: 3 }, { GQA_LAB_MAX_IMAGES: '12' }).maxImages).toBe(3);
  });

  it('a tensor over maxTensorBytes is TENSOR_TOO_LARGE; a header over maxHeaderBytes is HEADER_TOO_LARGE', () => {
    const file = fileFrom(headerOf([['w', 'F32', [4], 0, 16]]), new Uint8Array(16));
    expect(() => parseSafetensors(file, { maxTensorBytes: 15 })).toThrow(SafetensorsError);
    expect(() => parseSafetensors(file, { maxTensorBytes: 15 })).toThrow(/TENSOR_TOO_LARGE.*"w".*16 bytes/);
    expect(() => parseSafetensors(file, { maxHeaderBytes: 8 })).toThrow(/HEADER_TOO_LARGE/);
    expect(parseSafetensors(file, { maxTensorBytes: 16 }).tensors.get('w')?.shape).toEqual([4]);
  });
});

describe('every safetensors dtype reads and maps to a gqa-lab dtype', () => {
  it('BOOL, I8, U16, U32, U64 become int32; F8 become float32', () => {
    const file = serializeSafetensors({
      b: { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
      i8: { dtype: 'I8', shape: [2], data: new Int8Array([-128, 127]) },
      u16: { dtype: 'U16', shape: [1], data: new Uint16Array([65535]) },
      u32: { dtype: 'U32', shape: [1], data: new Uint32Array([7]) },
      u64: { dtype: 'U64', shape: [1], data: new BigUint64Array([9n]) },
      e4: { dtype: 'F8_E4M3', shape: [4], data: new Uint8Array([0x38, 0xb8, 0x7e, 0x01]) },
      e5: { dtype: 'F8_E5M2', shape: [3], data: new Uint8Array([0x3c, 0x7c, 0x01]) },
    });
    const { tensors } = parseSafetensors(file);
    const nd = (name: string) => {
      const t = tensors.get(name);
      if (!t) throw new Error(`missing ${name}`);
      return toNDArray(t);
    };
    expect([...nd('b').values()]).toEqual([1, 0, 1]);
    expect(nd('b').dtype).toBe('int32');
    expect([...nd('i8').values()]).toEqual([-128, 127]);
    expect([...nd('u16').values()]).toEqual([65535]);
    expect([...nd('u32').values()]).toEqual([7]);
    expect([...nd('u64').values()]).toEqual([9]);
    expect([...nd('e4').values()]).toEqual([1, -1, 448, 2 ** -9]);
    expect(nd('e4').dtype).toBe('float32');
    expect([...nd('e5').values()]).toEqual([1, Number.POSITIVE_INFINITY, 2 ** -16]);
  });

  it('U32 / U64 values beyond int32 are refused naming the element', () => {
    const t = { dtype: 'U32' as const, shape: [2], data: new Uint32Array([1, 2 ** 31]) };
    expect(() => toNDArray(t)).toThrow(/U32 element 1 \(2147483648\)/);
  });

  it('float8 decoders: every byte is finite, NaN or an infinity as the format says', () => {
    let nanE4 = 0;
    for (let b = 0; b < 256; b++) if (Number.isNaN(f8e4m3ToFloat32(b))) nanE4++;
    expect(nanE4).toBe(2); // only S.1111.111
    expect(f8e4m3ToFloat32(0x7e)).toBe(448);
    expect(f8e5m2ToFloat32(0x7b)).toBe(57344);
    expect(f8e5m2ToFloat32(0xfc)).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(f8e5m2ToFloat32(0x7d))).toBe(true);
  });
});
