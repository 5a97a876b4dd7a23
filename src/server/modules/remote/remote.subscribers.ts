/**
 * The remote-diagnosis events' consumer in this deployment. The events are facts for whoever follows the
 * module (the regulator's feed over JetStream, later modules); the outbox marks an event delivered only when
 * every subscriber of its topic has its receipt, and leaves an event of a topic nobody subscribes to pending
 * for ever (in process and, re-relayed again and again, over NATS). This subscriber takes each event's receipt
 * so `delivered_at` and the outbox lag mean what they say; it does nothing else.
 */
import type { AppContext } from '../../platform/context.js';
import { CRITICAL_ACKNOWLEDGED_TOPIC } from './alerts.service.js';
import { CRITICAL_RAISED_TOPIC } from './critical.js';
import { REPORT_SIGNED_TOPIC, REQUEST_CLAIMED_TOPIC } from './reading.service.js';
import { REQUEST_CANCELLED_TOPIC, REQUEST_CREATED_TOPIC } from './requests.service.js';

export const REMOTE_TOPICS = [
  REQUEST_CREATED_TOPIC,
  REQUEST_CANCELLED_TOPIC,
  REQUEST_CLAIMED_TOPIC,
  CRITICAL_RAISED_TOPIC,
  CRITICAL_ACKNOWLEDGED_TOPIC,
  REPORT_SIGNED_TOPIC,
] as const;

export function registerRemoteSubscribers(ctx: AppContext): void {
  for (const topic of REMOTE_TOPICS) ctx.outbox.subscribe(topic, 'remote.event-log', async () => {});
}
