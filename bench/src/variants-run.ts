/**
 * Workload "variants": every attention variant, forward and forward + backward, gqa-lab (one thread) then each
 * tfjs peer on the same weights and input; each row carries its overhead relative to GQA on the same impl.
 * Written to <outDir>/variants[-quick].json and .md, apart from the main bench.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CaseOptions, type Timing, timeCase } from './harness';
import type { Machine } from './machine';
import { PEERS, usePeer } from './peers';
import { defaultImpl } from './threads';
import {
  ourVariant,
  VARIANT_IDS,
  VARIANT_SHAPE,
  type VariantId,
  type VariantShape,
  variantInput,
  variantLayer,
} from './variants';
import { tfVariant } from './variants-tf';

export type VariantPass = 'fwd' | 'fwd+bwd';

export interface VariantRow {
  readonly workload: `variants ${VariantPass}`;
  readonly variant: VariantId;
  readonly impl: string;
  readonly unit: 'ms';
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number;
  /** median / median of GQA on the same impl and pass (1.25 = 25 % slower than GQA). */
  readonly vsGqa: number;
}

export interface VariantResults {
  readonly machine: Machine;
  readonly quick: boolean;
  readonly shape: VariantShape;
  readonly rows: readonly VariantRow[];
}

/** B=2, T=5, C=8, H=4, G=2: runs every code path in well under a second. */
export const QUICK_VARIANT_SHAPE: VariantShape = {
  batch: 2,
  tokens: 5,
  channels: 8,
  heads: 4,
  kvHeads: 2,
  window: 2,
  unequalSizes: [1, 3],
};

type Timed = Omit<VariantRow, 'vsGqa'>;

const row = (pass: VariantPass, variant: VariantId, impl: string, t: Timing): Timed => ({
  workload: `variants ${pass}`,
  variant,
  impl,
  unit: 'ms',
  median: t.medianS * 1e3,
  min: t.minS * 1e3,
  max: t.maxS * 1e3,
  samples: t.samples,
});

/** Adds each row's ratio to the GQA row of the same workload and impl (NaN when there is none). */
export function withGqaRatios(rows: readonly Timed[]): VariantRow[] {
  return rows.map((r) => {
    const gqa = rows.find((g) => g.variant === 'gqa' && g.impl === r.impl && g.workload === r.workload);
    return { ...r, vsGqa: gqa ? r.median / gqa.median : Number.NaN };
  });
}

/** Times every variant on gqa-lab (one thread), then on each tfjs peer with the same layer weights and input. */
export async function benchVariants(
  opts: CaseOptions,
  s: VariantShape = VARIANT_SHAPE,
): Promise<VariantRow[]> {
  const input = variantInput(s);
  const layers = VARIANT_IDS.map((id) => ({ id, layer: variantLayer(id, s) }));
  const rows: Timed[] = [];
  const one = defaultImpl();
  one.before?.();
  for (const { id, layer } of layers) {
    const { fwd, fwdBwd } = ourVariant(layer, s, input);
    rows.push(row('fwd', id, one.name, await timeCase(`variants fwd ${id} ${one.name}`, fwd, opts)));
    rows.push(
      row('fwd+bwd', id, one.name, await timeCase(`variants fwd+bwd ${id} ${one.name}`, fwdBwd, opts)),
    );
  }
  for (const peer of PEERS) {
    const tf = await usePeer(peer);
    // Fresh layers: the timed training steps above moved DGQA caches; weights are unchanged (no optimiser).
    for (const id of VARIANT_IDS) {
      const { fwd, fwdBwd, dispose } = tfVariant(tf, id, variantLayer(id, s), s, input);
      rows.push(row('fwd', id, peer, await timeCase(`variants fwd ${id} ${peer}`, fwd, opts)));
      rows.push(row('fwd+bwd', id, peer, await timeCase(`variants fwd+bwd ${id} ${peer}`, fwdBwd, opts)));
      dispose();
    }
  }
  return withGqaRatios(rows);
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** One table per pass: a line per variant and impl, overhead vs GQA (same impl) and speed-up vs each peer. */
export function variantsMarkdown(r: VariantResults): string {
  const m = r.machine;
  const s = r.shape;
  const lines = [
    `Measured ${m.date} on ${m.cpuModel}, ${m.logicalCores} logical cores, Node ${m.node}, load average ${m.loadAvg1m} ` +
      `at start${r.quick ? ', QUICK smoke sizes (not comparable)' : ''}. B=${s.batch}, T=${s.tokens}, C=${s.channels}, ` +
      `H=${s.heads}, G=${s.kvHeads}, DGQA window ${s.window}, unequal groups [${s.unequalSizes.join(', ')}]. ` +
      'gqa-lab on one thread (default kernel tier: wasm where SIMD validates), tfjs-wasm on one thread. "vs GQA" = median / GQA median, same impl and pass; ' +
      '"x peer" = how many times faster gqa-lab is than that peer on the same variant.',
  ];
  for (const pass of ['fwd', 'fwd+bwd'] as const) {
    lines.push(
      '',
      `| variant (${pass}) | impl | median | min-max | samples | vs GQA | ${PEERS.map((p) => `x ${p}`).join(' | ')} |`,
    );
    lines.push(`|---|---|---|---|---|---|${PEERS.map(() => '---|').join('')}`);
    for (const id of VARIANT_IDS) {
      for (const x of r.rows.filter((y) => y.variant === id && y.workload === `variants ${pass}`)) {
        const ratios = PEERS.map((p) => {
          const peer = r.rows.find((y) => y.variant === id && y.workload === x.workload && y.impl === p);
          return peer && !x.impl.startsWith('tfjs') ? `${(peer.median / x.median).toFixed(2)}x` : '';
        });
        lines.push(
          `| ${id} | ${x.impl} | ${fmt(x.median)} ms | ${fmt(x.min)}-${fmt(x.max)} | ${x.samples} | ${x.vsGqa.toFixed(2)} | ${ratios.join(' | ')} |`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the workload (full or quick sizes) and writes variants[-quick].json / .md into `dir`; returns the paths. */
export async function runVariantsWorkload(quick: boolean, dir: string, machine: Machine): Promise<string[]> {
  const opts: CaseOptions = quick ? { minSamples: 1, maxTime: 0.01 } : { minSamples: 5, maxTime: 1 };
  const shape = quick ? QUICK_VARIANT_SHAPE : VARIANT_SHAPE;
  const results: VariantResults = { machine, quick, shape, rows: await benchVariants(opts, shape) };
  const base = join(dir, quick ? 'variants-quick' : 'variants');
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, variantsMarkdown(results));
  return [`${base}.json`, `${base}.md`];
}
