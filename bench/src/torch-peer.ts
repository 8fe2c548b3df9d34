/**
 * PyTorch CPU as a peer, where Debian's python3-torch is installed: torch_peer.py runs workloads A, B and C
 * with the same shapes on 1 and 2 threads in a child process of the same run, so ratios to PyTorch are
 * measured side by side. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed from that child's environment
 * only (a forced core type or cache size misleads OpenBLAS); the BLAS threadpoolctl reports is kept with
 * the results. Anywhere else the peer is skipped with a note saying why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttentionShape } from './attention';
import type { CaseOptions } from './harness';
import type { Row } from './report';
import type { VitShape } from './vit';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'torch_peer.py');

export interface TorchSpec {
  readonly threads: readonly number[];
  readonly sizes: readonly number[];
  readonly attention?: AttentionShape;
  readonly vit?: VitShape;
  readonly opts: CaseOptions;
  readonly slow: CaseOptions;
}

/** The peer's rows, and a note: which torch and BLAS ran, or why the peer was skipped. */
export interface TorchResult {
  readonly rows: Row[];
  readonly note: string;
}

export function runTorchPeer(spec: TorchSpec): TorchResult {
  if (!existsSync(PYTHON)) return { rows: [], note: `PyTorch peer skipped: no ${PYTHON}` };
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { env, encoding: 'utf8' });
  if (probe.status !== 0) {
    return {
      rows: [],
      note: 'PyTorch peer skipped: python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)',
    };
  }
  const input = JSON.stringify({
    threads: spec.threads,
    sizes: spec.sizes,
    attention: spec.attention,
    vit: spec.vit,
    min_samples: spec.opts.minSamples ?? 5,
    max_time: spec.opts.maxTime ?? 1,
    slow_min_samples: spec.slow.minSamples ?? 5,
    slow_max_time: spec.slow.maxTime ?? 1,
  });
  const run = spawnSync(PYTHON, [SCRIPT], { env, input, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    return {
      rows: [],
      note: `PyTorch peer failed (exit ${run.status}): ${run.stderr.trim().split('\n').at(-1)}`,
    };
  }
  const out: { rows: Row[]; blas: string; torch: string } = JSON.parse(run.stdout);
  return { rows: out.rows, note: `PyTorch ${out.torch} (Debian python3-torch), BLAS: ${out.blas}` };
}
