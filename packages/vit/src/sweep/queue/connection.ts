/**
 * The Redis behind the sweep's BullMQ queue: `redis://[user:password@]host:port/db` parsed with errors that
 * name the flag, and a reachability check that fails within seconds with the address and the reason, so an
 * unreachable Redis is a clear error, not a command that waits forever.
 */
import { Redis } from 'ioredis';
import { UsageError } from '../../cli/args';

/** The queue every sweep job goes through (one sweep folder per Redis database: see the README). */
export const QUEUE_NAME = 'gqa-lab-sweep';

/** What BullMQ and ioredis both take to connect. */
export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
}

/** Connection options of a `redis://` URL; BullMQ needs maxRetriesPerRequest null (commands wait out a restart). */
export function redisOptions(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--queue: '${url}' is not a URL (expected redis://host:port/db)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError(`--queue: '${url}' is not a redis:// or rediss:// URL`);
  }
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db) || db > 15) {
    throw new UsageError(`--queue: '${url}': database '${dbText}' is not an integer in [0, 15]`);
  }
  const port = u.port === '' ? 6379 : Number(u.port);
  return {
    host: u.hostname,
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Connects once (no retries) and PINGs; throws an Error naming the URL and the cause. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis({
    ...redisOptions(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, ...) comes as an event; connect() then only says
  // "Connection is closed", so the event's message is the one worth showing.
  const seen: { error: Error | null } = { error: null };
  client.on('error', (e: Error) => {
    seen.error ??= e;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const reason = seen.error?.message ?? (e instanceof Error ? e.message : String(e));
    throw new Error(`cannot reach Redis at ${url}: ${reason} (is redis-server running there?)`, { cause: e });
  } finally {
    client.disconnect();
  }
}
