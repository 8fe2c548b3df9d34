/**
 * One typed error for every file gqa-lab reads (model files, checkpoints, results.json, config files, data
 * sets): it names the file, the format and, for structured formats, the key path of the offending value, so
 * a caller (and the fuzz tests) can tell a bad file apart from a bug.
 */
import * as v from 'valibot';

/** Longest detail kept in a message; hostile files must not make multi-megabyte error strings. */
const MAX_DETAIL = 300;

export class FileFormatError extends Error {
  override readonly name = 'FileFormatError';
  /** The file the value came from (or a label such as 'results' when it came from memory). */
  readonly file: string;
  /** What the file was read as ('model file metadata', 'checkpoint', ...). */
  readonly format: string;
  /** Where in the document the problem is, e.g. `optimizer.state[0][1].numbers.step`; '' for the whole. */
  readonly keyPath: string;
  readonly detail: string;

  constructor(file: string, format: string, keyPath: string, detail: string, options?: { cause?: unknown }) {
    const short = detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 3)}...` : detail;
    super(`${file}: ${format}: ${keyPath === '' ? '' : `${keyPath}: `}${short}`, options);
    this.file = file;
    this.format = format;
    this.keyPath = keyPath;
    this.detail = short;
  }
}

/** `a.b[0].c` for a valibot issue path (the shape a reader types to find the value). */
export function keyPathOf(path: readonly { key: unknown }[] | undefined): string {
  let out = '';
  for (const { key } of path ?? []) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Validates `value` against `schema`; the first problem becomes a FileFormatError naming `file`, `format`
 * and the key path. Returns the schema's typed output.
 */
export function parseWithSchema<const S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  file: string,
  format: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw new FileFormatError(file, format, keyPathOf(issue.path), issueDetail(issue, format));
}

/**
 * The issue's message, except for a key that a strict object does not define: valibot words that as
 * 'Invalid key: Expected never but received "x"', which reads like an internal error, not a typo.
 */
function issueDetail(issue: v.BaseIssue<unknown>, format: string): string {
  const unknownKey = issue.type === 'strict_object' && issue.expected === 'never';
  if (!unknownKey) return issue.message;
  return `unknown key ${JSON.stringify(issue.input)}: the ${format} format has no such key (check its spelling)`;
}

/** JSON.parse whose failure is a FileFormatError naming the file and format. */
export function parseJsonText(text: string, file: string, format: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(
      file,
      format,
      '',
      `not valid JSON (${e instanceof Error ? e.message : String(e)})`,
      {
        cause: e,
      },
    );
  }
}
