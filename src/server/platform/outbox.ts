import { sql } from 'kysely';
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

interface Registration {
  name: string;
  handler: Subscriber;
}

/** How long a claimed event is left alone by other dispatchers (a crashed node's claim lapses after it). */
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * The dispatcher of the transactional outbox (architecture.md, "A command's path"). Events are delivered
 * right after the command that emitted them commits (`deliver`), and again by `drain` — run by a loop on
 * every node — for whatever a crash, an outage or a failing subscriber left behind. Delivery is at least
 * once per subscriber; a receipt row per (event, subscriber) makes a second delivery a no-op.
 */
export class Outbox {
  private readonly subscribers = new Map<string, Registration[]>();
  /** Tests stop delivery to play a process that dies between commit and delivery. */
  paused = false;

  constructor(private readonly ctx: () => AppContext) {}

  subscribe<P>(topic: string, name: string, handler: Subscriber<P>): void {
    const list = this.subscribers.get(topic) ?? [];
    if (list.some((r) => r.name === name)) throw new Error(`outbox: ${name} already subscribes to ${topic}`);
    list.push({ name, handler: handler as Subscriber });
    this.subscribers.set(topic, list);
  }

  topics(): string[] {
    return [...this.subscribers.keys()];
  }

  /** Delivers these events now (called after their command commits). Never throws: `drain` retries. */
  async deliver(ids: string[]): Promise<void> {
    if (this.paused || ids.length === 0) return;
    try {
      await this.claimAndRun(ids);
    } catch (err) {
      this.ctx().log.error({ err }, 'outbox delivery failed; the dispatcher loop retries');
    }
  }

  /** Delivers every due event not yet delivered, oldest first; returns how many were claimed. */
  async drain(batch = 100): Promise<number> {
    if (this.paused) return 0;
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
        await runCommand(ctx, systemActor, async (cmd) => {
          // The receipt first: a concurrent delivery of the same event to the same subscriber waits here.
          const inserted = await cmd.trx
            .insertInto('outbox_receipt')
            .values({ event_id: event.id, subscriber: sub.name, delivered_at: cmd.now })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
          await sub.handler(event, cmd);
        });
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
}
