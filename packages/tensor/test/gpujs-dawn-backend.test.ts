/**
 * GQA_DAWN_BACKEND picks Dawn's backend for the webgpu mode without a GPU: unset / empty is CI's opengl,
 * vulkan / opengl / opengles are taken as written, anything else fails naming the value, and the webgpu mode
 * reports that failure through createGpuBackend (the worker reads the variable before loading Dawn).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { dawnBackendFromEnv, dawnFeatureLevel } from '../src/gpujs/dawn';
import { createGpuBackend } from '../src/index';

const NAMES = ['opengl', 'opengles', 'vulkan'] as const;

describe('GQA_DAWN_BACKEND', () => {
  const saved = process.env.GQA_DAWN_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.GQA_DAWN_BACKEND;
    else process.env.GQA_DAWN_BACKEND = saved;
  });

  it('defaults to opengl when unset or empty', () => {
    expect(dawnBackendFromEnv(undefined)).toBe('opengl');
    expect(dawnBackendFromEnv('')).toBe('opengl');
  });

  it('takes each Dawn backend name as written', () => {
    for (const name of NAMES) expect(dawnBackendFromEnv(name)).toBe(name);
  });

  it('rejects any other value, naming it and the accepted names', () => {
    const other = fc.string({ minLength: 1 }).filter((s) => !NAMES.some((n) => n === s));
    fc.assert(
      fc.property(other, (value) => {
        expect(() => dawnBackendFromEnv(value)).toThrow(
          `GQA_DAWN_BACKEND=${JSON.stringify(value)} is not a Dawn backend; use one of opengl, opengles, vulkan`,
        );
      }),
    );
    expect(() => dawnBackendFromEnv('Vulkan')).toThrow('"Vulkan"');
  });

  it('asks Vulkan for the core feature level and the GL backends for compatibility', () => {
    expect(dawnFeatureLevel('vulkan')).toBe('core');
    expect(dawnFeatureLevel('opengl')).toBe('compatibility');
    expect(dawnFeatureLevel('opengles')).toBe('compatibility');
  });

  it('makes createGpuBackend(webgpu) fail with the mode and the bad value', async () => {
    process.env.GQA_DAWN_BACKEND = 'metal';
    await expect(createGpuBackend({ mode: 'webgpu' })).rejects.toThrow(
      /createGpuBackend: mode webgpu is not available: .*GQA_DAWN_BACKEND="metal" is not a Dawn backend/,
    );
  });
});
