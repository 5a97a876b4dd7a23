import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pino, { type DestinationStream } from 'pino';
import { Type } from 'typebox';
import { fhirRoutes } from './fhir/fhir.routes.js';
import { administrationRoutes } from './modules/administration/administration.routes.js';
import { directoryRoutes } from './modules/directory/directory.routes.js';
import { searchRoutes } from './modules/directory/search.routes.js';
import { familyDoctorRoutes } from './modules/family-doctor/family-doctor.routes.js';
import { registerFamilyDoctorSubscribers } from './modules/family-doctor/family-doctor.subscribers.js';
import { hl7Routes } from './modules/hl7/hl7.routes.js';
import { allergyRoutes } from './modules/identity/allergies.routes.js';
import { credentialsRoutes } from './modules/identity/credentials.routes.js';
import { healthCardRoutes } from './modules/identity/health-card.routes.js';
import { identityRoutes } from './modules/identity/identity.routes.js';
import { preferenceRoutes } from './modules/identity/preferences.routes.js';
import { resolveSession } from './modules/identity/session.service.js';
import { closeSessionCache } from './modules/identity/session-cache.js';
import { insuranceRoutes } from './modules/insurance/insurance.routes.js';
import { createInsuranceRuntime, type InsuranceRuntime } from './modules/insurance/insurance.runtime.js';
import { registerSettlementSubscribers } from './modules/insurance/settlement.service.js';
import { notificationRoutes } from './modules/notifications/notifications.routes.js';
import { registerNotificationSubscribers } from './modules/notifications/notify.js';
import { orderCentreRoutes } from './modules/payments/order-centre.routes.js';
import type { Payments } from './modules/payments/payment.service.js';
import { registerPaymentSubscribers } from './modules/payments/payments.events.js';
import { paymentRoutes } from './modules/payments/payments.routes.js';
import { SimGateway, SimGatewayAdapter } from './modules/payments/sim-gateway.js';
import { simGatewayRoutes } from './modules/payments/sim-gateway.routes.js';
import { pharmacyRoutes } from './modules/pharmacy/pharmacy.routes.js';
import { catalogueRoutes } from './modules/prescriptions/catalogue.routes.js';
import { circulationRoutes } from './modules/prescriptions/circulation.routes.js';
import { prescribingRoutes } from './modules/prescriptions/prescribing.routes.js';
import { registerPrescribingSubscribers } from './modules/prescriptions/prescribing.subscribers.js';
import {
  createPrescriptionsRuntime,
  type PrescriptionsRuntime,
} from './modules/prescriptions/prescriptions.runtime.js';
import { registerPrescriptionSubscribers } from './modules/prescriptions/prescriptions.subscribers.js';
import { privacyRoutes } from './modules/privacy/privacy.routes.js';
import { accessRoutes } from './modules/records/access.routes.js';
import { recordsRoutes } from './modules/records/records.routes.js';
import { dicomwebRoutes, remoteRoutes } from './modules/remote/remote.routes.js';
import { registerRemoteSubscribers } from './modules/remote/remote.subscribers.js';
import { schedulingRoutes } from './modules/scheduling/scheduling.routes.js';
import { registerSchedulingSubscribers } from './modules/scheduling/scheduling.subscribers.js';
import { waitlistRoutes } from './modules/scheduling/waitlist.routes.js';
import { registerSecurityHooks } from './modules/security/security.hooks.js';
import { securityRoutes } from './modules/security/security.routes.js';
import { triageRoutes } from './modules/triage/triage.routes.js';
import { attachmentRoutes } from './modules/visits/attachments.routes.js';
import { type BlobStore, LocalDiskStore, S3Store } from './modules/visits/blob-store.js';
import { callRoutes } from './modules/visits/calls.routes.js';
import { doctorsSeenRoutes } from './modules/visits/doctors-seen.routes.js';
import { firstVisitPilotRoutes } from './modules/visits/first-visit-pilot.routes.js';
import { VisitHub } from './modules/visits/hub.js';
import { recordRoutes } from './modules/visits/records.routes.js';
import { registerVisitSocket } from './modules/visits/visit-socket.js';
import { visitRoutes } from './modules/visits/visits.routes.js';
import type { VisitsRuntime } from './modules/visits/visits.runtime.js';
import { registerVisitSubscribers } from './modules/visits/visits.subscribers.js';
import { recordAudit } from './platform/audit/audit.js';
import { registerAccessControl, registerRefusalAudit } from './platform/auth/access.js';
import { type Bus, LocalBus } from './platform/bus.js';
import type { Clock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import type { AppContext } from './platform/context.js';
import { FieldCipher } from './platform/crypto/fields.js';
import { registerDataLevels } from './platform/data-levels.js';
import type { Db } from './platform/db/database.js';
import { notFoundProblem, platformErrors, registerErrorHandling } from './platform/errors.js';
import { Readiness, redisReady } from './platform/health.js';
import {
  healthRoutes,
  type PoolStats,
  registerDrainHeader,
  registerHttpMetrics,
} from './platform/health.routes.js';
import { registerRouteContracts } from './platform/http.js';
import { createMetrics } from './platform/metrics.js';
import { Outbox } from './platform/outbox.js';
import { sharedRateLimit } from './platform/rate-limit-store.js';
import { LogSmsSender, type SmsSender } from './platform/sms/sms.js';

export interface AppOptions {
  config: Config;
  db: Db;
  clock: Clock;
  /** SMS adapter; defaults to the one that writes to the log. */
  sms?: SmsSender;
  /** Where log lines go (tests capture them to prove no personal data is logged). */
  logStream?: DestinationStream;
  /** The simulated payment gateway; on by default in demo mode, never in production. */
  simGateway?: boolean;
  /** The bus between API nodes (server.ts opens NATS when configured); in process when not given. */
  bus?: Bus;
  /** The pg pool, for `/metrics` (server.ts; PGlite has none). */
  pool?: PoolStats;
}

// DJ-5, DJ-10: credentials and personal fields never reach the log, whatever a handler logs.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.otp',
  '*.idNumber',
  '*.phone',
  '*.token',
  'body',
];

export function createLogger(config: Config, stream?: DestinationStream) {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: {
        // The path only: query strings may carry search terms of personal data.
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: req.url.split('?')[0],
          ip: req.ip,
        }),
      },
    },
    stream,
  );
}

export async function buildApp(opts: AppOptions): Promise<{
  app: FastifyInstance;
  ctx: AppContext;
  payments: Payments;
  sim: SimGateway | null;
  visits: VisitsRuntime;
  rx: PrescriptionsRuntime;
  insurance: InsuranceRuntime;
}> {
  const { config } = opts;
  const tls = config.security.tls;
  const app = Fastify({
    // DJ-5: HTTPS served by this process when a certificate is configured (YUNYI_TLS_CERT/KEY).
    ...(tls ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } } : {}),
    loggerInstance: createLogger(config, opts.logStream) as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: trustProxyOption(config.trustProxy),
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ctx: AppContext = {
    config,
    db: opts.db,
    clock: opts.clock,
    cipher: new FieldCipher(config.fieldKeys, config.currentFieldKeyId, config.blindIndexKey),
    sms: opts.sms ?? new LogSmsSender(app.log),
    log: app.log,
    outbox: new Outbox(() => ctx),
    bus: opts.bus ?? new LocalBus(config.cluster.nodeId),
    metrics: createMetrics(config.cluster.nodeId),
    readiness: new Readiness(),
  };
  ctx.outbox.registerMetrics(ctx.metrics.registry); // yunyi_outbox_lag_seconds, yunyi_outbox_pending
  registerNotificationSubscribers(ctx);

  const sim =
    (opts.simGateway ?? config.demo)
      ? new SimGateway(
          ctx.db,
          '',
          () => ctx.clock.now(),
          (err) => app.log.warn({ err }, 'simulated gateway failed'),
        )
      : null;
  // The simulators' keys are in their tables ([9/12]): every node signs and verifies with the same ones.
  await sim?.init();
  const payments: Payments = {
    gateways: new Map(sim ? [['sim', new SimGatewayAdapter(sim, () => ctx.clock.now())]] : []),
  };
  registerPaymentSubscribers(ctx, payments);
  // The hub reaches the sockets of every node through the bus (docs/visits.md).
  const visits: VisitsRuntime = { hub: new VisitHub(ctx.bus), payments };
  app.addHook('onClose', async () => visits.hub.close());
  // The session cache listens to the bus: a closed app stops listening (tests share one bus between apps).
  app.addHook('onClose', async () => closeSessionCache(ctx));
  // The payment of an appointment or a visit reaches its module as the outbox event payments.order_paid.
  registerSchedulingSubscribers(ctx);
  registerVisitSubscribers(ctx, visits);
  const rx = createPrescriptionsRuntime(ctx, payments, { demo: config.demo });
  await rx.simCourier?.init();
  registerPrescriptionSubscribers(ctx, rx);
  registerPrescribingSubscribers(ctx);
  // The insurance platform: the simulator wherever the simulated payment gateway runs (demo mode, tests).
  const insurance = createInsuranceRuntime(ctx, payments, { simulate: sim !== null });
  registerSettlementSubscribers(ctx);
  registerRemoteSubscribers(ctx);
  registerFamilyDoctorSubscribers(ctx);
  const store: BlobStore = config.visits.s3
    ? new S3Store(config.visits.s3)
    : new LocalDiskStore(config.visits.attachmentDir);
  if (sim) {
    // In-process delivery until the server listens; server.ts switches it to real HTTP on loopback.
    sim.deliver = async (headers, body) => {
      await app.inject({ method: 'POST', url: '/api/v1/payments/notify/sim', headers, payload: body });
    };
  }
  if (rx.simCourier) {
    // The simulated courier's status pushes, the same way (a push not answered 200 is retried by it).
    rx.simCourier.deliver = async (headers, body) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/courier/sim/callbacks',
        headers,
        payload: body,
      });
      if (res.statusCode !== 200) throw new Error(`courier callback answered ${res.statusCode}`);
    };
  }

  registerErrorHandling(app);
  registerAccessControl(app, (token) => resolveSession(ctx, token));
  registerDataLevels(app); // DJ-11: after the role check, the level check
  registerRouteContracts(app);
  // Before the routes, so every route counts (yunyi_http_request_*); `/readyz` always checks the database.
  registerHttpMetrics(app, ctx.metrics.registry);
  registerDrainHeader(app, ctx.readiness);
  ctx.readiness.add('database', () => sql`select 1`.execute(ctx.db));

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        mediaSrc: ["'self'", 'blob:'],
        // Served over plain HTTP on localhost in demo mode; TLS is terminated in front in production.
        upgradeInsecureRequests: null,
      },
    },
    // DJ-5: HSTS (helmet's default of a year with subdomains); YUNYI_HSTS_MAX_AGE when HTTPS is served here.
    ...(tls ? { hsts: { maxAge: tls.hstsMaxAgeSeconds, includeSubDomains: true } } : {}),
  });
  // With REDIS_URL the counters are shared by every node, and fail open while Redis is away.
  const sharedLimits = await sharedRateLimit(config, app.log);
  if (sharedLimits) app.addHook('onClose', () => sharedLimits.close());
  if (sharedLimits) ctx.readiness.add('redis', redisReady(sharedLimits.options.redis));
  await app.register(rateLimit, {
    global: false,
    ...sharedLimits?.options,
    errorResponseBuilder: (_req, context) =>
      platformErrors.rateLimited(`请求过于频繁，请 ${Math.ceil(context.ttl / 1000)} 秒后再试。`),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: '云医 Yunyi API',
        version: '0.1.0',
        description: '区域互联网医院平台接口。错误均为 application/problem+json。',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      // Relative: the API is served from the origin that serves this document.
      servers: [{ url: '/', description: '本服务（与本文档同源）' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  registerRefusalAudit(app, (actor, entry) => recordAudit(ctx.db, actor, entry, ctx.clock.now()));
  // DJ-19 consoles by address, DJ-30 bulk reads, DJ-17 enumeration (after access control's preHandler).
  registerSecurityHooks(app, ctx);
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/') || request.url === '/healthz')
      reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(ctx, { pool: opts.pool, metricsToken: config.cluster.metricsToken }));
  app.get('/healthz', {
    config: { access: 'public' },
    schema: {
      tags: ['platform'],
      summary: '健康检查',
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
    handler: async () => ({ status: 'ok' as const }),
  });
  await app.register(identityRoutes(ctx), { prefix: '/api/v1' });
  await app.register(credentialsRoutes(ctx), { prefix: '/api/v1' });
  await app.register(allergyRoutes(ctx), { prefix: '/api/v1' });
  await app.register(preferenceRoutes(ctx), { prefix: '/api/v1' });
  await app.register(doctorsSeenRoutes(ctx), { prefix: '/api/v1' });
  await app.register(healthCardRoutes(ctx), { prefix: '/api/v1' });
  await app.register(schedulingRoutes(ctx), { prefix: '/api/v1' });
  await app.register(waitlistRoutes(ctx), { prefix: '/api/v1' });
  await app.register(paymentRoutes(ctx, payments, insurance), { prefix: '/api/v1' });
  await app.register(orderCentreRoutes(ctx), { prefix: '/api/v1' });
  await app.register(notificationRoutes(ctx), { prefix: '/api/v1' });
  if (sim) await app.register(simGatewayRoutes(sim));
  await app.register(directoryRoutes(ctx), { prefix: '/api/v1' });
  await app.register(searchRoutes(ctx), { prefix: '/api/v1' });
  await app.register(visitRoutes(ctx, visits), { prefix: '/api/v1' });
  await app.register(recordRoutes(ctx), { prefix: '/api/v1' });
  await app.register(callRoutes(ctx), { prefix: '/api/v1' });
  await app.register(attachmentRoutes(ctx, store), { prefix: '/api/v1' });
  await app.register(firstVisitPilotRoutes(ctx), { prefix: '/api/v1' });
  await app.register(catalogueRoutes(ctx), { prefix: '/api/v1' });
  await app.register(prescribingRoutes(ctx), { prefix: '/api/v1' });
  await app.register(circulationRoutes(ctx, rx), { prefix: '/api/v1' });
  await app.register(pharmacyRoutes(ctx), { prefix: '/api/v1' });
  await app.register(recordsRoutes(ctx), { prefix: '/api/v1' });
  await app.register(accessRoutes(ctx), { prefix: '/api/v1' });
  await app.register(hl7Routes(ctx), { prefix: '/api/v1' });
  await app.register(insuranceRoutes(ctx, insurance), { prefix: '/api/v1' });
  await app.register(triageRoutes(ctx), { prefix: '/api/v1' });
  await app.register(securityRoutes(ctx), { prefix: '/api/v1' });
  await app.register(privacyRoutes(ctx), { prefix: '/api/v1' });
  await app.register(administrationRoutes(ctx), { prefix: '/api/v1' });
  await app.register(remoteRoutes(ctx, store), { prefix: '/api/v1' });
  await app.register(familyDoctorRoutes(ctx), { prefix: '/api/v1' });
  await app.register(dicomwebRoutes(ctx, store), { prefix: '/dicomweb' });
  await app.register(fhirRoutes(ctx), { prefix: '/fhir/R4' });
  await app.register(websocket, { options: { maxPayload: 256 * 1024 } });
  await app.register(async (scope) =>
    registerVisitSocket(scope, ctx, visits, (token) => resolveSession(ctx, token)),
  );

  const indexHtml = path.join(config.webDir, 'index.html');
  const hasWeb = existsSync(indexHtml);
  if (hasWeb) {
    await app.register(fastifyStatic, { root: config.webDir, wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url;
    const isApi =
      url.startsWith('/api') || url.startsWith('/fhir') || url.startsWith('/ws') || url === '/healthz';
    if (hasWeb && request.method === 'GET' && !isApi) {
      // The SPA's client-side routes (/patient/..., /clinic/...) all load index.html.
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply
      .status(404)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .send(notFoundProblem(request.method, url));
  });

  return { app, ctx, payments, sim, visits, rx, insurance };
}

/** A hop count as proxy-addr's trust function: the address `hops` proxies back is the client's. */
function trustProxyOption(setting: Config['trustProxy']) {
  if (typeof setting !== 'number') return setting;
  return (_address: string, hop: number) => hop < setting;
}
