/**
 * The import graph of the repository (import-graph.ts): no cycle anywhere, type-only imports included, and no
 * import that runs up the layers (layers.ts): between packages, inside tensor and autograd, from a package to
 * another package's tests, or from sources to tests, examples, benchmarks or testing/.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from './import-graph';
import { layerOf, PACKAGES, SOURCE_LAYERS } from './layers';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const graph = importGraph(REPO, ['packages', 'examples', 'bench', 'testing']);

/** Where a file sits: its package (or examples / bench / testing), which folder of it, and its path in src/. */
function place(file: string): { unit: string; part: string; inSrc: string } {
  const m = /^packages\/([^/]+)\/([^/]+)\/(.*)$/.exec(file);
  if (m) return { unit: m[1], part: m[2], inSrc: m[2] === 'src' ? m[3] : '' };
  return { unit: file.split('/')[0], part: '', inSrc: '' };
}

const rankOf = (unit: string): number => PACKAGES.indexOf(unit as (typeof PACKAGES)[number]);

/** Why the import from -> to runs up the layers, or null when it does not. */
function violation(from: string, to: string): string | null {
  const a = place(from);
  const b = place(to);
  const ra = rankOf(a.unit);
  const rb = rankOf(b.unit);
  if (a.part === 'src' && b.part !== 'src') return 'a package source imports a file outside package sources';
  if (rb >= 0 && b.part === 'test' && a.unit !== b.unit) return `${a.unit} imports the tests of ${b.unit}`;
  if (ra >= 0 && rb > ra) return `package ${a.unit} imports ${b.unit}, a layer above it`;
  if (ra < 0 && !['examples', 'bench', 'testing'].includes(a.unit)) return `${a.unit} is not a known layer`;
  const layers = SOURCE_LAYERS[a.unit];
  if (a.part === 'src' && a.unit === b.unit && layers) {
    const la = layerOf(layers, a.inSrc);
    const lb = layerOf(layers, b.inSrc);
    if (la < 0) return `${from} is in no layer of ${a.unit} (testing/layers.ts)`;
    if (lb < 0) return `${to} is in no layer of ${a.unit} (testing/layers.ts)`;
    if (lb > la) return `'${layers[la].name}' imports '${layers[lb].name}', a layer above it`;
  }
  return null;
}

describe('import graph', () => {
  it('reads every source file', () => {
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.get('packages/tensor/src/index.ts')).toContain('packages/tensor/src/reference/index.ts');
  });
  it('has no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });
  it('has no import that runs up the layers', () => {
    const bad: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        const why = violation(from, to);
        if (why) bad.push(`${from} -> ${to}: ${why}`);
      }
    }
    expect(bad).toEqual([]);
  });
  it('every tensor and autograd source file is in a layer', () => {
    const unplaced = [...graph.keys()].filter((f) => {
      const p = place(f);
      const layers = SOURCE_LAYERS[p.unit];
      return p.part === 'src' && layers !== undefined && layerOf(layers, p.inSrc) < 0;
    });
    expect(unplaced).toEqual([]);
  });
  it('finds a cycle and an upward import when there is one (the checks can fail)', () => {
    const g = new Map([
      ['packages/tensor/src/a.ts', ['packages/tensor/src/b.ts']],
      ['packages/tensor/src/b.ts', ['packages/tensor/src/a.ts']],
    ]);
    expect(cycles(g)).toEqual([['packages/tensor/src/a.ts', 'packages/tensor/src/b.ts']]);
    expect(violation('packages/tensor/src/shape.ts', 'packages/tensor/src/cpu/walk.ts')).toMatch(
      /a layer above/,
    );
    expect(violation('packages/tensor/src/index.ts', 'packages/autograd/src/index.ts')).toMatch(
      /a layer above/,
    );
    expect(violation('packages/autograd/test/x.test.ts', 'packages/tensor/test/arrays.ts')).toMatch(
      /tests of tensor/,
    );
  });
});
