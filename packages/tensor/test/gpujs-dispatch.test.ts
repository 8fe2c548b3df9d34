/**
 * Where the gpu.js backend runs an op, decided without a device: float32 inputs of working size go to the GPU;
 * float64 / int32, empty, small and over-limit ones to the CPU kernel, each with its reason, and an over-limit
 * op says so once, naming the op and the shape.
 */
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../src/gpujs/dispatch';
import { MAX_GPU_ELEMENTS } from '../src/gpujs/program';
import { Residency } from '../src/gpujs/residency';
import { NDArray } from '../src/index';

const noDevice = {
  run: () => {
    throw new Error('no device in this test');
  },
  download: () => new Float32Array(0),
  release: () => undefined,
};

function dispatcher(threshold = 16) {
  const warnings: string[] = [];
  const d = new Dispatcher(new Residency(noDevice), threshold, (m) => warnings.push(m));
  return { d, warnings };
}

const f32 = (n: number, shape = [n]) => NDArray.of(new Float32Array(n), shape);

describe('gpujs dispatch', () => {
  it('sends float32 work at or above the threshold to the GPU and the rest to the CPU, with the reason', () => {
    const { d } = dispatcher(16);
    expect(d.place('add', [f32(16), f32(16)], 16)).toBeNull();
    expect(d.place('add', [f32(8), f32(8)], 8)).toBe('small');
    expect(d.place('add', [f32(0), f32(0)], 0)).toBe('empty');
    expect(d.place('add', [NDArray.of(new Float64Array(32), [32])], 32)).toBe('dtype');
    expect(d.place('add', [NDArray.of(new Int32Array(32), [32])], 32)).toBe('dtype');
  });

  it('runs an op whose buffer exceeds the per-buffer limit on the CPU and says so once, naming op and shape', () => {
    const { d, warnings } = dispatcher(16);
    const huge = NDArray.of(new Float32Array(MAX_GPU_ELEMENTS + 2), [MAX_GPU_ELEMENTS / 2 + 1, 2]);
    expect(d.place('exp', [huge], huge.size)).toBe('too-large');
    expect(d.place('exp', [huge], huge.size)).toBe('too-large');
    expect(warnings).toEqual([
      `gpujs: exp on [${MAX_GPU_ELEMENTS / 2 + 1}, 2] exceeds ${MAX_GPU_ELEMENTS} elements per buffer; running the CPU kernel`,
    ]);
    // Inputs within the limit but an output above it (a large matmul) is refused by its output size.
    expect(d.place('matmul', [f32(64), f32(64)], MAX_GPU_ELEMENTS + 1)).toBe('too-large');
    expect(warnings[1]).toBe(
      `gpujs: matmul on ${MAX_GPU_ELEMENTS + 1} outputs exceeds ${MAX_GPU_ELEMENTS} elements per buffer; running the CPU kernel`,
    );
  });
});
