/** Converters from flag text to typed values; each error names the flag and the accepted range or values. */
import { UsageError } from './args';

/** Decimal integers only: Number() would also take '0x1', '0b1', '0o1', ' ' and 'Infinity'. */
const DECIMAL_INTEGER = /^[+-]?\d+$/;
/** Decimal numbers with an optional exponent (3e-4); no hex, binary, octal or Infinity. */
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** An integer in [min, max], written in decimal. */
export function intValue(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = Number(raw.trim());
  if (!DECIMAL_INTEGER.test(raw.trim()) || !Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`--${flag}: expected an integer in [${min}, ${max}], got '${raw}'`);
  }
  return v;
}

/** A finite decimal number in (0, max] (or [0, max] when `allowZero`). */
export function numberValue(flag: string, raw: string, max: number, allowZero = false): number {
  const v = Number(raw.trim());
  const ok =
    DECIMAL_NUMBER.test(raw.trim()) && Number.isFinite(v) && (allowZero ? v >= 0 : v > 0) && v <= max;
  if (!ok)
    throw new UsageError(`--${flag}: expected a number in ${allowZero ? '[' : '('}0, ${max}], got '${raw}'`);
  return v;
}

/** A comma-separated list of integers in [min, max], at least one. */
export function intListValue(
  flag: string,
  raw: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new UsageError(
      `--${flag}: expected a comma-separated list of integers in [${min}, ${max}], got '${raw}'`,
    );
  }
  return parts.map((p) => intValue(flag, p, min, max));
}

/** One of `choices`. */
export function choiceValue<C extends string>(flag: string, raw: string, choices: readonly C[]): C {
  const found = choices.find((c) => c === raw.trim());
  if (found === undefined)
    throw new UsageError(`--${flag}: expected one of ${choices.join(', ')}, got '${raw}'`);
  return found;
}

/** A comma-separated list of `choices` ('all' = every choice). */
export function choiceListValue<C extends string>(flag: string, raw: string, choices: readonly C[]): C[] {
  if (raw.trim() === 'all') return [...choices];
  return raw.split(',').map((p) => choiceValue(flag, p, choices));
}

/** 'true' / 'false' (switches), also 1 / 0, yes / no. */
export function boolValue(flag: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new UsageError(`--${flag}: expected true or false, got '${raw}'`);
}

/** A non-empty string; 'none' -> null when `nullable`. */
export function pathValue(flag: string, raw: string, nullable: true): string | null;
export function pathValue(flag: string, raw: string, nullable?: false): string;
export function pathValue(flag: string, raw: string, nullable = false): string | null {
  if (nullable && raw === 'none') return null;
  if (raw.trim() === '') throw new UsageError(`--${flag}: expected a path, got an empty string`);
  return raw;
}

/** An integer limit, or null for 'all' / 'none'. */
export function limitValue(flag: string, raw: string): number | null {
  if (raw === 'all' || raw === 'none') return null;
  return intValue(flag, raw, 1);
}
