// Fuzz of the --config file format: random mutations of a valid config are applied or refused with a
// UsageError naming the file (and key), never another error.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonMutationArb, mutateJson } from '../../../testing/json-mutations';
import { UsageError } from '../src/cli/args';
import { loadCommandConfig } from '../src/cli/common';
import { TRAIN_DEFAULTS, TRAIN_SPEC } from '../src/cli/train-command';
import { resolveUptrainConfig } from '../src/cli/uptrain-command';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gqa-config-fuzz-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const TRAIN_CONFIG = { epochs: 2, lr: 0.001, variant: 'gqa', kvHeads: 2, data: null, allowChange: ['lr'] };
const UPTRAIN_CONFIG = {
  variants: ['mha', 'gqa'],
  kvHeads: [1, 2],
  seeds: [1, 2],
  epochs: 2,
  telemetry: false,
};

async function refusedOrApplied(apply: () => Promise<unknown>, path: string): Promise<void> {
  try {
    await apply();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    expect(e.message).toMatch(/config/);
    expect(e.message.includes(path) || e.message.includes('--config')).toBe(true);
  }
}

describe('--config files', () => {
  it('the unmutated configs apply', async () => {
    const path = join(dir, 'train.json');
    await writeFile(path, JSON.stringify(TRAIN_CONFIG));
    const opts = { ...TRAIN_DEFAULTS };
    await loadCommandConfig(TRAIN_SPEC, ['--config', path], opts, () => undefined);
    expect(opts).toMatchObject({ epochs: 2, lr: 0.001, variant: 'gqa', allowChange: ['lr'] });
  });

  it('fuzz: mutated train and uptrain configs give a UsageError or apply, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutationArb, fc.boolean(), async (mutation, uptrain) => {
        const path = join(dir, 'fuzz.json');
        await writeFile(
          path,
          JSON.stringify(mutateJson(uptrain ? UPTRAIN_CONFIG : TRAIN_CONFIG, mutation)) ?? 'null',
        );
        if (uptrain)
          await refusedOrApplied(() => resolveUptrainConfig(['--config', path], () => undefined), path);
        else
          await refusedOrApplied(
            () => loadCommandConfig(TRAIN_SPEC, ['--config', path], { ...TRAIN_DEFAULTS }, () => undefined),
            path,
          );
      }),
      { numRuns: 300 },
    );
  });
});
