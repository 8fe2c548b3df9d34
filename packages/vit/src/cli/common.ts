/** Pieces every `gqa-lab` command shares: --help, the --config file, path checks, error conversion. */
import { access } from 'node:fs/promises';
import { keyPathOf, readRegularTextFile } from '@gqa-lab/nn';
import * as v from 'valibot';
import { applyFlags, type CommandSpec, helpText, type ParsedCommand, parseArgv, UsageError } from './args';

/** Parses argv, prints help when asked (returns help: true), else applies --config then the flags to `target`. */
export async function loadCommandConfig<T>(
  spec: CommandSpec<T>,
  argv: readonly string[],
  target: T,
  print: (s: string) => void = (s) => console.log(s),
): Promise<{ parsed: ParsedCommand; help: boolean }> {
  const parsed = parseArgv(spec, argv);
  if (parsed.help) {
    print(helpText(spec));
    return { parsed, help: true };
  }
  let config: Record<string, unknown> | null = null;
  if (parsed.configPath !== null) config = await readJsonObject(parsed.configPath);
  applyFlags(spec, target, parsed, config, parsed.configPath ?? 'config');
  return { parsed, help: false };
}

const scalar = v.union([v.string(), v.pipe(v.number(), v.finite()), v.boolean()]);

/**
 * The schema of every command's --config file: a JSON object whose keys are flag names (camelCase) and whose
 * values are what the flag takes, as text, a number, a boolean, null ('none') or a list; each value then goes through
 * the flag's own parser, which checks its range (args.ts applyFlags).
 */
export const ConfigFileSchema = v.record(
  v.pipe(v.string(), v.regex(/^[a-z][A-Za-z0-9]*$/, 'is not a camelCase flag name')),
  v.union([scalar, v.null(), v.pipe(v.array(scalar), v.maxLength(1000))]),
);

/** Reads a JSON object file; UsageErrors name the flag and the file. */
export async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readRegularTextFile(path);
  } catch (e) {
    throw new UsageError(`--config: cannot read ${path} (${e instanceof Error ? e.message : String(e)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `--config: ${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const result = v.safeParse(ConfigFileSchema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const key = keyPathOf(issue.path);
    throw new UsageError(`--config: ${path}${key ? `: key '${key}'` : ''}: ${issue.message}`);
  }
  return { ...result.output };
}

/** Throws a UsageError naming the flag when `path` does not exist. */
export async function requirePath(flag: string, path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new UsageError(`--${flag}: ${path} does not exist`);
  }
}

/** Runs fn, turning its RangeErrors (validation messages that name a flag) into UsageErrors. */
export function usageFromRange<R>(fn: () => R, where: string): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  }
}
