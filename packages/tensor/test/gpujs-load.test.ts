import { describe, expect, it } from 'vitest';
import { loadGpuJs } from '../src/gpujs/load-gpujs';
import { createGpuBackend } from '../src/index';

describe('loading gpu.js (an optional peer)', () => {
  it('imports gpu.js by name in Node, and takes a module handed over instead', async () => {
    const byName = await loadGpuJs();
    expect(typeof byName.GPU).toBe('function');
    const given = { GPU: byName.GPU };
    expect(await loadGpuJs(given)).toBe(given);
  });

  it('refuses an options.gpujs that is not the gpu.js module, naming the option', async () => {
    await expect(createGpuBackend({ mode: 'webgl2', gpujs: {} })).rejects.toThrow(
      'createGpuBackend: mode webgl2 is not available: options.gpujs is not the gpu.js module (it has no GPU export)',
    );
  });
});
