/** The playground's plain-data parts in Node: settings checks, step binning, and the "read the code" paths. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UPTRAIN_VARIANTS } from '@gqa-lab/vit';
import { describe, expect, it } from 'vitest';
import { READ_THE_CODE } from '../src/page/read-the-code';
import { DEFAULT_SETTINGS, settingsProblem } from '../src/settings';
import { binSteps } from '../src/worker/fine-tune';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('playground settings', () => {
  it('accepts the defaults and names the control of a bad value', () => {
    expect(settingsProblem({ ...DEFAULT_SETTINGS })).toBeNull();
    expect(settingsProblem({ ...DEFAULT_SETTINGS, kvHeads: 3 })).toMatch(/^KV heads/);
    expect(settingsProblem({ ...DEFAULT_SETTINGS, variants: [] })).toMatch(/^Variants/);
    expect(settingsProblem({ ...DEFAULT_SETTINGS, lr: 0 })).toMatch(/^Learning rate/);
    expect(settingsProblem({ ...DEFAULT_SETTINGS, trainImages: 10 })).toMatch(
      /^Training images: .*\[32, 10000\]/,
    );
    expect(settingsProblem({ ...DEFAULT_SETTINGS, seed: 1.5 })).toMatch(/^Seed/);
  });
});

describe('binSteps', () => {
  it('averages consecutive steps, labelled by the last step of each bin', () => {
    const points = Array.from({ length: 5 }, (_, i) => ({ loss: i, accuracy: i / 10 }));
    expect(binSteps(points, 10).map((b) => b.step)).toEqual([1, 2, 3, 4, 5]);
    const bins = binSteps(points, 2);
    expect(bins.map((b) => b.step)).toEqual([3, 5]);
    expect(bins.map((b) => b.trainLoss)).toEqual([1, 3.5]);
    expect(bins[0].trainAccuracy).toBeCloseTo(0.1, 12);
    expect(bins[1].trainAccuracy).toBeCloseTo(0.35, 12);
  });
});

describe('read the code', () => {
  it('has a rule for every variant, naming files that exist in the repository', () => {
    expect(Object.keys(READ_THE_CODE).sort()).toEqual([...UPTRAIN_VARIANTS].sort());
    for (const note of Object.values(READ_THE_CODE)) {
      expect(note.rule.length).toBeGreaterThan(10);
      for (const file of note.files) expect(existsSync(`${repo}${file}`), file).toBe(true);
    }
  });
});
