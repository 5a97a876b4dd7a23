import { type Bus, LocalBus } from './bus.js';
import type { Config } from './config.js';
import { type BusLog, NatsBus } from './nats-bus.js';
import { RedisBus } from './redis-bus.js';

/**
 * The bus between API nodes ([9/12], docs/operations.md): NATS core when NATS_URL is set, else Redis
 * pub/sub when REDIS_URL is, else one process (LocalBus). Waits for the first connection: a node that
 * served before it could reach the others would show each visit's sockets half of the conversation.
 */
export async function openBus(config: Config, log: BusLog): Promise<Bus> {
  const { nodeId, natsUrl, natsPrefix, redisUrl, redisPrefix } = config.cluster;
  if (natsUrl) return NatsBus.connect({ url: natsUrl, nodeId, log, prefix: natsPrefix });
  if (redisUrl) return RedisBus.connect({ url: redisUrl, nodeId, log, channelPrefix: `${redisPrefix}:` });
  return new LocalBus(nodeId);
}
