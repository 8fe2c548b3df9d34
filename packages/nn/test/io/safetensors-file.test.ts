// saveSafetensorsFile / loadSafetensorsFile on a real temp folder: round trip, atomic replacement,
// and errors that start with the file path.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicWriteError, loadSafetensorsFile, SafetensorsError, saveSafetensorsFile } from '../../src/io';
import { faultyFs } from './faulty-fs';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gqa-st-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const weights = {
  'layer.weight': { dtype: 'F32' as const, shape: [2, 2], data: new Float32Array([1, -2, 0.5, 3]) },
  'layer.bias': { dtype: 'F32' as const, shape: [2], data: new Float32Array([0.25, -0.125]) },
};

describe('safetensors files', () => {
  it('save then load returns the tensors and metadata', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(path, weights, { step: '12' });
    const { tensors, metadata } = await loadSafetensorsFile(path);
    expect(metadata).toEqual({ step: '12' });
    expect(tensors.get('layer.weight')).toEqual(weights['layer.weight']);
    expect(tensors.get('layer.bias')).toEqual(weights['layer.bias']);
  });

  it('saving with dtype BF16 stores half the bytes', async () => {
    const path = join(dir, 'half.safetensors');
    await saveSafetensorsFile(path, weights, undefined, { dtype: 'BF16' });
    const { tensors } = await loadSafetensorsFile(path);
    expect(tensors.get('layer.weight')!.dtype).toBe('BF16');
    expect(tensors.get('layer.weight')!.data).toEqual(new Uint16Array([0x3f80, 0xc000, 0x3f00, 0x4040]));
  });

  it('a failed save keeps the previous checkpoint loadable', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(path, weights, { step: '1' });
    const changed = { 'layer.bias': { dtype: 'F32' as const, shape: [1], data: new Float32Array([9]) } };
    await expect(
      saveSafetensorsFile(path, changed, { step: '2' }, { fs: faultyFs('rename') }),
    ).rejects.toThrow(AtomicWriteError);
    const { metadata, tensors } = await loadSafetensorsFile(path);
    expect(metadata).toEqual({ step: '1' });
    expect(tensors.size).toBe(2);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('a corrupt file is a SafetensorsError whose message starts with the path and keeps the code', async () => {
    const path = join(dir, 'bad.safetensors');
    await writeFile(path, new Uint8Array([1, 2, 3]));
    const error = await loadSafetensorsFile(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SafetensorsError);
    const st = error as SafetensorsError;
    expect(st.code).toBe('FILE_TOO_SMALL');
    expect(st.file).toBe(path);
    expect(st.message.startsWith(`${path}: safetensors FILE_TOO_SMALL: file is 3 bytes`)).toBe(true);
  });

  it('a missing file names the path', async () => {
    const path = join(dir, 'missing.safetensors');
    await expect(loadSafetensorsFile(path)).rejects.toThrow(`${path}: cannot open: no such file`);
  });
});
