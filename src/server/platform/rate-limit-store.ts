import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { type BusLog, redactUrl } from './nats-bus.js';

/** @fastify/rate-limit's options for a store in Redis (`redis`, `nameSpace`, `skipOnError`). */
export interface SharedRateLimit {
  options: { redis: Redis; nameSpace: string; skipOnError: true };
  close(): Promise<void>;
}

/**
 * Rate limits shared by every API node ([9/12], DJ-17, DJ-18): with REDIS_URL the counters live in Redis
 * under `<YUNYI_REDIS_PREFIX>:rl:`, so a client cannot multiply its budget by the number of nodes behind
 * the load balancer. Without it (one process) they stay in the process's memory: null.
 *
 * A rate limit must not turn a Redis outage into an outage of login: the limiter fails open
 * (`skipOnError`) and says so in the log, once when Redis goes and once when it is back. Commands fail at
 * once while Redis is away (no offline queue) and give up after 500 ms on a Redis that hangs, so a request
 * never waits for Redis longer than that. Login stays protected meanwhile by the per-phone lockout (DJ-3),
 * which is in PostgreSQL and shared anyway.
 */
export async function sharedRateLimit(
  config: Config,
  log: BusLog,
  firstConnectMs = 2000,
): Promise<SharedRateLimit | null> {
  const { redisUrl, redisPrefix, nodeId } = config.cluster;
  if (!redisUrl) return null;
  const redis = new Redis(redisUrl, {
    connectionName: `${nodeId}:rate-limit`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  let down = false;
  redis.on('error', (err) => {
    if (!down)
      log.warn(
        { err, url: redactUrl(redisUrl) },
        'Redis unreachable: rate limits are not enforced (fail open) until it is back',
      );
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info({}, 'Redis reachable again: rate limits enforced');
    down = false;
  });
  // Counting starts with the first request when Redis answers in time; a node does not wait longer to
  // start (the limiter fails open until Redis answers).
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, firstConnectMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    options: { redis, nameSpace: `${redisPrefix}:rl:`, skipOnError: true },
    async close() {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
