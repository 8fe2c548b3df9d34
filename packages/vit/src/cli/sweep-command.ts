/**
 * `gqa-lab sweep`: expands a grid file into cells and runs them, on a local pool of worker processes by
 * default or through a BullMQ queue (`--queue`), then writes the sweep's merged results; `--status` shows
 * where a sweep stands.
 */
import { availableParallelism } from 'node:os';
import { readGridFile } from '../sweep/grid';
import { runLocalSweep, type SweepOutcome } from '../sweep/local-sweep';
import { loadQueueModule } from '../sweep/queue/load-queue';
import { writeSweepOutputs } from '../sweep/sweep-outputs';
import { showStatus } from '../sweep/sweep-status';
import { type CommandSpec, UsageError } from './args';
import { loadCommandConfig, requirePath } from './common';
import { flag, switchFlag } from './flag';
import { intValue, pathValue } from './values';

interface SweepOptions {
  grid: string | null;
  out: string | null;
  workers: number;
  queue: string | null;
  status: boolean;
}

export const SWEEP_SPEC: CommandSpec<SweepOptions> = {
  name: 'sweep',
  summary:
    'Run a grid of up-training cells (variant x KV heads x seed x ...): each MHA model is pretrained once,\n' +
    'each cell writes DIR/cells/ID/{results.json,model.safetensors}; finished cells are skipped on a rerun.',
  details: [
    'Examples:',
    '  gqa-lab sweep --grid grid.json --out runs/sweep                      # local pool, one process per core',
    '  gqa-lab sweep --grid grid.json --out /shared/sweep --queue redis://redis:6379/0',
    '  gqa-lab sweep --status --out runs/sweep',
    'Grid file: {"axes": {"variant": [...], "kvHeads": [...], "seed": [...], "fidelity", "preset", "dataset",',
    '"epochs", "lr"}, "fixed": {"pretrainSeed", "pretrainEpochs", "batchSize", "trainLimit", ...}} (see the README).',
  ].join('\n'),
  flags: [
    flag('grid', 'PATH', 'the grid file (JSON)', (f, r): string | null => pathValue(f, r)),
    flag('out', 'DIR', 'the sweep folder (shared by every worker with --queue)', (f, r): string | null =>
      pathValue(f, r),
    ),
    flag('workers', 'N', 'local worker processes, each single-threaded (default: one per core)', (f, r) =>
      intValue(f, r, 1, 1024),
    ),
    flag('queue', 'URL', 'redis://host:port/db: enqueue the cells for `gqa-lab worker`s', (f, r) =>
      pathValue(f, r, true),
    ),
    switchFlag('status', 'show done / running / failed / waiting cells of --out and exit'),
  ],
};

export async function sweepCommand(argv: readonly string[], print: (s: string) => void): Promise<void> {
  const opts: SweepOptions = {
    grid: null,
    out: null,
    workers: availableParallelism(),
    queue: null,
    status: false,
  };
  const { help } = await loadCommandConfig(SWEEP_SPEC, argv, opts, print);
  if (help) return;
  if (opts.out === null) throw new UsageError('gqa-lab sweep: --out DIR is required');
  if (opts.status) {
    await showStatus(opts.out, opts.queue, print);
    return;
  }
  if (opts.grid === null) throw new UsageError('gqa-lab sweep: --grid PATH is required (or --status)');
  await requirePath('grid', opts.grid);
  const plan = await readGridFile(opts.grid);
  print(
    `sweep '${plan.name}': ${plan.cells.length} cells, ${plan.mha.length} MHA pretraining(s), out ${opts.out}`,
  );
  const started = performance.now();
  let outcome: SweepOutcome;
  if (opts.queue === null) {
    print(`local pool: ${opts.workers} worker process(es)`);
    outcome = await runLocalSweep(plan, opts.out, { workers: opts.workers, log: print });
  } else {
    const { runQueueSweep } = await loadQueueModule(() => import('../sweep/queue/queue-sweep'));
    outcome = await runQueueSweep(plan, opts.out, opts.queue, { log: print });
  }
  const seconds = (performance.now() - started) / 1000;
  print(
    `${outcome.finished.length} cells finished, ${outcome.skipped.length} skipped (finished before), ` +
      `${outcome.failed.length} failed in ${seconds.toFixed(1)} s`,
  );
  await writeSweepOutputs(plan, opts.out, print);
  if (outcome.failed.length > 0) {
    throw new Error(
      `${outcome.failed.length} cell(s) failed (see ${opts.out}/cells/ID/failed.json); rerun to retry them`,
    );
  }
}
