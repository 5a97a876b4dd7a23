import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp, createLogger } from './app.js';
import { fillMissingPinyinKeys } from './modules/directory/search.keys.js';
import { runContractJobs } from './modules/family-doctor/contract-jobs.js';
import { syncHomeServiceItems } from './modules/family-doctor/home-items.data.js';
import { expireHomeServiceHolds } from './modules/family-doctor/home-service-end.service.js';
import { type Hl7Listener, startHl7Listener } from './modules/hl7/mllp.js';
import { runInsuranceJobs } from './modules/insurance/insurance.jobs.js';
import { reconcile, resubmitPendingRefunds } from './modules/payments/payment.service.js';
import { runPrescriptionJobs } from './modules/prescriptions/prescription-jobs.js';
import { runRetentionJobs } from './modules/privacy/retention.service.js';
import { runSchedulingJobs } from './modules/scheduling/schedule-jobs.js';
import { runVisitJobs } from './modules/visits/visit-jobs.js';
import { sealAll } from './platform/audit/sealer.js';
import { type Clock, systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import type { AppContext } from './platform/context.js';
import { FieldCipher } from './platform/crypto/fields.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { natsReady } from './platform/health.js';
import { recordIntegrityAtStart } from './platform/integrity.js';
import { leaderGate, soleLeader, startLeaderElection } from './platform/leader.js';
import { startLoop } from './platform/loop.js';
import { connectNats, logNatsStatus } from './platform/nats.js';
import { openBus } from './platform/open-bus.js';
import { startJetStreamOutbox } from './platform/outbox-relay.js';
import type { SmsSender } from './platform/sms/sms.js';
import { seedFamilyDoctorContracts } from './seed/demo-family-doctor-contracts.js';
import { seedDemoRegion } from './seed/demo-region.js';
import { seedRemoteDemoRequests } from './seed/demo-remote-requests.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  database: Database;
  url: string;
  /** DJ-5: the port of the HTTP → HTTPS redirect, when one is served (YUNYI_HTTP_REDIRECT_PORT). */
  readonly redirectPort: number | null;
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
  // [12/12] The home-service catalogue (FD-9) from its one source, home-items.data.ts: added or updated.
  await timed('homeServiceItems', () => syncHomeServiceItems(database.db));
  let seeded = false;
  if (config.demo) {
    const cipher = new FieldCipher(config.fieldKeys, config.currentFieldKeyId, config.blindIndexKey);
    seeded = (await timed('seed', () => seedDemoRegion(database.db, cipher, clock))).seeded;
    // [12/12] The demo's family-doctor contracts, a year of readings, follow-ups and the worklist: backdated,
    // so written straight into the tables on the region's first start (seed/demo-family-doctor-contracts.ts).
    if (seeded && config.familyDoctor.demoContracts)
      await timed('familyDoctorDemo', () => seedFamilyDoctorContracts(database.db, cipher, config, clock));
  }
  // The bus between nodes: NATS, else Redis, else in process (platform/open-bus.ts); closed last.
  const bus = await timed('bus', () =>
    openBus(config, createLogger(config, opts.logStream).child({ component: 'bus' })),
  );
  const { app, ctx, payments, sim, visits, rx, insurance } = await buildApp({
    config,
    db: database.db,
    clock,
    bus,
    ...(database.pool ? { pool: database.pool } : {}),
    ...(opts.sms ? { sms: opts.sms } : {}),
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
  });
  // [11/12] The demo's remote-diagnosis requests, made through the API on the region's first start.
  if (seeded && config.remote.demoRequests) {
    await timed('remoteDemo', () =>
      seedRemoteDemoRequests(app, config.remote.demoTestdataDir, (msg) => app.log.info(msg)),
    );
  }
  // DJ-22: the code's and the configuration's SM3 hashes against the baseline, recorded in the audit log.
  await timed('integrity', () => recordIntegrityAtStart(ctx));
  // Work done by one node at a time: the leader holds a PostgreSQL advisory lock (platform/leader.ts). One
  // process on PGlite, or a database handed in without its URL, is the only node and leads.
  const leader =
    database.kind === 'postgres' && config.databaseUrl
      ? startLeaderElection({
          databaseUrl: config.databaseUrl,
          nodeId: config.cluster.nodeId,
          intervalMs: config.outboxIntervalMs,
          log: app.log,
        })
      : soleLeader();
  const onLeader = leaderGate(leader, ctx.metrics.registry);
  const sealer = startLoop(
    config.audit.sealIntervalMs,
    onLeader('audit-sealer', () => sealAll(database.db, clock, config.audit.sealBatchSize)),
    (err) => app.log.error({ err }, 'audit sealer failed'),
  );
  // With NATS_URL the outbox's events travel through JetStream: relayed by the leader, consumed by durable
  // consumers shared by the nodes (platform/outbox-relay.ts); without it they are delivered in process.
  const nats = config.cluster.natsUrl
    ? await timed('nats', () => connectNats(config.cluster.natsUrl!, config.cluster.nodeId))
    : null;
  if (nats) logNatsStatus(nats, app.log);
  if (nats) ctx.readiness.add('nats', natsReady(nats));
  const events = nats
    ? await startJetStreamOutbox(ctx, {
        nc: nats,
        prefix: config.cluster.natsPrefix,
        leader,
        intervalMs: config.outboxIntervalMs,
      })
    : null;
  // Events a crash, an outage or a failing subscriber left undelivered (the outbox's second chance).
  const outbox = startLoop(
    config.outboxIntervalMs,
    () => ctx.outbox.drain(),
    (err) => app.log.error({ err }, 'outbox dispatcher failed'),
  );
  // Holds, quota release, reminders, no-shows, and reconciliation of unsure payments.
  const jobs = startLoop(
    config.jobIntervalMs,
    onLeader('jobs', async () => {
      await runSchedulingJobs(ctx);
      await runVisitJobs(ctx, visits);
      await runPrescriptionJobs(ctx, rx);
      await reconcile(ctx, payments);
      await resubmitPendingRefunds(ctx, payments);
      await runInsuranceJobs(ctx, insurance);
      await runContractJobs(ctx); // [12/12] contracts expire, renewals start, unpaid holds end
      await expireHomeServiceHolds(ctx); // [12/12] unpaid home-service orders end
      await runRetentionJobs(ctx); // DJ-16: at most hourly (modules/privacy)
    }),
    (err) => app.log.error({ err }, 'background jobs failed'),
  );
  app.log.info({ startupMs: { ...timings, total: Math.round(performance.now() - started) } }, 'started');
  let url = '';
  let redirect: Server | null = null;
  if (opts.listen !== false) {
    url = await app.listen({ port: config.port, host: config.host });
    const port = (app.server.address() as { port: number }).port;
    // DJ-5: plain HTTP on the redirect port answers every request with 301 to the HTTPS origin.
    if (config.security.tls && config.security.tls.redirectPort !== null)
      redirect = await startHttpsRedirect(config.host, config.security.tls.redirectPort, port);
    // With HTTPS served here the simulators keep calling in process (their loopback HTTP would not be TLS).
    if (sim && !config.security.tls) {
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
    if (rx.simCourier && !config.security.tls) {
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
    get redirectPort() {
      return redirect ? (redirect.address() as AddressInfo).port : null;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Drain (docs/operations.md): /readyz answers 503 and the sockets are told to reconnect elsewhere
      // (1012) before the listener closes; in-flight requests then get drainMs to finish.
      await ctx.readiness.drain();
      await hl7?.close();
      // The simulators' notifications in flight call this node's own routes: sent while it still listens.
      // Bounded: a courier journey retrying a failing push must not hold the shutdown.
      await Promise.race([
        Promise.all([sim?.settle(), rx.simCourier?.settle()]),
        new Promise((r) => setTimeout(r, config.cluster.drainMs).unref()),
      ]);
      if (redirect) {
        const r = redirect;
        await new Promise<void>((done) => r.close(() => done()));
        r.closeAllConnections();
      }
      await closeWithin(app, config.cluster.drainMs); // stops accepting, lets in-flight requests finish
      await Promise.all([sealer.stop(), jobs.stop(), outbox.stop()]);
      await events?.stop(); // consumers hand back what they have not started
      await leader.stop(); // another node takes the relay and the jobs at once
      await nats?.drain().catch(() => {});
      await bus.close();
      if (!opts.database) await database.close();
    },
  };
}

/**
 * Closes the app: the listener at once, idle keep-alive connections too, then waits for the requests in
 * flight — at most `drainMs`, after which their connections are cut (the process is going away anyway).
 */
async function closeWithin(app: FastifyInstance, drainMs: number): Promise<void> {
  // A connection that turns idle after the close began (its last response sent) is closed too.
  const idle = setInterval(() => app.server.closeIdleConnections(), 100);
  idle.unref();
  const timer = setTimeout(() => {
    app.log.warn({ drainMs }, 'requests still in flight after the drain time: cutting their connections');
    app.server.closeAllConnections();
  }, drainMs);
  timer.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    clearInterval(idle);
  }
}

/**
 * DJ-5: a plain HTTP listener that sends every request to the same host over HTTPS with 301 (credentials
 * never travel in clear: a login form reached over HTTP is left before anything is posted). The host is
 * taken from the request's Host header, without its port, and must be a host name or an IP address.
 */
async function startHttpsRedirect(host: string, port: number, httpsPort: number): Promise<Server> {
  const server = createServer((req, res) => {
    const raw = (req.headers.host ?? '').trim();
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d+)?$/.exec(raw);
    if (!m) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('请使用 HTTPS 访问。Use HTTPS.');
      return;
    }
    const target = `https://${m[1]}${httpsPort === 443 ? '' : `:${httpsPort}`}${req.url?.startsWith('/') ? req.url : '/'}`;
    res.writeHead(301, {
      location: target,
      'content-type': 'text/plain; charset=utf-8',
      connection: 'close',
    });
    res.end(`Moved to ${target}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
