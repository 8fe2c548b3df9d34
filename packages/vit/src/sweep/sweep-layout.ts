/**
 * Where a sweep keeps its files under --out, and what they say: a cell is finished when its results.json
 * is there and valid (it is written last, atomically), failed when failed.json is there, running while
 * running.json names a live process. Everything a sweep knows is on disk, so a queue that loses its data
 * (a Redis restart without persistence) loses no finished cell.
 *
 *   DIR/sweep.json                   the expanded plan (jobs and configs)
 *   DIR/mha/ID/mha.safetensors       a pretrained MHA model, shared by every cell with that ID as mhaId
 *   DIR/mha/ID/pretrain.json         its pretraining record (written after the model)
 *   DIR/cells/ID/model.safetensors   the cell's fine-tuned model
 *   DIR/cells/ID/results.json        the cell's `gqa-lab uptrain` results (one run)
 *   DIR/cells/ID/failed.json         the error of a cell that failed every attempt
 *   DIR/cells/ID/running.json        host, pid and parent pid of the process running it
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonText, readRegularTextFile } from '@gqa-lab/nn';
import { parseResults, type UptrainResults } from '../uptrain-results';

export const cellDir = (out: string, id: string) => join(out, 'cells', id);
export const mhaDir = (out: string, id: string) => join(out, 'mha', id);
export const cellResultsPath = (out: string, id: string) => join(cellDir(out, id), 'results.json');
export const cellModelPath = (out: string, id: string) => join(cellDir(out, id), 'model.safetensors');
export const cellFailedPath = (out: string, id: string) => join(cellDir(out, id), 'failed.json');
export const cellRunningPath = (out: string, id: string) => join(cellDir(out, id), 'running.json');
export const mhaModelPath = (out: string, id: string) => join(mhaDir(out, id), 'mha.safetensors');
export const mhaRecordPath = (out: string, id: string) => join(mhaDir(out, id), 'pretrain.json');
export const planPath = (out: string) => join(out, 'sweep.json');

/** Whether `path` exists (any error other than ENOENT is thrown: a permission problem must not read as absent). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return false;
    throw e;
  }
}

/**
 * The finished results of a cell, or null when it has none yet. A results.json that is there but not valid
 * (another version, damaged) is an error naming the file: it is never overwritten or skipped silently.
 */
export async function readCellResults(out: string, id: string): Promise<UptrainResults | null> {
  const path = cellResultsPath(out, id);
  if (!(await exists(path))) return null;
  const results = parseResults(
    parseJsonText(await readRegularTextFile(path), path, 'up-training results'),
    path,
  );
  if (results.runs.length !== 1) {
    throw new Error(`${path}: a sweep cell holds exactly one run, this file has ${results.runs.length}`);
  }
  return results;
}
