/**
 * Makes a switch over an op union exhaustive: its `default` calls assertNever(op), which only compiles when
 * every member has a case (op is then `never`), so a new op without a case is a compile error.
 */
export function assertNever(value: never, what: string): never {
  throw new Error(`${what}: unexpected ${String(value)}`);
}
