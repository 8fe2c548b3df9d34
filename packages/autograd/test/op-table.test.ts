/**
 * Runs every row of the op table three ways: float64 forward against the independent reference,
 * float32 forward within float32 tolerance, and gradients by central differences in float64.
 * Error inputs must throw their documented messages.
 */

import type { NDArray } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradcheck, noGrad, Tensor } from '../src/index';
import { OP_CASES, type RefResult } from './op-table/index';

function expectClose(got: NDArray, want: RefResult, rtol: number, atol: number): void {
  expect([...got.shape]).toEqual(want.shape);
  const v = got.values();
  want.values.forEach((w, i) => {
    const g = v[i];
    if (Number.isNaN(w)) expect(g).toBeNaN();
    else if (!Number.isFinite(w)) expect(g).toBe(w);
    else if (Math.abs(g - w) > atol + rtol * Math.abs(w)) {
      throw new Error(`element ${i}: got ${g}, want ${w} (shape [${want.shape}])`);
    }
  });
}

describe.each(OP_CASES)('op $name', (c) => {
  it('float64 forward equals the float64 reference', () => {
    fc.assert(
      fc.property(c.inputs, (d) => {
        const out = noGrad(() => c.run(d, ...d.arrays.map((a) => new Tensor(a))));
        expectClose(out.data, c.reference(d, ...d.arrays), 1e-9, 1e-9);
      }),
      { numRuns: 60 },
    );
  });

  it('float32 forward stays within float32 tolerance', () => {
    fc.assert(
      fc.property(c.inputs, (d) => {
        const f32 = d.arrays.map((a) => a.astype('float32'));
        const out = noGrad(() => c.run(d, ...f32.map((a) => new Tensor(a))));
        expect(out.dtype).toBe('float32');
        expectClose(out.data, c.reference(d, ...f32.map((a) => a.astype('float64'))), 2e-5, 2e-5);
      }),
      { numRuns: 30 },
    );
  });

  if (c.noGrad) {
    it('is not differentiable: its output never requires grad', () => {
      fc.assert(
        fc.property(c.inputs, (d) => {
          expect(c.run(d, ...d.arrays.map((a) => new Tensor(a, true))).requiresGrad).toBe(false);
        }),
        { numRuns: 10 },
      );
    });
  } else {
    it('gradients pass gradcheck in float64', () => {
      fc.assert(
        fc.property(c.inputs, (d) => {
          const inputs = d.arrays.map((a) => new Tensor(a, true));
          const r = gradcheck((...xs) => c.run(d, ...xs), inputs, { eps: 1e-6, atol: 1e-6, rtol: 1e-4 });
          if (!r.ok) throw new Error(r.message);
        }),
        { numRuns: 20 },
      );
    });
  }

  if (c.errors) {
    it('rejects bad inputs with a message naming the op and shapes', () => {
      for (const e of c.errors ?? []) expect(e.call).toThrow(e.message);
    });
  }
});
