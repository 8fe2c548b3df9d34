/**
 * The queue's libraries are optional peer dependencies (a user who sweeps on one machine installs neither):
 * the queue modules are imported only when --queue is used, and a missing package becomes an error that
 * says what to install.
 */

/** The versions this gqa-lab is tested with (package.json peerDependencies; a test keeps them equal). */
export const QUEUE_PEERS = { bullmq: '6.7.6', ioredis: '6.0.0' } as const;

/** What to run when the queue's packages are missing. */
export const QUEUE_INSTALL_HINT = `npm install ${Object.entries(QUEUE_PEERS)
  .map(([name, version]) => `${name}@${version}`)
  .join(' ')}`;

/** The error for a failed import: a clear one when it is a missing bullmq / ioredis, else the original. */
export function queueImportError(e: unknown): unknown {
  const text = e instanceof Error ? e.message : '';
  const code = e instanceof Error && 'code' in e ? e.code : undefined;
  const missing = Object.keys(QUEUE_PEERS).find((name) => text.includes(`'${name}'`));
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missing !== undefined) {
    return new Error(
      `--queue needs the optional packages bullmq and ioredis (${missing} is not installed): ${QUEUE_INSTALL_HINT}`,
      { cause: e },
    );
  }
  return e;
}

/** Runs a dynamic import of a queue module, mapping a missing peer dependency to a clear error. */
export async function loadQueueModule<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw queueImportError(e);
  }
}
