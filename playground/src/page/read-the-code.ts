/**
 * "Read the code": per variant, its allocation rule in a few lines and the repository files that implement it
 * (paths from the repository root; every variant runs the one attention core, packages/gqa/src/attention.ts).
 */
import type { UptrainVariant } from '@gqa-lab/vit/browser';

export interface CodeNote {
  rule: string;
  files: string[];
}

export const READ_THE_CODE: Readonly<Record<UptrainVariant, CodeNote>> = {
  mha: {
    rule: 'kvHead[h] = h\nEvery query head keeps its own key / value head (G = H).',
    files: ['packages/gqa/src/policies/static.ts', 'packages/gqa/src/head-map.ts'],
  },
  mqa: {
    rule: 'kvHead[h] = 0\nAll query heads share one key / value head; conversion mean-pools the H heads.',
    files: ['packages/gqa/src/policies/static.ts', 'packages/gqa/src/convert/state-dict.ts'],
  },
  gqa: {
    rule: 'kvHead[h] = floor(h / (H / G))\nContiguous groups of H / G query heads; conversion mean-pools each group.',
    files: ['packages/gqa/src/policies/static.ts', 'packages/gqa/src/convert/state-dict.ts'],
  },
  kdgqa: {
    rule:
      'every forward:\n  n[g] = norm of key head g (summed over the batch)\n  s[g] = (n[g] - min n) / (max n - min n)\n' +
      '  heads[g] = s[g] / sum(s) * H, rounded (corrected: largest remainder, at least 1 per group)',
    files: [
      'packages/gqa/src/policies/key-norm.ts',
      'packages/gqa/src/allocation.ts',
      'packages/gqa/src/key-norms.ts',
    ],
  },
  'dgqa-diff': {
    rule:
      'every W steps (window):\n  m = key-head norms now, c = their running value\n  x[g] = |c[g] - m[g]|   (how much head g changed)\n' +
      '  heads[g] = x[g] / sum(x) * H, rounded; c = (c + m) / W',
    files: ['packages/gqa/src/policies/dynamic.ts', 'packages/gqa/src/allocation.ts'],
  },
  'dgqa-ema': {
    rule:
      'every W steps (window):\n  m = key-head norms now\n  x[g] = 0.9 * m[g] + 0.1 * c[g]   (an exponential moving average)\n' +
      '  heads[g] = x[g] / sum(x) * H, rounded',
    files: ['packages/gqa/src/policies/dynamic.ts', 'packages/gqa/src/allocation.ts'],
  },
  pgqa: {
    rule: 'kvHead as GQA; each group output o becomes o - (z * rowStd(o) + rowMean(o))\nz: noise with a zero diagonal, rows standardised (training only when corrected)',
    files: ['packages/gqa/src/policies/perturbed.ts'],
  },
  wgqa: {
    rule: 'K_g = sum over heads h of group g of w_k[h] * K_h  (the same for V)\nw starts at 1 / group size (the mean) and is learned; fold() bakes it into plain GQA',
    files: ['packages/gqa/src/policies/learned.ts'],
  },
  qcqa: {
    rule: 'per layer, NSGA-II searches head -> group assignments (unequal sizes allowed)\nminimising the K / V weight-sharing error; the front point with G groups is kept',
    files: [
      'packages/gqa/src/search/qcqa.ts',
      'packages/gqa/src/search/sharing-error.ts',
      'packages/vit/src/uptrain-variants.ts',
    ],
  },
  asymgqa: {
    rule: 'per layer, heads whose calibration keys are most alike are grouped together\n(keys of the MHA model on a few training batches), then mean-pooled per group',
    files: ['packages/gqa/src/search/asymgqa.ts', 'packages/vit/src/uptrain-variants.ts'],
  },
};

/** One <details> per variant: the rule as code, then its files. Built with DOM nodes (text only). */
export function renderReadTheCode(container: HTMLElement, variants: readonly UptrainVariant[]): void {
  container.replaceChildren(
    ...variants.map((v) => {
      const note = READ_THE_CODE[v];
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = v;
      const pre = document.createElement('pre');
      pre.textContent = note.rule;
      const files = document.createElement('p');
      files.textContent = `Source: ${note.files.join(', ')} (the shared core: packages/gqa/src/attention.ts)`;
      details.append(summary, pre, files);
      return details;
    }),
  );
}
