/** Model files as bytes (the browser's download / upload): the same bytes as saveModelFile, read back exactly. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeSafetensors } from '@gqa-lab/nn';
import { describe, expect, it } from 'vitest';
import { decodeModelFile, encodeModelFile, NotAModelFileError } from '../src/model-file-codec';
import { loadModelFile, saveModelFile } from '../src/uptrain-model-file';
import { tinyModel } from './helpers';

describe('model file codec', () => {
  it('encodes the bytes saveModelFile writes, and decodes them to the same weights', async () => {
    const model = tinyModel({ kind: 'gqa' }, 2, 3);
    const norm = { mean: [0.5], std: [0.25] };
    const bytes = encodeModelFile(model, null, norm, { origin: 'test' });
    const path = join(mkdtempSync(join(tmpdir(), 'codec-')), 'm.safetensors');
    await saveModelFile(path, model, null, norm, { origin: 'test' });
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    const decoded = decodeModelFile(bytes, 'm.safetensors');
    const fromDisk = await loadModelFile(path);
    expect(decoded.meta).toEqual(fromDisk.meta);
    expect(decoded.model.config).toEqual(model.config);
    for (const [k, v] of model.stateDict())
      expect(decoded.model.stateDict().get(k)?.values()).toEqual(v.values());
  });

  it('names the file in its errors', () => {
    const bytes = encodeModelFile(tinyModel(), null, null);
    expect(() => decodeModelFile(bytes.subarray(0, 20), 'cut.safetensors')).toThrow(/cut\.safetensors/);
    expect(() => decodeModelFile(bytes, 'big.safetensors', 0, { limits: { maxFileBytes: 100 } })).toThrow(
      /big\.safetensors.*maxFileBytes|maxFileBytes.*big\.safetensors/s,
    );
  });

  it('tells a plain safetensors file from a model file', () => {
    const plain = serializeSafetensors({ w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } });
    expect(() => decodeModelFile(plain, 'plain.safetensors')).toThrow(NotAModelFileError);
  });
});
