import { afterEach, describe, expect, it, vi } from 'vitest';
import { backendFromEnv, cpuBackend, getBackend, referenceBackend } from '../src/index';

describe('default backend selection', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  it('is the CPU backend unless GQA_BACKEND names another', () => {
    expect(getBackend().name).toBe(process.env.GQA_BACKEND || 'cpu');
    vi.stubEnv('GQA_BACKEND', '');
    expect(backendFromEnv()).toBe(cpuBackend);
  });
  it('GQA_BACKEND=reference selects the reference backend; an unknown name throws naming the choices', () => {
    vi.stubEnv('GQA_BACKEND', 'reference');
    expect(backendFromEnv()).toBe(referenceBackend);
    vi.stubEnv('GQA_BACKEND', 'wasm-typo');
    expect(() => backendFromEnv()).toThrow("GQA_BACKEND must be one of cpu, reference; got 'wasm-typo'");
  });
});
