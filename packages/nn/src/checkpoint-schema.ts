/**
 * The one schema of a checkpoint's `gqa-lab.checkpoint` metadata (counters, RNG state, optimizer structure,
 * the caller's `extra`), declared once: it validates what is read and gives the TypeScript types.
 */
import * as v from 'valibot';
import { JsonValueSchema } from './io/json-value';

const word = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff));
const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** Optimizer parameter ids index the model's parameters; a million is far beyond any model here. */
const paramId = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(1_000_000));

/** xoshiro128** state: four uint32 words, not all zero (an all-zero generator only ever returns 0). */
export const RngStateSchema = v.pipe(
  v.strictObject({
    s: v.pipe(v.tuple([word, word, word, word]), v.readonly()),
    /** The waiting second Box-Muller normal. */
    spare: v.nullable(finite),
  }),
  v.check((st) => st.s.some((w) => w !== 0), 'the four state words are all zero'),
);

/** A group's hyper-parameters (numbers, flags, small tuples) and the ids of its parameters. */
const ParamGroupSchema = v.pipe(
  v.objectWithRest(
    { params: v.array(paramId) },
    v.union([finite, v.boolean(), v.pipe(v.array(finite), v.readonly())]),
  ),
  v.check((g) => new Set(g.params).size === g.params.length, 'params lists a parameter twice'),
);

/** Per parameter id: its counters, and the names of its buffer tensors (`optim.<id>.<name>`). */
const ParamStateEntrySchema = v.tuple([
  paramId,
  v.strictObject({
    numbers: v.record(v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9]*$/)), finite),
    arrays: v.array(v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9]*$/))),
  }),
]);

export const OptimizerMetaSchema = v.pipe(
  v.strictObject({
    paramGroups: v.pipe(v.array(ParamGroupSchema), v.minLength(1)),
    state: v.array(ParamStateEntrySchema),
  }),
  v.check((o) => {
    const ids = o.state.map(([id]) => id);
    return new Set(ids).size === ids.length;
  }, 'state lists a parameter id twice'),
);

export const CheckpointMetaSchema = v.strictObject({
  step: count,
  epoch: count,
  scheduleStep: count,
  rng: v.nullable(RngStateSchema),
  extra: JsonValueSchema,
  optimizer: v.nullable(OptimizerMetaSchema),
});

export type CheckpointMeta = v.InferOutput<typeof CheckpointMetaSchema>;
