/** The derived numbers of workloads "variants" and "backends": overhead vs GQA and GPU / CPU op deltas. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { opsBetween, totalOps } from '../src/backends';
import { VARIANT_IDS } from '../src/variants';
import { withGqaRatios } from '../src/variants-run';

const impls = ['gqa-lab', 'tfjs-cpu', 'tfjs-wasm'] as const;
const passes = ['fwd', 'fwd+bwd'] as const;

it('each row is divided by the GQA row of the same impl and pass', () => {
  const medians = fc.array(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), {
    minLength: VARIANT_IDS.length * impls.length * passes.length,
    maxLength: VARIANT_IDS.length * impls.length * passes.length,
  });
  fc.assert(
    fc.property(medians, (ms) => {
      let i = 0;
      const rows = VARIANT_IDS.flatMap((variant) =>
        impls.flatMap((impl) =>
          passes.map((pass) => {
            const median = ms[i++];
            return {
              workload: `variants ${pass}` as const,
              variant,
              impl,
              unit: 'ms' as const,
              median,
              min: median,
              max: median,
              samples: 1,
            };
          }),
        ),
      );
      for (const r of withGqaRatios(rows)) {
        const gqa = rows.find((g) => g.variant === 'gqa' && g.impl === r.impl && g.workload === r.workload);
        expect(r.vsGqa).toBeCloseTo(r.median / (gqa?.median ?? Number.NaN), 12);
        if (r.variant === 'gqa') expect(r.vsGqa).toBe(1);
      }
    }),
  );
});

it('op deltas recover what ran between two snapshots', () => {
  const counts = fc.record({ gpu: fc.nat(1000), cpu: fc.nat(1000), small: fc.nat(1000) });
  fc.assert(
    fc.property(counts, counts, (a, extra) => {
      const snap = (c: typeof a) =>
        totalOps(
          new Map([
            ['matmul', { gpu: c.gpu, cpu: c.cpu + c.small, cpuReasons: { dtype: c.cpu, small: c.small } }],
          ]),
        );
      const sum = { gpu: a.gpu + extra.gpu, cpu: a.cpu + extra.cpu, small: a.small + extra.small };
      const d = opsBetween(snap(a), snap(sum));
      expect(d.gpu).toBe(extra.gpu);
      expect(d.cpu).toBe(extra.cpu + extra.small);
      expect(d.cpuReasons.small ?? 0).toBe(extra.small);
      expect(d.cpuReasons.dtype ?? 0).toBe(extra.cpu);
    }),
  );
});
