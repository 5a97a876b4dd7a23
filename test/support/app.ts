import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app.js';
import type { InsuranceRuntime } from '../../src/server/modules/insurance/insurance.runtime.js';
import type { Payments } from '../../src/server/modules/payments/payment.service.js';
import type { SimGateway } from '../../src/server/modules/payments/sim-gateway.js';
import type { PrescriptionsRuntime } from '../../src/server/modules/prescriptions/prescriptions.runtime.js';
import type { VisitsRuntime } from '../../src/server/modules/visits/visits.runtime.js';
import type { Bus } from '../../src/server/platform/bus.js';
import { ManualClock } from '../../src/server/platform/clock.js';
import { type Config, loadConfig } from '../../src/server/platform/config.js';
import type { AppContext } from '../../src/server/platform/context.js';
import { FieldCipher } from '../../src/server/platform/crypto/fields.js';
import type { Database } from '../../src/server/platform/db/database.js';
import { migrate } from '../../src/server/platform/db/migrate.js';
import { MemorySmsSender } from '../../src/server/platform/sms/sms.js';
import { seedDemoRegion } from '../../src/server/seed/demo-region.js';
import { digestOf, filesUnder, freshDatabase, snapshotDatabase } from './db.js';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  payments: Payments;
  /** The simulated payment gateway (demo mode). */
  sim: SimGateway | null;
  visits: VisitsRuntime;
  /** Prescriptions' runtime: payments and couriers (the simulated courier in demo mode). */
  rx: PrescriptionsRuntime;
  insurance: InsuranceRuntime;
  database: Database;
  clock: ManualClock;
  sms: MemorySmsSender;
  /** Every log line the app wrote, raw. */
  logLines: string[];
  /** Every response body the helpers below received, raw. */
  responses: string[];
  request(
    method: string,
    url: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  login(phone: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  demo?: boolean;
  seed?: boolean;
  config?: Partial<Config>;
  now?: string;
  /** Use the production SMS adapter (writes to the log) instead of the in-memory one. */
  logSms?: boolean;
  /**
   * Build the app on this database instead of a fresh one (a second app on the same data: another node,
   * or the process restarted). The caller keeps it: `close()` closes the app only.
   */
  database?: Database;
  /** The bus between nodes: one LocalBus shared by two apps stands for two nodes on NATS. */
  bus?: Bus;
}

let serverDigest: string | undefined;
/** What the seeded snapshot depends on: the server's and the contracts' code, the keys and the clock. */
function seededKey(config: Config, now: string): string {
  serverDigest ??= digestOf(
    [...filesUnder('src/server'), ...filesUnder('src/shared')].filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    ),
  );
  const keys = JSON.stringify([
    Object.entries(config.fieldKeys).map(([id, k]) => [id, k.toString('hex')]),
    config.currentFieldKeyId,
    config.blindIndexKey.toString('hex'),
  ]);
  return createHash('sha256').update(`${serverDigest}|${keys}|${now}`).digest('hex').slice(0, 16);
}

/** One app on one fresh database per test file (PGlite, or the server when TEST_DATABASE_URL is set). */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const now = opts.now ?? '2026-11-22T02:00:00Z';
  const clock = new ManualClock(now);
  const sms = new MemorySmsSender();
  const logLines: string[] = [];
  const responses: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const config: Config = {
    ...loadConfig({
      YUNYI_DEMO: opts.demo === false ? '0' : '1',
      LOG_LEVEL: 'info',
      YUNYI_FIELD_KEY: '00112233445566778899aabbccddeeff',
      YUNYI_INDEX_KEY: 'ab'.repeat(32),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'yunyi-test-')),
    }),
    ...opts.config,
  };
  // A seeded file starts from a snapshot of the seeded demo region (test/support/db.ts: a cached tar on
  // PGlite, a template database on PostgreSQL): the seed is the same for the same code, keys and clock.
  const fromSnapshot = opts.seed === true && !opts.database;
  const database =
    opts.database ??
    (fromSnapshot
      ? await snapshotDatabase('seeded', seededKey(config, now), async (db) => {
          await migrate(db);
          const cipher = new FieldCipher(config.fieldKeys, config.currentFieldKeyId, config.blindIndexKey);
          await seedDemoRegion(db.db, cipher, new ManualClock(now));
        })
      : await freshDatabase());
  const { app, ctx, payments, sim, visits, rx, insurance } = await buildApp({
    config,
    db: database.db,
    clock,
    logStream,
    ...(opts.logSms ? {} : { sms }),
    ...(opts.bus ? { bus: opts.bus } : {}),
  });
  await app.ready();
  if (opts.seed && !fromSnapshot) await seedDemoRegion(database.db, ctx.cipher, clock);
  const request: TestApp['request'] = async (method, url, o = {}) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
    responses.push(res.body);
    return res;
  };
  return {
    app,
    ctx,
    payments,
    sim,
    visits,
    rx,
    insurance,
    database,
    clock,
    sms,
    logLines,
    responses,
    request,
    async login(phone, password = 'Demo@2026') {
      const res = await request('POST', '/api/v1/auth/login', { body: { phone, password } });
      if (res.statusCode !== 200) throw new Error(`login ${phone} failed: ${res.statusCode} ${res.body}`);
      return res.json().token as string;
    },
    async close() {
      await app.close();
      if (!opts.database) await database.close();
    },
  };
}
