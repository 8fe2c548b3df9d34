/** Results -> JSON and a Markdown table: medians, min-max, and each of our rows' ratio to each peer. */
import type { Machine } from './machine';
import type { RateRow } from './matmul';
import type { TimeRow } from './workloads';

export type Row = RateRow | TimeRow;

export interface Results {
  readonly machine: Machine;
  readonly quick: boolean;
  readonly threads: number;
  readonly wasmSimd: boolean;
  /** Which PyTorch and BLAS the torch rows come from, or why there are none. */
  readonly torch?: string;
  readonly rows: readonly Row[];
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Speed-up of `row` over `peer` (>1 means we are faster), from medians; rates and times flip. */
export function speedup(row: Row, peer: Row): number {
  return row.unit === 'ms' ? peer.median / row.median : row.median / peer.median;
}

/** One Markdown table per run: a line per workload and implementation, ratios on our lines. */
export function toMarkdown(r: Results): string {
  const m = r.machine;
  const peers = [...new Set(r.rows.map((x) => x.impl).filter(isPeer))];
  const lines = [
    `Measured ${m.date} on ${m.cpuModel}, ${m.logicalCores} logical cores, ${m.totalMemGiB} GiB, Node ${m.node} (${m.platform}), ` +
      `load average ${m.loadAvg1m} at start${r.quick ? ', QUICK smoke sizes (not comparable)' : ''}. ` +
      `tfjs-wasm SIMD: ${r.wasmSimd ? 'yes' : 'no'}, 1 thread. Medians over benny samples; higher is better for ` +
      'GFLOP/s, Melem/s and images/s, lower for ms. "x peer" = how many times faster than that peer, same run.',
    '',
    ...(r.torch ? [`${r.torch}.`, ''] : []),
    `| workload | impl | median | min-max | samples | extra | ${peers.map((p) => `x ${p}`).join(' | ')} |`,
    `|---|---|---|---|---|---|${peers.map(() => '---|').join('')}`,
  ];
  for (const row of r.rows) {
    const extra =
      'imagesPerS' in row && row.imagesPerS !== undefined
        ? `${fmt(row.imagesPerS)} img/s, peak +${fmt(row.peakMiB ?? 0)} MiB`
        : '';
    const ratios = peers.map((p) => {
      if (isPeer(row.impl)) return '';
      const peer = r.rows.find((x) => x.workload === row.workload && x.impl === p);
      return peer ? `${speedup(row, peer).toFixed(2)}x` : '';
    });
    lines.push(
      `| ${row.workload} | ${row.impl} | ${fmt(row.median)} ${row.unit} | ${fmt(row.min)}-${fmt(row.max)} | ${row.samples} | ${extra} | ${ratios.join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Rows of the peers (tfjs backends, PyTorch) get no ratio columns of their own. */
function isPeer(impl: string): boolean {
  return impl.startsWith('tfjs') || impl.startsWith('torch');
}
