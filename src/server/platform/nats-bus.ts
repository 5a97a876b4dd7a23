import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { type Bus, type BusHandler, type BusMessage, StatusListeners } from './bus.js';

/** What the buses write to the log (a pino or Fastify logger). */
export interface BusLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Bus subjects travel under `bus.` on the wire: `yunyi.>` belongs to the outbox's JetStream events
 * (docs/architecture.md), and the bus's best-effort messages must never land in those streams.
 */
export const WIRE_PREFIX = 'bus.';

/** The envelope on the wire: the publishing node and the data (JSON, so Redis carries the same bytes). */
interface Envelope {
  o: string;
  d: unknown;
}

export function encodeEnvelope(origin: string, data: unknown): string {
  return JSON.stringify({ o: origin, d: data } satisfies Envelope);
}

export function decodeEnvelope<T>(subject: string, raw: string): BusMessage<T> | null {
  try {
    const e = JSON.parse(raw) as Envelope;
    if (!e || typeof e.o !== 'string') return null;
    return { subject, data: e.d as T, origin: e.o };
  } catch {
    return null;
  }
}

/**
 * Counts what an outage drops and says so twice, when it starts and when it ends, rather than once per
 * message: a node publishes a frame per keystroke, and a log line each would bury the outage itself.
 */
export class DropLog {
  private droppedSinceOutage = 0;
  dropped = 0;

  constructor(
    private readonly log: BusLog,
    private readonly what: string,
  ) {}

  drop(err?: unknown): void {
    if (this.droppedSinceOutage === 0)
      this.log.warn(
        { err },
        `${this.what} unreachable: bus messages are dropped until it is back (chat is safe in PostgreSQL; clients resume)`,
      );
    this.droppedSinceOutage++;
    this.dropped++;
  }

  recovered(): void {
    this.log.info({ dropped: this.droppedSinceOutage }, `${this.what} reachable again: bus messages flow`);
    this.droppedSinceOutage = 0;
  }
}

export interface NatsBusOptions {
  url: string;
  nodeId: string;
  /**
   * The deployment's prefix (`config.cluster.natsPrefix`): on the wire a subject is `bus.<prefix>.<subject>`,
   * so two deployments sharing one NATS (a cluster and a bench) never hear each other's frames.
   */
  prefix?: string;
  log: BusLog;
  /** Says once, after this long, that the first connection is still being waited for. */
  waitLogMs?: number;
}

/**
 * The bus on NATS core pub/sub ([9/12]): at most once, in order per publisher, to every node subscribed at
 * that moment — which is what the visit hub's frames and a session revocation need. Its own connection
 * (named after the node, so `nats-server` monitoring shows which node is which) that reconnects forever.
 * While NATS is away `publish` drops instead of letting the client buffer: frames queued through an outage
 * would reach sockets late and out of date (a typing indicator, a WebRTC offer that timed out), and the
 * buffer would grow without bound; what must survive an outage is in PostgreSQL.
 */
export class NatsBus implements Bus {
  private up = true;
  private readonly status = new StatusListeners();
  private closing = false;
  private readonly drops: DropLog;
  private readonly subs = new Set<Subscription>();

  private readonly wire: string;

  private constructor(
    private readonly nc: NatsConnection,
    readonly nodeId: string,
    private readonly log: BusLog,
    prefix: string,
  ) {
    this.wire = `${WIRE_PREFIX}${prefix}.`;
    this.drops = new DropLog(log, 'NATS');
    void this.watch();
  }

  /** Waits for the first connection (retrying forever: a node with NATS_URL serves nothing without it). */
  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    const waiting = setTimeout(
      () => opts.log.warn({ url: redactUrl(opts.url) }, 'waiting for NATS to answer before serving'),
      opts.waitLogMs ?? 2000,
    );
    try {
      const nc = await connect({
        // NATS_URL may list several servers of a cluster, comma-separated.
        servers: opts.url.split(',').map((u) => u.trim()),
        name: opts.nodeId,
        maxReconnectAttempts: -1,
        waitOnFirstConnect: true,
        reconnectTimeWait: 1000,
        // A dead peer is noticed in seconds, not the default 2 minutes × 2 pings.
        pingInterval: 10_000,
        maxPingOut: 2,
      });
      return new NatsBus(nc, opts.nodeId, opts.log, opts.prefix ?? 'yunyi');
    } finally {
      clearTimeout(waiting);
    }
  }

  /** Messages dropped because NATS was away (since start). */
  get dropped(): number {
    return this.drops.dropped;
  }

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect' || s.type === 'staleConnection') {
        if (this.up && !this.closing) this.log.warn({ type: s.type }, 'NATS connection lost: reconnecting');
        if (this.up) {
          this.up = false;
          this.status.emit(false);
        }
      } else if (s.type === 'reconnect') {
        this.up = true;
        this.drops.recovered();
        this.status.emit(true);
      }
    }
  }

  get connected(): boolean {
    return this.up && !this.nc.isClosed();
  }

  onStatus(listener: (connected: boolean) => void): () => void {
    return this.status.add(listener);
  }

  publish(subject: string, data: unknown): void {
    if (!this.connected) {
      this.drops.drop();
      return;
    }
    try {
      this.nc.publish(this.wire + subject, encodeEnvelope(this.nodeId, data));
    } catch (err) {
      // A payload over the server's max_payload or a connection closing under us: this message only.
      this.log.error({ err, subject }, 'bus message not published');
    }
  }

  subscribe<T = unknown>(subject: string, handler: BusHandler<T>): () => void {
    const sub = this.nc.subscribe(this.wire + subject, {
      callback: (err, msg) => {
        if (err) return;
        const message = decodeEnvelope<T>(msg.subject.slice(this.wire.length), msg.string());
        if (!message) {
          this.log.warn({ subject: msg.subject }, 'bus message not understood');
          return;
        }
        try {
          handler(message);
        } catch (e) {
          // A subscriber's failure is its own; the bus keeps delivering to the others.
          this.log.error({ err: e, subject: message.subject }, 'bus subscriber failed');
        }
      },
    });
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
      if (!this.nc.isClosed()) sub.unsubscribe();
    };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.nc.isClosed()) return;
    if (!this.up) return this.nc.close();
    // drain: what was published reaches the server before the connection ends (bounded: a server that
    // goes away during the drain must not hold the node's shutdown).
    const timer = setTimeout(() => void this.nc.close(), 2000);
    await this.nc.drain().catch(() => this.nc.close());
    clearTimeout(timer);
  }
}

/** A URL without its password, for the log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable url)';
  }
}
