import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp } from './app.js';
import { fillMissingPinyinKeys } from './modules/directory/search.keys.js';
import { type Hl7Listener, startHl7Listener } from './modules/hl7/mllp.js';
import { runInsuranceJobs } from './modules/insurance/insurance.jobs.js';
import { reconcile, resubmitPendingRefunds } from './modules/payments/payment.service.js';
import { runPrescriptionJobs } from './modules/prescriptions/prescription-jobs.js';
import { runSchedulingJobs } from './modules/scheduling/schedule-jobs.js';
import { runVisitJobs } from './modules/visits/visit-jobs.js';
import { startSealer } from './platform/audit/sealer.js';
import { type Clock, systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import type { AppContext } from './platform/context.js';
import { FieldCipher } from './platform/crypto/fields.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { startLoop } from './platform/loop.js';
import type { SmsSender } from './platform/sms/sms.js';
import { seedDemoRegion } from './seed/demo-region.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  database: Database;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  sms?: SmsSender;
  logStream?: DestinationStream;
  /** Use this database instead of opening one from the config (tests share one per file). */
  database?: Database;
  listen?: boolean;
}

/** config → database → migrations → demo seed → app → listen (architecture.md, main.ts). */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const started = performance.now();
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await fn();
    timings[name] = Math.round(performance.now() - t0);
    return result;
  };
  const database =
    opts.database ??
    (await timed('openDatabase', () =>
      openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` }),
    ));
  await timed('migrate', () => migrate(database));
  await timed('pinyinKeys', () => fillMissingPinyinKeys(database.db));
  if (config.demo) {
    const cipher = new FieldCipher(config.fieldKeys, config.currentFieldKeyId, config.blindIndexKey);
    await timed('seed', () => seedDemoRegion(database.db, cipher, clock));
  }
  const { app, ctx, payments, sim, visits, rx, insurance } = await buildApp({
    config,
    db: database.db,
    clock,
    ...(opts.sms ? { sms: opts.sms } : {}),
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
  });
  const sealer = startSealer(database.db, clock, {
    intervalMs: config.audit.sealIntervalMs,
    batchSize: config.audit.sealBatchSize,
    onError: (err) => app.log.error({ err }, 'audit sealer failed'),
  });
  // Events a crash, an outage or a failing subscriber left undelivered (the outbox's second chance).
  const outbox = startLoop(
    config.outboxIntervalMs,
    () => ctx.outbox.drain(),
    (err) => app.log.error({ err }, 'outbox dispatcher failed'),
  );
  // Holds, quota release, reminders, no-shows, and reconciliation of unsure payments.
  const jobs = startLoop(
    config.jobIntervalMs,
    async () => {
      await runSchedulingJobs(ctx);
      await runVisitJobs(ctx, visits);
      await runPrescriptionJobs(ctx, rx);
      await reconcile(ctx, payments);
      await resubmitPendingRefunds(ctx, payments);
      await runInsuranceJobs(ctx, insurance);
    },
    (err) => app.log.error({ err }, 'background jobs failed'),
  );
  app.log.info({ startupMs: { ...timings, total: Math.round(performance.now() - started) } }, 'started');
  let url = '';
  if (opts.listen !== false) {
    url = await app.listen({ port: config.port, host: config.host });
    const port = (app.server.address() as { port: number }).port;
    if (sim) {
      // The simulated gateway calls back over real HTTP, like a payment provider would.
      sim.deliver = async (headers, body) => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/payments/notify/sim`, {
          method: 'POST',
          headers,
          body,
        });
        if (!res.ok) throw new Error(`notification answered ${res.status}`);
      };
    }
    if (rx.simCourier) {
      // The simulated courier pushes its status callbacks over real HTTP too.
      rx.simCourier.deliver = async (headers, body) => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/courier/sim/callbacks`, {
          method: 'POST',
          headers,
          body,
        });
        if (!res.ok) throw new Error(`courier callback answered ${res.status}`);
      };
    }
  } else await app.ready();
  // HL7 v2 from hospital systems: off unless a port is configured (YUNYI_HL7_PORT, YUNYI_HL7_FEEDS).
  const hl7: Hl7Listener | null =
    config.hl7.port !== null
      ? await startHl7Listener(ctx, { port: config.hl7.port, host: config.hl7.host })
      : null;
  let closed = false;
  return {
    app,
    ctx,
    database,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await hl7?.close();
      await app.close(); // stops accepting, lets in-flight requests finish
      await Promise.all([sealer.stop(), jobs.stop(), outbox.stop(), sim?.settle()]);
      if (!opts.database) await database.close();
    },
  };
}
