/**
 * Hand-written flag parsing for `gqa-lab`: `--name value`, `--name=value`, `--flag` / `--no-flag` for switches,
 * a JSON config file whose keys are the flags' camelCase names (flags on the command line win), and errors that
 * name the flag, the bad value and what is accepted, suggesting the nearest flag for a typo.
 */

/** One flag of a command; `apply` converts and validates the raw text into the command's options `T`. */
export interface FlagSpec<T> {
  /** kebab-case name without dashes, e.g. 'train-limit'. */
  name: string;
  /** Placeholder shown in help ('N', 'PATH', 'a,b'); absent for on/off switches. */
  value?: string;
  help: string;
  apply(target: T, raw: string): void;
}

export interface CommandSpec<T> {
  name: string;
  summary: string;
  /** Extra lines for the help text (examples, notes). */
  details?: string;
  flags: FlagSpec<T>[];
}

/** A usage error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Edit distance between two short strings (flag-name suggestions). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The nearest candidate within a small edit distance (or sharing a prefix), or undefined. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const prefix = candidates.find((c) => c.startsWith(word) || word.startsWith(c));
  if (best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3))) return best;
  return prefix;
}

export const camelOf = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function unknownFlag<T>(spec: CommandSpec<T>, name: string): UsageError {
  const names = [...spec.flags.map((f) => f.name), 'help', 'config'];
  const hint = nearest(name, names);
  return new UsageError(
    `gqa-lab ${spec.name}: unknown flag --${name}${hint ? `; did you mean --${hint}?` : ''} (see gqa-lab ${spec.name} --help)`,
  );
}

export interface ParsedCommand {
  help: boolean;
  /** --config PATH, if given. */
  configPath: string | null;
  /** Flags in command-line order, raw text. */
  flags: [FlagSpecName: string, raw: string][];
}

/** Splits argv into flags (validated names, raw values); values are converted later by `applyFlags`. */
export function parseArgv<T>(spec: CommandSpec<T>, argv: readonly string[]): ParsedCommand {
  const out: ParsedCommand = { help: false, configPath: null, flags: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new UsageError(
        `gqa-lab ${spec.name}: unexpected argument '${arg}' (flags start with --; see --help)`,
      );
    }
    const eq = arg.indexOf('=');
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let raw: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let flag = spec.flags.find((f) => f.name === name);
    if (!flag && name.startsWith('no-')) {
      const positive = spec.flags.find((f) => f.name === name.slice(3) && f.value === undefined);
      if (positive && raw === undefined) {
        flag = positive;
        name = positive.name;
        raw = 'false';
      }
    }
    if (name === 'config') {
      const path = raw ?? argv[++i];
      if (path === undefined)
        throw new UsageError(`gqa-lab ${spec.name}: --config needs a PATH to a JSON file`);
      out.configPath = path;
      continue;
    }
    if (!flag) throw unknownFlag(spec, name);
    if (flag.value === undefined) {
      raw ??= 'true';
    } else if (raw === undefined) {
      raw = argv[++i];
      if (raw === undefined)
        throw new UsageError(`gqa-lab ${spec.name}: --${name} needs a value (${flag.value})`);
    }
    out.flags.push([flag.name, raw]);
  }
  return out;
}

/** The JSON text form of a config-file value, as if typed on the command line (arrays join with ','). */
function rawOf(value: unknown, key: string, path: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (value === null) return 'none';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.join(',');
  throw new UsageError(`${path}: key '${key}' must be a string, number, boolean, null or a list of them`);
}

/**
 * Applies a parsed JSON config object then the command-line flags (flags win) to `target`. Config keys are
 * the flags' camelCase names; an unknown key is an error with a suggestion.
 */
export function applyFlags<T>(
  spec: CommandSpec<T>,
  target: T,
  parsed: ParsedCommand,
  config: Record<string, unknown> | null,
  configPath = 'config',
): T {
  const byCamel = new Map(spec.flags.map((f) => [camelOf(f.name), f]));
  for (const [key, value] of Object.entries(config ?? {})) {
    const flag = byCamel.get(key);
    if (!flag) {
      const hint = nearest(key, [...byCamel.keys()]);
      throw new UsageError(`${configPath}: unknown key '${key}'${hint ? `; did you mean '${hint}'?` : ''}`);
    }
    wrap(() => flag.apply(target, rawOf(value, key, configPath)), `${configPath}: key '${key}'`);
  }
  for (const [name, raw] of parsed.flags) {
    const flag = spec.flags.find((f) => f.name === name);
    if (flag) wrap(() => flag.apply(target, raw), `gqa-lab ${spec.name}`);
  }
  return target;
}

function wrap(fn: () => void, where: string): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${where}: ${e.message}`);
    if (e instanceof RangeError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  }
}

/** The --help text of a command, generated from its flag specs. */
export function helpText<T>(spec: CommandSpec<T>): string {
  const rows = [
    ...spec.flags.map((f) => [
      `--${f.name}${f.value ? ` ${f.value}` : ''}`,
      f.help + (f.value ? '' : ` (--no-${f.name} to turn off)`),
    ]),
    ['--config PATH', 'JSON file of settings (keys are the camelCase flag names); flags win'],
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([a]) => a.length)) + 2;
  const lines = rows.map(([a, b]) => `  ${a.padEnd(width)}${b}`);
  return [
    `Usage: gqa-lab ${spec.name} [flags]`,
    '',
    spec.summary,
    '',
    'Flags:',
    ...lines,
    ...(spec.details ? ['', spec.details] : []),
    '',
  ].join('\n');
}
