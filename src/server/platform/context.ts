import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from './bus.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { FieldCipher } from './crypto/fields.js';
import type { Db } from './db/database.js';
import type { Readiness } from './health.js';
import type { Metrics } from './metrics.js';
import type { Outbox } from './outbox.js';
import type { SmsSender } from './sms/sms.js';

/** What a service function may use besides its arguments; built once per app in app.ts. */
export interface AppContext {
  config: Config;
  db: Db;
  clock: Clock;
  cipher: FieldCipher;
  sms: SmsSender;
  log: FastifyBaseLogger;
  /** The outbox dispatcher: modules subscribe to topics at start; commands' events reach them after commit. */
  outbox: Outbox;
  /** Fan-out to every API node (the visit hub, session revocations); in process without NATS_URL. */
  bus: Bus;
  /** This app's Prometheus registry (`/metrics`). */
  metrics: Metrics;
  /** `/readyz`'s checks (`add('redis', …)`) and the node's drain (platform/health.ts). */
  readiness: Readiness;
}
