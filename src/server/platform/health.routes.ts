/**
 * `/readyz` and `/metrics` ([9/12], docs/operations.md "Health, metrics and draining"), and the metrics
 * every request feeds. `/healthz` (liveness) stays in app.ts: it depends on nothing.
 *
 * What `/metrics` shows carries no personal data: labels are route patterns (`/api/v1/visits/:id`, never
 * the id), methods, status classes and the node's id. It is still not for the public: see `metricsAllowed`.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { Type } from 'typebox';
import type { AppContext } from './context.js';
import { platformErrors } from './errors.js';
import type { Readiness } from './health.js';

/** What `/metrics` reads of a pg Pool (platform/db/database.ts); PGlite has none. */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Seconds: from a cached read (ms) to a slow report or a long upload. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Request count and latency per route pattern, method and status class (`2xx`…). Added before the
 * routes so every route has it; a request no route matched is `route="unmatched"` (its path could be
 * anything a client typed, ids included).
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const labelNames = ['route', 'method', 'status'] as const;
  const requests = new Counter({
    name: 'yunyi_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status class.',
    labelNames,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'yunyi_http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its response, by route pattern, method and status class.',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status: `${Math.floor(reply.statusCode / 100)}xx`,
    };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });
}

/**
 * While the node drains, every response closes its connection (`Connection: close`): a keep-alive
 * connection (nginx's upstream pool, a browser) would otherwise hold the closing server open until its
 * idle timeout, and its next request would land on a node that is going away.
 */
export function registerDrainHeader(app: FastifyInstance, readiness: Readiness): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (readiness.draining) reply.header('connection', 'close');
    return payload;
  });
}

/** The pg pool's connections: in use = total − idle; waiting > 0 for long means the pool is too small. */
export function registerPoolMetrics(registry: Registry, pool: PoolStats): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('yunyi_db_pool_connections', 'PostgreSQL connections the pool holds.', () => pool.totalCount);
  gauge('yunyi_db_pool_idle', 'PostgreSQL connections idle in the pool.', () => pool.idleCount);
  gauge('yunyi_db_pool_waiting', 'Queries waiting for a pooled connection.', () => pool.waitingCount);
}

/** Loopback, RFC 1918, link-local, unique-local (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(a) === 4) {
    const [p, q] = a.split('.').map(Number) as [number, number];
    return (
      p === 127 ||
      p === 10 ||
      (p === 172 && q >= 16 && q <= 31) ||
      (p === 192 && q === 168) ||
      (p === 169 && q === 254)
    );
  }
  if (isIP(a) === 6) return a === '::1' || /^f[cd]/.test(a) || /^fe[89ab]/.test(a);
  return false;
}

const FORWARDED = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * Who may read `/metrics`: a caller with `Authorization: Bearer <YUNYI_METRICS_TOKEN>` when a token is
 * configured; otherwise a direct connection from a loopback or private address (Prometheus beside the
 * nodes). A request that came through a proxy (nginx sets X-Forwarded-For) never counts as private: the
 * proxy's own address is private, its client's need not be, and the header can be forged.
 */
export function metricsAllowed(request: FastifyRequest, token: string | null): boolean {
  const auth = request.headers.authorization;
  if (token && typeof auth === 'string' && auth.startsWith('Bearer ')) {
    const given = Buffer.from(auth.slice(7));
    const wanted = Buffer.from(token);
    if (given.length === wanted.length && timingSafeEqual(given, wanted)) return true;
  }
  if (FORWARDED.some((h) => request.headers[h] !== undefined)) return false;
  return isPrivateAddress(request.socket.remoteAddress);
}

const ReadyBody = Type.Object({
  status: Type.Literal('ready'),
  checks: Type.Record(Type.String(), Type.String()),
});

/**
 * Process metrics (CPU, memory, event-loop lag, GC) belong to the process, not to an app: prom-client starts a
 * GC observer and an event-loop monitor that are never stopped, so collecting them per app would keep every
 * app a test process builds alive through its registry. One registry per process, made on the first scrape
 * (tests that never scrape start nothing), printed after the app's own.
 */
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'yunyi_process_' });
  }
  return processRegistry;
}

export function healthRoutes(
  ctx: AppContext,
  opts: { pool?: PoolStats | undefined; metricsToken: string | null },
) {
  return async (app: FastifyInstance) => {
    if (opts.pool) registerPoolMetrics(ctx.metrics.registry, opts.pool);

    app.get('/readyz', {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: '就绪检查（数据库、NATS、Redis；排空中为 503）',
        response: { 200: ReadyBody },
      },
      handler: async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        const report = await ctx.readiness.check();
        if (report.ready) return { status: 'ready' as const, checks: report.checks };
        const failed = Object.entries(report.checks)
          .filter(([, outcome]) => outcome !== 'ok')
          .map(([name]) => name);
        reply.header('retry-after', '5');
        throw platformErrors.notReady(
          report.draining ? '本节点正在排空（停机前不再接收新请求）。' : `依赖未就绪：${failed.join('、')}。`,
          { draining: report.draining, failed, checks: report.checks },
        );
      },
    });

    app.get('/metrics', {
      config: { access: 'public' },
      schema: { hide: true },
      handler: async (request, reply) => {
        if (!metricsAllowed(request, opts.metricsToken))
          throw platformErrors.forbidden('指标仅对内网或持有 YUNYI_METRICS_TOKEN 的采集端开放。');
        const text = `${await ctx.metrics.registry.metrics()}\n${await processMetrics().metrics()}`;
        return reply
          .header('content-type', ctx.metrics.registry.contentType)
          .header('cache-control', 'no-store')
          .send(text);
      },
    });
  };
}
