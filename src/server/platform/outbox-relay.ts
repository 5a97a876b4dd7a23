import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { sql } from 'kysely';
import type { AppContext } from './context.js';
import type { Leadership } from './leader.js';
import { startLoop } from './loop.js';
import { consumerName, ensureStream, isNotFound } from './nats.js';
import type { OutboxEvent, Registration } from './outbox.js';

/**
 * The outbox over NATS JetStream ([9/12], docs/operations.md "Events (NATS JetStream)").
 *
 * Relay: the leader (platform/leader.ts) publishes outbox rows not yet relayed, oldest first, to
 * `<prefix>.<topic>` (`yunyi.notifications.sms`) with the event id as the message id — a publish repeated
 * after a crash between publish and mark, or by two leaders overlapping, is stored once — then sets
 * `relayed_at`. Until then the row is the event's only copy; nothing is lost when the relay or NATS stops.
 *
 * Consumers: each (topic, subscriber) is a durable pull consumer shared by every node, so JetStream hands
 * each event to one node per subscriber. That node runs the subscriber in its own transaction with its
 * receipt (Outbox.handle: a redelivery finds the receipt and does nothing), acknowledges after the commit,
 * and on failure asks for redelivery after a backoff. An unacknowledged message stays in JetStream (ack wait
 * 30 s), so nothing is lost when a consumer's node dies either.
 */

export interface JetStreamOutboxOptions {
  nc: NatsConnection;
  /** Subject prefix and stream: `yunyi` → stream YUNYI on `yunyi.>` (tests use their own). */
  prefix: string;
  leader: Leadership;
  /** How often the leader looks for rows nobody told it about (a follower's commit it missed, a crash). */
  intervalMs: number;
}

export interface JetStreamOutbox {
  /** One relay pass now (tests, and the loop); resolves when the rows it found are relayed or it failed. */
  relay(): Promise<void>;
  stop(): Promise<void>;
}

/** The message body: the row, as the subscriber sees it. */
interface WireEvent {
  id: string;
  topic: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

const RELAY_BATCH = 200;
const ACK_WAIT_MS = 30_000;
/** Messages a node takes from one consumer at a time (the rest stay for other nodes). */
const PULL_BATCH = 10;
const MAX_BACKOFF_MS = 10 * 60_000;
/** Longer than the stream's duplicate window (10 min, platform/nats.ts), or the second publish is dropped. */
const RERELAY_AFTER_MS = 15 * 60_000;

/** Redelivery delay after the n-th failed delivery: 1 s doubling, at most 10 min (as in process). */
export function redeliveryDelayMs(deliveryCount: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(Math.max(deliveryCount - 1, 0), 10));
}

export async function startJetStreamOutbox(
  ctx: AppContext,
  opts: JetStreamOutboxOptions,
): Promise<JetStreamOutbox> {
  const { nc, prefix, leader } = opts;
  const log = ctx.log;
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const js: JetStreamClient = jetstream(nc);
  const stream = await ensureStream(jsm, prefix);
  let stopped = false;

  // ---- consumers exist before anything is relayed --------------------------------------------------------
  const ensureConsumer = async (durable: string, topic: string) => {
    try {
      await jsm.consumers.info(stream, durable);
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await jsm.consumers
      .add(stream, {
        durable_name: durable,
        filter_subject: `${prefix}.${topic}`,
        ack_policy: AckPolicy.Explicit,
        ack_wait: ACK_WAIT_MS * 1e6,
        // A subscriber added in a later release starts from its first deploy, not from a week of history.
        deliver_policy: DeliverPolicy.New,
        max_deliver: -1,
      })
      .catch(async (err) => {
        // Another node created it first.
        await jsm.consumers.info(stream, durable).catch(() => {
          throw err;
        });
      });
  };

  // A consumer starts at the first event published after it exists (DeliverPolicy.New): every subscriber's
  // consumer is made before this node relays, so no event is published to a stream nobody reads yet.
  await Promise.all(
    ctx.outbox.registrations().map((reg) => ensureConsumer(consumerName(reg.name, reg.topic), reg.topic)),
  );

  // ---- relay ------------------------------------------------------------------------------------------
  const relayBatch = async (): Promise<number> => {
    const rows = await sql<{ id: string; topic: string; payload: Record<string, unknown>; created_at: Date }>`
      select id, topic, payload, created_at from outbox
       where relayed_at is null and delivered_at is null
       order by created_at, id limit ${RELAY_BATCH}`.execute(ctx.db);
    if (rows.rows.length === 0) return 0;
    // Published together (one connection keeps their order), then acknowledged by the stream one by one.
    const results = await Promise.allSettled(
      rows.rows.map((r) => {
        const body: WireEvent = {
          id: r.id,
          topic: r.topic,
          payload: r.payload,
          createdAt: new Date(r.created_at).toISOString(),
        };
        return js.publish(`${prefix}.${r.topic}`, JSON.stringify(body), { msgID: r.id });
      }),
    );
    const relayed = rows.rows.filter((_, i) => results[i]!.status === 'fulfilled').map((r) => r.id);
    if (relayed.length > 0)
      await ctx.db
        .updateTable('outbox')
        .set({ relayed_at: ctx.clock.now() })
        .where('id', 'in', relayed)
        .execute();
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return rows.rows.length;
  };
  const relayAll = async () => {
    while (!stopped && !ctx.outbox.paused && leader.isLeader()) {
      if ((await relayBatch()) < RELAY_BATCH) return;
    }
  };
  // One pass at a time; a commit during a pass asks for one more pass after it.
  let running: Promise<void> | null = null;
  let again = false;
  const relay = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await relayAll();
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const relayInBackground = () => {
    relay().catch((err) => log.warn({ err }, 'outbox relay failed; it retries'));
  };
  // A follower's commit: the leader hears of it at once instead of at its next pass.
  const kickSubject = `relay.${prefix}.kick`;
  const kicks: Subscription = nc.subscribe(kickSubject, {
    callback: () => {
      if (leader.isLeader()) relayInBackground();
    },
  });
  // Relayed but still not delivered long after (a message JetStream lost with its store, a consumer made
  // too late), with no failure recorded: relayed again. Later than the duplicate window, so JetStream stores it anew; the receipts
  // make the second delivery a no-op for the subscribers that already had it.
  const rerelayStale = async () => {
    const before = new Date(ctx.clock.now().getTime() - RERELAY_AFTER_MS);
    const res = await ctx.db
      .updateTable('outbox')
      .set({ relayed_at: null })
      .where('delivered_at', 'is', null)
      .where('relayed_at', '<', before)
      // A subscriber that keeps failing has its error here and its message in JetStream, being retried.
      .where('last_error', 'is', null)
      .executeTakeFirst();
    const n = Number(res.numUpdatedRows ?? 0);
    if (n > 0)
      log.warn({ events: n }, 'outbox: events relayed long ago and still undelivered are relayed again');
  };
  const sweeper = startLoop(
    opts.intervalMs,
    async () => {
      if (!leader.isLeader()) return;
      await rerelayStale();
      await relay();
    },
    (err) => log.warn({ err }, 'outbox relay failed; it retries'),
  );

  // ---- consumers --------------------------------------------------------------------------------------
  const handle = async (reg: Registration, m: JsMsg) => {
    let event: OutboxEvent;
    try {
      const body = m.json<WireEvent>();
      event = {
        id: body.id,
        topic: body.topic,
        payload: body.payload,
        createdAt: new Date(body.createdAt),
        attempts: m.info.deliveryCount,
      };
    } catch (err) {
      // Not ours (someone published by hand on our subjects): never deliverable, so never redelivered.
      log.error({ err, subject: m.subject }, 'outbox: unreadable event message');
      m.term('unreadable');
      return;
    }
    try {
      await ctx.outbox.handle(reg, event);
    } catch (err) {
      log.error(
        { err, topic: reg.topic, subscriber: reg.name, attempts: event.attempts },
        'outbox subscriber failed',
      );
      m.nak(redeliveryDelayMs(event.attempts));
      await ctx.outbox.recordFailure(event.id, err).catch(() => {});
      return;
    }
    // After the commit: a lost ack means one more delivery, which finds the receipt.
    m.ack();
    await ctx.outbox
      .markDeliveredIfComplete(event.id, reg.topic)
      .catch((err) => log.warn({ err }, 'outbox: marking delivered failed'));
  };

  const consumers = new Map<string, { messages: ConsumerMessages | null; done: Promise<void> }>();
  const consume = (reg: Registration) => {
    const durable = consumerName(reg.name, reg.topic);
    if (consumers.has(durable)) return;
    const entry: { messages: ConsumerMessages | null; done: Promise<void> } = {
      messages: null,
      done: Promise.resolve(),
    };
    consumers.set(durable, entry);
    entry.done = (async () => {
      while (!stopped) {
        try {
          await ensureConsumer(durable, reg.topic);
          const consumer = await js.consumers.get(stream, durable);
          const messages = await consumer.consume({ max_messages: PULL_BATCH });
          entry.messages = messages;
          if (stopped) messages.stop();
          // The stream or the consumer gone (NATS restarted without its store): make them again.
          void (async () => {
            for await (const s of messages.status()) {
              if (s.type === 'consumer_not_found' || s.type === 'stream_not_found')
                await ensureStream(jsm, prefix)
                  .then(() => ensureConsumer(durable, reg.topic))
                  .catch(() => {});
            }
          })().catch(() => {});
          for await (const m of messages) {
            // Stopping or paused: hand the message back for another node (or this one, later).
            if (stopped) m.nak();
            else if (ctx.outbox.paused) m.nak(1000);
            else await handle(reg, m);
          }
        } catch (err) {
          if (stopped) return;
          log.warn({ err, consumer: durable }, 'outbox consumer failed; restarting it');
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
  };

  for (const reg of ctx.outbox.registrations()) consume(reg);
  ctx.outbox.setTransport({
    committed: () => {
      if (leader.isLeader()) relayInBackground();
      else nc.publish(kickSubject);
    },
    subscribed: consume,
  });

  return {
    relay,
    async stop() {
      stopped = true;
      ctx.outbox.setTransport(null);
      kicks.unsubscribe();
      await sweeper.stop();
      await running?.catch(() => {});
      for (const c of consumers.values()) c.messages?.stop();
      await Promise.all([...consumers.values()].map((c) => c.done));
    },
  };
}
