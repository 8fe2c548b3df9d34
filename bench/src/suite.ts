/** The whole suite: picks sizes (full or quick), runs every workload, writes JSON + Markdown. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultThreading } from '@gqa-lab/tensor';
import { ATTENTION_SHAPE } from './attention';
import { runBackendsWorkload } from './backends-run';
import type { CaseOptions } from './harness';
import { describeMachine } from './machine';
import { benchMatmul } from './matmul';
import { benchNorms } from './norms';
import { PEERS, type PeerName, wasmHasSimd } from './peers';
import { type Results, type Row, toMarkdown } from './report';
import { defaultImpl, type OurImpl, ourImpls } from './threads';
import { runTorchPeer } from './torch-peer';
import { runVariantsWorkload } from './variants-run';
import { VIT_SHAPE } from './vit';
import { benchAttention, benchVit } from './workloads';

export interface BenchOptions {
  /** Tiny sizes and one short sample each: checks the harness, measures nothing. */
  readonly quick: boolean;
  /** Run only workloads whose letter / name starts with this (A, B, C, norms, variants, backends). */
  readonly only?: string;
  /** Output folder (default bench/results). */
  readonly outDir?: string;
}

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Runs the suite and writes `<outDir>/bench[-quick].json` and `.md`; returns the Markdown. */
export async function runBench(
  o: BenchOptions,
): Promise<{ results: Results; markdown: string; files: string[] }> {
  const opts: CaseOptions = o.quick ? { minSamples: 1, maxTime: 0.01 } : { minSamples: 5, maxTime: 2 };
  const slow: CaseOptions = o.quick ? opts : { minSamples: 3, maxTime: 1 };
  const wants = (k: string) => !o.only || k.startsWith(o.only);
  const impls = ourImpls();
  const machine = describeMachine();
  const attention = o.quick ? { batch: 2, tokens: 5, channels: 8, heads: 2 } : ATTENTION_SHAPE;
  const sizes = o.quick ? [16, 32] : [128, 256, 512, 1024];
  const vit = o.quick ? { ...VIT_SHAPE, batch: 2, image: 8, dim: 8, depth: 1, heads: 2, mlp: 16 } : VIT_SHAPE;
  /** Workloads A, norms, B, C for one side: our configurations, or the peers. */
  const pass = async (ours: readonly OurImpl[], peers: readonly PeerName[]): Promise<Row[]> => {
    const rows: Row[] = [];
    if (wants('A')) rows.push(...(await benchMatmul(sizes, ours, peers, opts)));
    if (wants('norms'))
      rows.push(...(await benchNorms(o.quick ? 8 : 4096, o.quick ? 16 : 256, ours.length > 0, peers, opts)));
    if (wants('B')) rows.push(...(await benchAttention(ours, peers, opts, attention)));
    if (wants('C')) rows.push(...(await benchVit(ours, peers, slow, vit)));
    return rows;
  };
  // All of gqa-lab's cases before tfjs is first loaded (peers.ts says why), then the peers', same run;
  // the variants workload times ours before its peers, so it runs in between.
  const ourRows = await pass(impls, []);
  const dir = o.outDir ?? RESULTS;
  mkdirSync(dir, { recursive: true });
  const variantFiles = wants('variants') ? await runVariantsWorkload(o.quick, dir, machine) : [];
  const peerRows = await pass([], PEERS);
  // PyTorch in a child process, same shapes, 1 and 2 threads (skipped with a note where it is not installed).
  const torch = runTorchPeer({
    threads: [1, 2],
    sizes: wants('A') ? sizes : [],
    attention: wants('B') ? attention : undefined,
    vit: wants('C') ? vit : undefined,
    opts,
    slow,
  });
  defaultImpl().before?.();
  const rows = byWorkload([...ourRows, ...peerRows, ...torch.rows]);
  const results: Results = {
    machine,
    quick: o.quick,
    threads: defaultThreading().threads,
    wasmSimd: await wasmHasSimd(),
    torch: torch.note,
    rows,
  };
  const markdown = toMarkdown(results);
  const base = join(dir, o.quick ? 'bench-quick' : 'bench');
  const files: string[] = [];
  // --only=variants / backends must not overwrite bench.json with an empty table.
  if (rows.length > 0 || !o.only) {
    writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(`${base}.md`, markdown);
    files.push(`${base}.json`, `${base}.md`);
  }
  // Separate files (variants.*, backends.*): their rows have their own columns.
  files.push(...variantFiles);
  if (wants('backends')) files.push(...(await runBackendsWorkload(o.quick, dir, results.machine)));
  return { results, markdown, files };
}

/** Rows grouped by workload in order of first appearance (ours, then the peers, within each). */
function byWorkload(rows: readonly Row[]): Row[] {
  const order = [...new Set(rows.map((r) => r.workload))];
  return order.flatMap((w) => rows.filter((r) => r.workload === w));
}
