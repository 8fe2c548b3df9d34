/**
 * Runs one sweep job in this process and writes its files under the sweep folder: an MHA pretraining
 * (the model file, then pretrain.json) or a cell (the fine-tuned model file, then results.json), each
 * atomically. A job whose files are already there returns at once, so running a job twice (a retried
 * cell whose first worker was not dead after all) writes nothing twice.
 */

import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { removeStaleTempFiles, writeFileAtomic } from '@gqa-lab/nn';
import { makeOutputFolder } from '../output-folder';
import { vitPreset } from '../presets';
import { runUptrain } from '../uptrain';
import { saveModelFile } from '../uptrain-model-file';
import type { UptrainResults } from '../uptrain-results';
import { type CellJob, cellUptrainConfig, type MhaJob, mhaUptrainConfig, type SweepJob } from './cell-config';
import {
  cellDir,
  cellFailedPath,
  cellModelPath,
  cellResultsPath,
  cellRunningPath,
  exists,
  mhaDir,
  mhaModelPath,
  mhaRecordPath,
  readCellResults,
} from './sweep-layout';

export const MHA_RECORD_SCHEMA = 'gqa-lab/sweep-mha@1';

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 1)}\n`);

/** Runs `job` (see the file comment); `log` gets the uptrain progress lines. */
export async function runSweepJob(out: string, job: SweepJob, log: (line: string) => void = () => {}) {
  if (job.kind === 'mha') await runMhaJob(out, job, log);
  else await runCellJob(out, job, log);
}

async function runMhaJob(out: string, job: MhaJob, log: (line: string) => void): Promise<void> {
  const dir = mhaDir(out, job.id);
  if (await exists(mhaRecordPath(out, job.id))) return;
  makeOutputFolder(dir);
  await removeStaleTempFiles(dir);
  const { numHeads } = vitPreset(job.config.preset);
  const results = await runUptrain(mhaUptrainConfig(job.config, numHeads, dir), {
    log,
    progress: false,
    write: false,
    onPretrained: (model, normalize) =>
      saveModelFile(mhaModelPath(out, job.id), model, null, normalize, { origin: 'gqa-lab sweep' }),
  });
  const record = {
    schema: MHA_RECORD_SCHEMA,
    id: job.id,
    config: job.config,
    dataset: results.dataset,
    pretrain: results.pretrain,
  };
  await writeFileAtomic(mhaRecordPath(out, job.id), json(record));
}

async function runCellJob(out: string, job: CellJob, log: (line: string) => void): Promise<void> {
  const dir = cellDir(out, job.id);
  if ((await readCellResults(out, job.id)) !== null) return;
  if (!(await exists(mhaRecordPath(out, job.mhaId)))) {
    throw new Error(`cell ${job.id}: its MHA model ${job.mhaId} is not pretrained yet`);
  }
  makeOutputFolder(dir);
  await removeStaleTempFiles(dir);
  await writeFileAtomic(
    cellRunningPath(out, job.id),
    json({ host: hostname(), pid: process.pid, parent: process.ppid }),
  );
  try {
    const checkpoint = mhaModelPath(out, job.mhaId);
    const results = await runUptrain(cellUptrainConfig(job.config, checkpoint, dir), {
      log,
      progress: false,
      write: false,
      onFineTuned: (run, model, normalize) =>
        saveModelFile(cellModelPath(out, job.id), model, run.groupSizes, normalize, {
          origin: 'gqa-lab sweep',
          variant: run.variant,
          testAccuracy: run.testAccuracy,
        }),
    });
    await writeFileAtomic(cellResultsPath(out, job.id), json(portable(results, job)));
    await rm(cellFailedPath(out, job.id), { force: true });
  } finally {
    await rm(cellRunningPath(out, job.id), { force: true });
  }
}

/**
 * The results with paths relative to the sweep folder: workers on other machines mount it elsewhere, and
 * the same cell must write the same file wherever it ran.
 */
function portable(results: UptrainResults, job: CellJob): UptrainResults {
  const checkpoint = `mha/${job.mhaId}/mha.safetensors`;
  return {
    ...results,
    config: { ...results.config, checkpoint, out: `cells/${job.id}` },
    pretrain: { ...results.pretrain, origin: checkpoint },
  };
}
