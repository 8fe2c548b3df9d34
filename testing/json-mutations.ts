// fast-check mutations of a JSON document for the schema fuzz tests: pick a node by a random walk, then
// replace it with a hostile value, delete it, or add a stray key. Shared by every schema-validated format.
import fc from 'fast-check';

/** Values a hostile file might put anywhere. */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53,
    '',
    'x',
    '<script>alert(1)</script>',
    [],
    {},
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

export interface JsonMutation {
  /** Random choices that steer the walk to the node to mutate. */
  path: number[];
  kind: 'replace' | 'delete' | 'addKey';
  value: unknown;
  key: string;
}

export const jsonMutationArb: fc.Arbitrary<JsonMutation> = fc.record({
  path: fc.array(fc.nat(), { minLength: 0, maxLength: 8 }),
  kind: fc.constantFrom('replace', 'delete', 'addKey'),
  value: hostileValueArb,
  key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'length')),
});

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null;
}

/** A mutated deep copy of `doc` (the original is untouched). */
export function mutateJson(doc: unknown, m: JsonMutation): unknown {
  const root: unknown = structuredClone(doc);
  if (!isContainer(root)) return m.value;
  let parent: Record<string, unknown> | unknown[] = root;
  let key: string | number | null = null;
  for (const choice of m.path) {
    const node: unknown = key === null ? parent : Reflect.get(parent, key);
    if (!isContainer(node)) break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    if (key !== null) parent = node;
    key = keys[choice % keys.length];
  }
  if (key === null) {
    if (m.kind === 'addKey' && !Array.isArray(root))
      Object.defineProperty(root, m.key, { value: m.value, enumerable: true });
    return m.kind === 'replace' ? m.value : root;
  }
  if (m.kind === 'replace') Reflect.set(parent, key, m.value);
  else if (m.kind === 'delete') {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else Reflect.deleteProperty(parent, key);
  } else {
    const target: unknown = Reflect.get(parent, key);
    if (isContainer(target) && !Array.isArray(target))
      Object.defineProperty(target, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else Reflect.set(parent, key, m.value);
  }
  return root;
}
