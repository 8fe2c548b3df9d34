import { describe, expect, it } from 'vitest';
import { cpuBackend, getBackend } from '../src/index';
import { describeBackend } from './backend-contract';

describeBackend('cpu', () => cpuBackend);

describe('cpu backend registration', () => {
  it('is the default backend', () => {
    expect(getBackend().name).toBe('cpu');
  });
});
