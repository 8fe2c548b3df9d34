/** failed.json: the error of a cell that failed every attempt, kept until a later run finishes the cell. */
import { parseJsonText, parseWithSchema, readRegularTextFile, writeFileAtomic } from '@gqa-lab/nn';
import * as v from 'valibot';
import { makeOutputFolder } from '../output-folder';
import { cellDir, cellFailedPath, exists } from './sweep-layout';

const FailureSchema = v.strictObject({
  id: v.string(),
  error: v.string(),
  attempts: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});
export type CellFailure = v.InferOutput<typeof FailureSchema>;

export async function writeCellFailure(out: string, failure: CellFailure): Promise<void> {
  makeOutputFolder(cellDir(out, failure.id));
  const bytes = new TextEncoder().encode(`${JSON.stringify(failure, null, 1)}\n`);
  await writeFileAtomic(cellFailedPath(out, failure.id), bytes);
}

/** The recorded failure of cell `id`, or null. */
export async function readCellFailure(out: string, id: string): Promise<CellFailure | null> {
  const path = cellFailedPath(out, id);
  if (!(await exists(path))) return null;
  const text = await readRegularTextFile(path);
  return parseWithSchema(FailureSchema, parseJsonText(text, path, 'cell failure'), path, 'cell failure');
}
