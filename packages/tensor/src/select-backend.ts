/**
 * The default backend: GQA_BACKEND picks it by name ('cpu', the default, or 'reference'); setBackend or
 * withBackend override it in code. The gpu.js backend starts asynchronously, so it is chosen in code only.
 */
import type { Backend } from './backend';
import { cpuBackend } from './cpu';
import { referenceBackend } from './reference';
import { setDefaultBackendFactory } from './registry';

const BY_NAME: Readonly<Record<string, Backend>> = { cpu: cpuBackend, reference: referenceBackend };

/** The backend GQA_BACKEND names (cpu when unset or outside Node); throws naming the accepted values. */
export function backendFromEnv(): Backend {
  const name = globalThis.process?.env?.GQA_BACKEND;
  if (name === undefined || name === '') return cpuBackend;
  const backend = BY_NAME[name];
  if (!backend) {
    throw new RangeError(`GQA_BACKEND must be one of ${Object.keys(BY_NAME).join(', ')}; got '${name}'`);
  }
  return backend;
}

setDefaultBackendFactory(backendFromEnv);
