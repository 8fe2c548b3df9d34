/**
 * The repository's import graph, read from the sources (static `import` / `export ... from` / `import()` of
 * relative paths and @gqa-lab/* packages, type-only imports included), and the two checks run on it: no
 * cycle, and no import that runs up the layers (layers.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Repository-relative source file -> the repository-relative files it imports. */
export type ImportGraph = Map<string, string[]>;

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The file a relative specifier names (foo -> foo.ts or foo/index.ts), or null when it is not a source. */
function resolveRelative(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile() && candidate.endsWith('.ts')) return candidate;
    } catch {
      // not this candidate
    }
  }
  return null;
}

/** The import graph of every .ts file under `roots` (directories relative to `repo`). */
export function importGraph(repo: string, roots: readonly string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const root of roots) {
    for (const file of sourceFiles(join(repo, root))) {
      const text = readFileSync(file, 'utf8');
      const targets: string[] = [];
      for (const m of text.matchAll(SPECIFIER)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('.')) {
          const target = resolveRelative(file, spec);
          if (target) targets.push(relative(repo, target));
        } else if (spec.startsWith('@gqa-lab/')) {
          targets.push(`packages/${spec.slice('@gqa-lab/'.length).split('/')[0]}/src/index.ts`);
        }
      }
      graph.set(relative(repo, file), targets);
    }
  }
  return graph;
}

/** Every cycle, each as the list of files around it (Tarjan's strongly connected components, size > 1 or a self-import). */
export function cycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}
