import { sql } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import { systemActor } from './audit/audit.js';
import type { CommandScope } from './command.js';
import { runCommand } from './command.js';
import type { AppContext } from './context.js';

/** An event as a subscriber receives it. `id` is the idempotency key of every effect it causes. */
export interface OutboxEvent<P = Record<string, unknown>> {
  id: string;
  topic: string;
  payload: P;
  createdAt: Date;
  attempts: number;
}

/**
 * A subscriber runs in its own transaction (`cmd.trx`) together with its receipt, so what it writes to the
 * database happens once per event; what it sends outside (an SMS, a gateway call) may be repeated after a
 * crash, so it passes the event id on as the outside service's idempotency key where there is one.
 */
export type Subscriber<P = Record<string, unknown>> = (
  event: OutboxEvent<P>,
  cmd: CommandScope,
) => Promise<void>;

export interface Registration {
  topic: string;
  name: string;
  handler: Subscriber;
}

/**
 * Delivery through NATS JetStream (platform/outbox-relay.ts, when NATS_URL is set) instead of in process:
 * the relay publishes the rows, a durable consumer per subscriber hands them to `Outbox.handle`.
 */
export interface OutboxTransport {
  /** A command committed these events: relay them soon (the relay's loop would find them anyway). */
  committed(ids: string[]): void;
  /** A subscriber registered after the transport started: it needs its consumer. */
  subscribed(registration: Registration): void;
}

/** How long a claimed event is left alone by other dispatchers (a crashed node's claim lapses after it). */
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * The dispatcher of the transactional outbox (architecture.md, "A command's path"). Events are delivered
 * right after the command that emitted them commits (`deliver`), and again by `drain` — run by a loop on
 * every node — for whatever a crash, an outage or a failing subscriber left behind. Delivery is at least
 * once per subscriber; a receipt row per (event, subscriber) makes a second delivery a no-op.
 *
 * With a transport (NATS_URL, platform/outbox-relay.ts) `deliver` and `drain` hand over to it: the leader
 * relays the rows to JetStream and each subscriber's durable consumer calls `handle` on one node.
 */
export class Outbox {
  private readonly subscribers = new Map<string, Registration[]>();
  private transport: OutboxTransport | null = null;
  /**
   * Tests stop delivery to play a process that dies between commit and delivery. With NATS it stops the
   * relay of this node (the rows stay unrelayed) and this node's consumers (they leave messages unacked).
   */
  paused = false;

  constructor(private readonly ctx: () => AppContext) {}

  subscribe<P>(topic: string, name: string, handler: Subscriber<P>): void {
    const list = this.subscribers.get(topic) ?? [];
    if (list.some((r) => r.name === name)) throw new Error(`outbox: ${name} already subscribes to ${topic}`);
    const registration: Registration = { topic, name, handler: handler as Subscriber };
    list.push(registration);
    this.subscribers.set(topic, list);
    this.transport?.subscribed(registration);
  }

  topics(): string[] {
    return [...this.subscribers.keys()];
  }

  registrations(): Registration[] {
    return [...this.subscribers.values()].flat();
  }

  /** Hands delivery to NATS JetStream (or back to this process with `null`). */
  setTransport(transport: OutboxTransport | null): void {
    this.transport = transport;
  }

  /** Delivers these events now (called after their command commits). Never throws: `drain` retries. */
  async deliver(ids: string[]): Promise<void> {
    if (this.paused || ids.length === 0) return;
    if (this.transport) {
      this.transport.committed(ids);
      return;
    }
    try {
      await this.claimAndRun(ids);
    } catch (err) {
      this.ctx().log.error({ err }, 'outbox delivery failed; the dispatcher loop retries');
    }
  }

  /** Delivers every due event not yet delivered, oldest first; returns how many were claimed. */
  async drain(batch = 100): Promise<number> {
    // With a transport the relay and the consumers do this (and a message waiting for its backoff in
    // JetStream must not be delivered early from here).
    if (this.paused || this.transport) return 0;
    let total = 0;
    for (;;) {
      const n = await this.claimAndRun(null, batch);
      total += n;
      if (n < batch) return total;
    }
  }

  private async claimAndRun(ids: string[] | null, limit = 100): Promise<number> {
    const ctx = this.ctx();
    // Only topics this node has subscribers for: an event of a topic it does not know (a newer node's,
    // during a rolling deploy) stays pending for a node that does, instead of being marked delivered.
    if (this.subscribers.size === 0) return 0;
    const now = ctx.clock.now();
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    // One statement claims the rows: concurrent dispatchers (other nodes, the loop) skip what is claimed.
    const claimed = await sql<{
      id: string;
      topic: string;
      payload: Record<string, unknown>;
      created_at: Date;
      attempts: number;
    }>`
      update outbox set available_at = ${leaseUntil}, attempts = attempts + 1
       where id in (select id from outbox
                     where delivered_at is null and available_at <= ${now}
                       and topic = any(${this.topics()}::text[])
                       ${ids ? sql`and id = any(${ids}::uuid[])` : sql``}
                     order by created_at limit ${limit} for update skip locked)
      returning id, topic, payload, created_at, attempts`.execute(ctx.db);
    for (const row of claimed.rows) await this.run(row);
    return claimed.rows.length;
  }

  private async run(row: {
    id: string;
    topic: string;
    payload: Record<string, unknown>;
    created_at: Date;
    attempts: number;
  }): Promise<void> {
    const ctx = this.ctx();
    const event: OutboxEvent = {
      id: row.id,
      topic: row.topic,
      payload: row.payload,
      createdAt: row.created_at,
      attempts: row.attempts,
    };
    let failure: unknown;
    for (const sub of this.subscribers.get(row.topic) ?? []) {
      try {
        await this.handle(sub, event);
      } catch (err) {
        failure ??= err;
        ctx.log.error(
          { err, topic: row.topic, subscriber: sub.name, attempts: row.attempts },
          'outbox subscriber failed',
        );
      }
    }
    const now = ctx.clock.now();
    if (failure === undefined) {
      await ctx.db
        .updateTable('outbox')
        .set({ delivered_at: now, last_error: null })
        .where('id', '=', row.id)
        .execute();
    } else {
      const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(row.attempts, 10));
      await ctx.db
        .updateTable('outbox')
        .set({
          available_at: new Date(now.getTime() + backoff),
          last_error: String((failure as Error)?.message ?? failure).slice(0, 500),
        })
        .where('id', '=', row.id)
        .execute();
    }
  }

  /**
   * One event to one subscriber, in the subscriber's own transaction together with its receipt. Returns
   * false when the receipt was there already (a redelivery: nothing runs). Throws what the subscriber threw.
   */
  async handle(sub: Registration, event: OutboxEvent): Promise<boolean> {
    return runCommand(this.ctx(), systemActor, async (cmd) => {
      // The receipt first: a concurrent delivery of the same event to the same subscriber waits here.
      const inserted = await cmd.trx
        .insertInto('outbox_receipt')
        .values({ event_id: event.id, subscriber: sub.name, delivered_at: cmd.now })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await sub.handler(event, cmd);
      return true;
    });
  }

  /**
   * With NATS, `delivered_at` still means "every subscriber of the topic has its receipt": each consumer
   * asks after its own commit, so whichever subscriber commits last sees all the receipts and sets it.
   */
  async markDeliveredIfComplete(eventId: string, topic: string): Promise<void> {
    const names = (this.subscribers.get(topic) ?? []).map((r) => r.name);
    if (names.length === 0) return;
    const ctx = this.ctx();
    await sql`
      update outbox set delivered_at = ${ctx.clock.now()}, last_error = null
       where id = ${eventId} and delivered_at is null
         and (select count(*) from outbox_receipt
               where event_id = ${eventId} and subscriber = any(${names}::text[])) = ${names.length}`.execute(
      ctx.db,
    );
  }

  /** Records a subscriber's failure on the event's row (operators look there first), NATS mode. */
  async recordFailure(eventId: string, err: unknown): Promise<void> {
    await this.ctx()
      .db.updateTable('outbox')
      .set({ last_error: String((err as Error)?.message ?? err).slice(0, 500) })
      .where('id', '=', eventId)
      .execute();
  }

  /**
   * The relay's lag (`yunyi_outbox_lag_seconds`, `yunyi_outbox_pending`): events not yet relayed to
   * JetStream with NATS; without it, events of this node's topics not yet delivered. Read at each scrape.
   */
  registerMetrics(registry: Registry): void {
    let inFlight: Promise<{ pending: number; ageSeconds: number }> | null = null;
    const snapshot = () => {
      // A database outage must not take /metrics down with it: the values read as unknown (NaN) meanwhile.
      inFlight ??= this.lag()
        .catch(() => ({ pending: Number.NaN, ageSeconds: Number.NaN }))
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    };
    new Gauge({
      name: 'yunyi_outbox_lag_seconds',
      help: 'Age of the oldest outbox event not yet relayed to NATS (without NATS: not yet delivered)',
      registers: [registry],
      async collect() {
        this.set((await snapshot()).ageSeconds);
      },
    });
    new Gauge({
      name: 'yunyi_outbox_pending',
      help: 'Outbox events not yet relayed to NATS (without NATS: not yet delivered)',
      registers: [registry],
      async collect() {
        this.set((await snapshot()).pending);
      },
    });
  }

  private async lag(): Promise<{ pending: number; ageSeconds: number }> {
    const ctx = this.ctx();
    const where = this.transport
      ? sql`relayed_at is null and delivered_at is null`
      : sql`delivered_at is null and topic = any(${this.topics()}::text[])`;
    const r = await sql<{ n: number; oldest: Date | null }>`
      select count(*)::int as n, min(created_at) as oldest from outbox where ${where}`.execute(ctx.db);
    const row = r.rows[0];
    const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
    return {
      pending: row?.n ?? 0,
      ageSeconds: oldest === null ? 0 : Math.max(0, (ctx.clock.now().getTime() - oldest) / 1000),
    };
  }
}
