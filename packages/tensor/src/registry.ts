/** The current backend: one global default, swappable for a scope (tfjs's setBackend, without strings). */
import type { Backend } from './backend';

let current: Backend | null = null;
let fallbackFactory: (() => Backend) | null = null;

/** Registers the backend used when none was set (the CPU backend registers itself). */
export function setDefaultBackendFactory(factory: () => Backend): void {
  fallbackFactory = factory;
}

export function getBackend(): Backend {
  if (current) return current;
  if (!fallbackFactory) throw new Error('getBackend: no backend registered; import @gqa-lab/tensor first');
  current = fallbackFactory();
  return current;
}

export function setBackend(backend: Backend): void {
  current = backend;
}

/** Runs `fn` with `backend` as the current backend, restoring the previous one afterwards. */
export function withBackend<T>(backend: Backend, fn: () => T): T {
  const previous = current;
  current = backend;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
