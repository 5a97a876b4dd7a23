import { Redis } from 'ioredis';
import { type Bus, type BusHandler, StatusListeners, subjectMatches } from './bus.js';
import { type BusLog, DropLog, decodeEnvelope, encodeEnvelope, redactUrl, WIRE_PREFIX } from './nats-bus.js';

export interface RedisBusOptions {
  url: string;
  nodeId: string;
  log: BusLog;
  /**
   * Put before `bus.` on every channel. Redis pub/sub ignores the database number of REDIS_URL, so two
   * deployments sharing one Redis would hear each other's messages without it (YUNYI_REDIS_PREFIX).
   */
  channelPrefix?: string;
  waitLogMs?: number;
}

/** A Redis glob matching at least what a NATS pattern matches (`*` and `>` both widen to `*`). */
export function globOf(pattern: string): string {
  return pattern
    .split('.')
    .map((token) => (token === '*' || token === '>' ? '*' : token.replace(/[*?[\]\\]/g, '\\$&')))
    .join('.');
}

/** Keeps retrying, at most every 2 s: a node outlives a Redis restart. */
const retryForever = (times: number) => Math.min(times * 200, 2000);

/**
 * The bus on Redis pub/sub, for a deployment with REDIS_URL but no NATS_URL ([9/12]). The same contract
 * as NatsBus: at most once, to the nodes subscribed at that moment. Two connections, as Redis requires
 * (a subscribed connection can do nothing else). The publisher has no offline queue, so a message
 * published while Redis is away is dropped rather than delivered late; the subscriber keeps its queue
 * so a subscription made during an outage takes effect on reconnect (ioredis resubscribes by itself).
 * NATS wildcards become a Redis glob, and each message is filtered again by the NATS rule.
 */
export class RedisBus implements Bus {
  private readonly drops: DropLog;
  private readonly globs = new Map<string, Set<{ pattern: string; handler: BusHandler }>>();
  private readonly prefix: string;
  private closing = false;
  private readonly status = new StatusListeners();
  private wasConnected = true;

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    readonly nodeId: string,
    private readonly log: BusLog,
    channelPrefix: string,
  ) {
    this.prefix = channelPrefix + WIRE_PREFIX;
    this.drops = new DropLog(log, 'Redis');
    let down = false;
    pub.on('error', (err) => {
      if (!down && !this.closing) log.warn({ err }, 'Redis bus connection lost: reconnecting');
      down = true;
    });
    pub.on('ready', () => {
      if (down) this.drops.recovered();
      down = false;
    });
    // The subscriber's errors are the same outage, already said by the publisher's.
    sub.on('error', () => {});
    // Either connection away means messages are missed one way: the state is both together.
    for (const c of [pub, sub])
      for (const event of ['ready', 'close', 'end', 'reconnecting'] as const)
        c.on(event, () => this.statusChanged());
    sub.on('pmessage', (glob: string, channel: string, raw: string) => this.deliver(glob, channel, raw));
  }

  static async connect(opts: RedisBusOptions): Promise<RedisBus> {
    const base = { retryStrategy: retryForever, maxRetriesPerRequest: null } as const;
    const pub = new Redis(opts.url, {
      ...base,
      connectionName: `${opts.nodeId}:bus-pub`,
      enableOfflineQueue: false,
    });
    const sub = new Redis(opts.url, { ...base, connectionName: `${opts.nodeId}:bus-sub` });
    // Until the bus takes them over: ioredis prints unhandled 'error' events of the first attempts itself.
    for (const c of [pub, sub]) c.on('error', () => {});
    const waiting = setTimeout(
      () => opts.log.warn({ url: redactUrl(opts.url) }, 'waiting for Redis to answer before serving'),
      opts.waitLogMs ?? 2000,
    );
    try {
      await Promise.all([ready(pub), ready(sub)]);
    } finally {
      clearTimeout(waiting);
    }
    return new RedisBus(pub, sub, opts.nodeId, opts.log, opts.channelPrefix ?? '');
  }

  get dropped(): number {
    return this.drops.dropped;
  }

  get connected(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  onStatus(listener: (connected: boolean) => void): () => void {
    return this.status.add(listener);
  }

  private statusChanged(): void {
    const now = this.connected;
    if (now === this.wasConnected) return;
    this.wasConnected = now;
    this.status.emit(now);
  }

  private deliver(glob: string, channel: string, raw: string): void {
    const subs = this.globs.get(glob);
    if (!subs || !channel.startsWith(this.prefix)) return;
    const subject = channel.slice(this.prefix.length);
    const message = decodeEnvelope(subject, raw);
    if (!message) {
      this.log.warn({ channel }, 'bus message not understood');
      return;
    }
    for (const s of subs) {
      if (!subjectMatches(s.pattern, subject)) continue;
      try {
        s.handler(message);
      } catch (err) {
        this.log.error({ err, subject }, 'bus subscriber failed');
      }
    }
  }

  publish(subject: string, data: unknown): void {
    if (this.pub.status !== 'ready') {
      this.drops.drop();
      return;
    }
    this.pub
      .publish(this.prefix + subject, encodeEnvelope(this.nodeId, data))
      .catch((err) => this.drops.drop(err));
  }

  subscribe<T = unknown>(subject: string, handler: BusHandler<T>): () => void {
    const glob = globOf(this.prefix + subject);
    const entry = { pattern: subject, handler: handler as BusHandler };
    let subs = this.globs.get(glob);
    if (!subs) {
      subs = new Set();
      this.globs.set(glob, subs);
      this.sub.psubscribe(glob).catch((err) => this.log.error({ err, subject }, 'bus subscription failed'));
    }
    subs.add(entry);
    return () => {
      const s = this.globs.get(glob);
      if (!s?.delete(entry) || s.size > 0) return;
      this.globs.delete(glob);
      if (!this.closing) this.sub.punsubscribe(glob).catch(() => {});
    };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.globs.clear();
    // quit() waits for Redis to answer; a Redis that is away gets disconnect() instead.
    await Promise.all(
      [this.pub, this.sub].map((c) =>
        c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect(),
      ),
    );
  }
}

/** Resolves once the connection answers (ioredis keeps retrying meanwhile). */
function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}
