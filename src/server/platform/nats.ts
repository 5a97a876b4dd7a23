import {
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { FastifyBaseLogger } from 'fastify';

/**
 * NATS for several API nodes ([9/12], docs/operations.md "Events (NATS JetStream)"). One connection per
 * process, shared by the outbox relay and its consumers (JetStream, subjects `<prefix>.<module>.<event>`)
 * and the bus (core NATS, subjects outside `<prefix>.>` so the stream never stores them).
 *
 * nats-server here is 2.9: nothing below needs 2.10 (one filter subject per consumer).
 */

/**
 * Connects, and reconnects forever afterwards: a NATS restart is an outage the relay and the consumers
 * ride out (the outbox keeps unrelayed rows, JetStream keeps unacknowledged messages). The first connect
 * fails fast, so a wrong NATS_URL stops the start instead of hiding behind retries.
 */
export async function connectNats(url: string, nodeId: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((s) => s.trim()),
    name: nodeId,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // A dead server is noticed within ~20 s even when nothing is being sent.
    pingInterval: 10_000,
    timeout: 5_000,
  });
}

/** Logs the connection's disconnects and reconnects (they explain a lag on the outbox metrics). */
export function logNatsStatus(nc: NatsConnection, log: FastifyBaseLogger): void {
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error')
        log.warn({ nats: s.type, server: 'server' in s ? s.server : undefined }, `nats ${s.type}`);
    }
  })().catch(() => {});
}

/** The stream of a subject prefix: `yunyi` → `YUNYI` (stream names take no dots or wildcards). */
export function streamName(prefix: string): string {
  return prefix.toUpperCase().replace(/[^A-Z0-9_-]/g, '_');
}

/** A JetStream consumer name from free text (`notifications.send-sms` → `notifications_send-sms`). */
export function consumerName(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9_-]/g, '_')).join('__');
}

/** How long JetStream keeps an event (acknowledged or not): long enough for any outage a consumer rides out. */
const EVENT_MAX_AGE_NS = 7 * 24 * 3600 * 1e9;
/** Publishes repeated within this window with the same message id (the event id) are stored once. */
const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;

/**
 * The events stream: every `<prefix>.>` subject, on disk, kept 7 days whether acknowledged or not
 * (limits retention). Not interest retention: an event published before its topic's consumer exists
 * would be dropped, and a new subscriber of a rolling deploy would miss it. Created when missing; a
 * concurrent creation by another node is fine.
 */
export async function ensureStream(jsm: JetStreamManager, prefix: string): Promise<string> {
  const name = streamName(prefix);
  try {
    await jsm.streams.info(name);
    return name;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await jsm.streams.add({
      name,
      subjects: [`${prefix}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: EVENT_MAX_AGE_NS,
      duplicate_window: DUPLICATE_WINDOW_NS,
      num_replicas: 1,
    });
  } catch (err) {
    // Another node created it between our info and our add.
    await jsm.streams.info(name).catch(() => {
      throw err;
    });
  }
  return name;
}

/** A JetStream API answer "no such stream / consumer". */
export function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.status === 404;
}
