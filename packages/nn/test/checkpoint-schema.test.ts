// Tampered checkpoint metadata: every mutation is refused with a FileFormatError naming the file and the
// key path, never a raw TypeError, and never accepted into a state that would misbehave later.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossEntropy, tensor } from '@gqa-lab/autograd';
import { Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonMutationArb, mutateJson } from '../../../testing/json-mutations';
import {
  AdamW,
  FileFormatError,
  type JsonValue,
  Linear,
  loadCheckpoint,
  parseSafetensors,
  saveCheckpoint,
  serializeSafetensors,
} from '../src/index';

let dir = '';
let original: Uint8Array;
let originalMeta: JsonValue;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nn-ckpt-schema-'));
  const { model, optimizer, rng } = fresh();
  // One AdamW step, so the checkpoint holds optimizer state (step counters and moment tensors) to tamper with.
  const x = tensor(new Float32Array([1, 2, 3, -1, 0, 2]), { shape: [2, 3] });
  crossEntropy(model.forward(x), [0, 1]).backward();
  optimizer.step();
  await saveCheckpoint(join(dir, 'good.safetensors'), {
    model,
    optimizer,
    rng,
    step: 3,
    epoch: 1,
    extra: { a: 1 },
  });
  original = new Uint8Array(await readFile(join(dir, 'good.safetensors')));
  originalMeta = JSON.parse(parseSafetensors(original).metadata['gqa-lab.checkpoint'] ?? 'null');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fresh() {
  const model = new Linear(3, 2, { rng: new Rng(1) });
  const optimizer = new AdamW(model.parameters(), { lr: 0.01 });
  return { model, optimizer, rng: new Rng(5) };
}

/** The saved checkpoint with its JSON metadata replaced by `meta`. */
async function withMeta(name: string, meta: unknown): Promise<string> {
  const { tensors, metadata } = parseSafetensors(original);
  const path = join(dir, name);
  await writeFile(
    path,
    serializeSafetensors(tensors, { ...metadata, 'gqa-lab.checkpoint': JSON.stringify(meta) }),
  );
  return path;
}

async function refusal(path: string): Promise<FileFormatError> {
  const target = fresh();
  const e = await loadCheckpoint(path, target).catch((err: unknown) => err);
  if (!(e instanceof FileFormatError)) throw new Error(`expected a FileFormatError, got ${String(e)}`);
  return e;
}

const edit = (patch: (m: Record<string, unknown>) => void) => {
  const m = structuredClone(originalMeta);
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new Error('meta is not an object');
  patch(m);
  return m;
};

describe('checkpoint metadata schema', () => {
  it('loads the untouched file', async () => {
    const t = fresh();
    expect((await loadCheckpoint(join(dir, 'good.safetensors'), t)).step).toBe(3);
  });

  const cases: [string, (m: Record<string, unknown>) => void, string][] = [
    ['optimizer.state is 5', (m) => Reflect.set(m.optimizer as object, 'state', 5), 'optimizer.state'],
    [
      'no paramGroups',
      (m) => Reflect.deleteProperty(m.optimizer as object, 'paramGroups'),
      'optimizer.paramGroups',
    ],
    ['rng.s is []', (m) => Reflect.set(m.rng as object, 's', []), 'rng.s[0]'],
    [
      'a state counter is a string',
      (m) =>
        Reflect.set(
          (m.optimizer as { state: [number, { numbers: object }][] }).state[0][1].numbers,
          'step',
          'x',
        ),
      'optimizer.state[0][1].numbers.step',
    ],
    ['rng.spare is "x"', (m) => Reflect.set(m.rng as object, 'spare', 'x'), 'rng.spare'],
    ['rng.s all zero', (m) => Reflect.set(m.rng as object, 's', [0, 0, 0, 0]), 'rng'],
    ['step is 1.5', (m) => Reflect.set(m, 'step', 1.5), 'step'],
    ['epoch is -1', (m) => Reflect.set(m, 'epoch', -1), 'epoch'],
    ['an unknown top-level key', (m) => Reflect.set(m, 'surprise', 1), 'surprise'],
  ];
  it.each(cases.map(([label, patch, keyPath]) => ({ label, patch, keyPath })))(
    '$label is refused naming $keyPath',
    async ({ label, patch, keyPath }) => {
      const e = await refusal(await withMeta(`${label.replace(/\W+/g, '_')}.safetensors`, edit(patch)));
      expect(e.keyPath).toBe(keyPath);
      expect(e.message).toContain(dir);
      expect(e.message).toContain(keyPath);
    },
  );

  it('fuzz: random mutations of the metadata give a load or a FileFormatError, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutationArb, async (mutation) => {
        const path = await withMeta('fuzz.safetensors', mutateJson(originalMeta, mutation));
        const e = await loadCheckpoint(path, fresh()).then(
          () => null,
          (err: unknown) => err,
        );
        if (e !== null && !(e instanceof FileFormatError)) throw e;
      }),
      { numRuns: 300 },
    );
  });
});
