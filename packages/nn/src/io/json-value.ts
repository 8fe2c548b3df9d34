/** Any value JSON text can hold: numbers finite, no undefined, functions or symbols. */
import * as v from 'valibot';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Validates a JSON value (e.g. a free-form `config` or a checkpoint's `extra`; its owner's schema checks the rest). */
export const JsonValueSchema: v.GenericSchema<JsonValue> = v.lazy(() =>
  v.union([
    v.null(),
    v.boolean(),
    v.pipe(v.number(), v.finite()),
    v.string(),
    v.array(JsonValueSchema),
    v.record(v.string(), JsonValueSchema),
  ]),
);
