/**
 * Saving and loading q / k / v as timm's fused `qkv.weight` (rows [Q | K | V], head-major) and
 * `qkv.bias`, so an MHA layer's state-dict keys equal timm's and grouped layers keep the same names.
 */
import { concat, noGrad } from '@gqa-lab/autograd';
import { copyEntry, type Linear, type LoadReport, type StateDict } from '@gqa-lab/nn';
import type { NDArray } from '@gqa-lab/tensor';

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** Writes `qkv.weight` (Cq + 2·Ckv, C) and, when all three have one, `qkv.bias`. */
export function saveFusedQkv(prefix: string, q: Linear, k: Linear, v: Linear, out: StateDict): void {
  noGrad(() => {
    out.set(join(prefix, 'qkv.weight'), concat([q.weight, k.weight, v.weight], 0).data);
    if (q.bias && k.bias && v.bias)
      out.set(join(prefix, 'qkv.bias'), concat([q.bias, k.bias, v.bias], 0).data);
  });
}

/** Reads the fused entries back into q, k, v; missing or mis-shaped entries go to the report. */
export function loadFusedQkv(
  prefix: string,
  q: Linear,
  k: Linear,
  v: Linear,
  sd: StateDict,
  report: LoadReport,
  used: Set<string>,
): void {
  const rows = [q.outFeatures, k.outFeatures, v.outFeatures];
  const total = rows[0] + rows[1] + rows[2];
  const parts = (arr: NDArray): NDArray[] => {
    let at = 0;
    return rows.map((n) => {
      const part = arr.slice([{ start: at, stop: at + n }]).clone();
      at += n;
      return part;
    });
  };
  const splitInto = (name: 'weight' | 'bias', expected: readonly number[]) => {
    const key = join(prefix, `qkv.${name}`);
    const src = sd.get(key);
    if (!src) {
      report.missing.push(key);
      return;
    }
    used.add(key);
    if (src.shape.length !== expected.length || src.shape.some((d, i) => d !== expected[i])) {
      report.mismatched.push({ key, expected, got: src.shape });
      return;
    }
    const pieces = parts(src);
    [q, k, v].forEach((layer, i) => {
      const target = name === 'weight' ? layer.weight : layer.bias;
      if (!target) return;
      const local: StateDict = new Map([[key, pieces[i]]]);
      copyEntry(key, target, local, report, new Set());
    });
  };
  splitInto('weight', [total, q.inFeatures]);
  if (q.bias && k.bias && v.bias) splitInto('bias', [total]);
}
