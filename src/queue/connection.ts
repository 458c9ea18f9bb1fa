/**
 * Redis connections for the trial queue. One URL form, `redis://[:password@]host[:port][/db]`, checked up front
 * with a one-line error, and a reachability check that fails fast (BullMQ would otherwise retry forever).
 */
import { Redis } from 'ioredis';
import { usageError, ioError } from '../core/index.ts';

export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly password?: string;
}

export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usageError(`--queue "${url}" is not a URL; use redis://HOST:PORT (for example redis://127.0.0.1:6379)`);
  }
  if (u.protocol !== 'redis:')
    throw usageError(`--queue "${url}": only redis:// URLs are supported (for example redis://127.0.0.1:6379)`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0)
    throw usageError(`--queue "${url}": the database "${dbText}" is not an integer ≥ 0`);
  return {
    host: u.hostname || '127.0.0.1',
    port,
    db,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** ioredis options BullMQ needs (it requires maxRetriesPerRequest: null for blocking commands). */
export function redisOptions(t: RedisTarget): {
  host: string;
  port: number;
  db: number;
  password?: string;
  maxRetriesPerRequest: null;
} {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.password ? { password: t.password } : {}),
    maxRetriesPerRequest: null,
  };
}

/** PING within `timeoutMs`, else a one-line error saying how to start Redis. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<RedisTarget> {
  const t = parseRedisUrl(url);
  const client = new Redis({
    ...redisOptions(t),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
    ]);
    return t;
  } catch {
    throw ioError(
      `cannot reach Redis at ${url}; start one (redis-server --port ${t.port} --save '') or pass the right --queue URL (docs/scale-out.md)`,
    );
  } finally {
    client.disconnect();
  }
}
