/** Pieces every `gqa-lab` command shares: --help, the --config file, path checks, error conversion. */
import { access, readFile } from 'node:fs/promises';
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

/** Reads a JSON object file; UsageErrors name the flag and the file. */
export async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`--config: cannot read ${path} (no such file or not readable)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `--config: ${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--config: ${path} must hold a JSON object of settings`);
  }
  return { ...value };
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
