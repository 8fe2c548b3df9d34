/** Builders for flag specs whose value lands in the options field of the same (camelCase) name. */
import type { FlagSpec } from './args';
import { boolValue } from './values';

/** kebab-case flag name of a camelCase options key ('trainLimit' -> 'train-limit'). */
export const kebabOf = (camel: string) => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * A flag `--kebab-of-key PLACEHOLDER` that stores `parse(flagName, raw)` in `target[key]`; `parse` is one of the
 * converters of values.ts, so its errors name the flag.
 */
export function flag<K extends string, V>(
  key: K,
  placeholder: string,
  help: string,
  parse: (flag: string, raw: string) => V,
): FlagSpec<Record<K, V>> {
  const name = kebabOf(key);
  return {
    name,
    value: placeholder,
    help,
    apply: (target, raw) => {
      target[key] = parse(name, raw);
    },
  };
}

/** An on/off switch `--name` / `--no-name` (no placeholder: help adds the --no- form). */
export function switchFlag<K extends string>(key: K, help: string): FlagSpec<Record<K, boolean>> {
  const name = kebabOf(key);
  return {
    name,
    help,
    apply: (target, raw) => {
      target[key] = boolValue(name, raw);
    },
  };
}
