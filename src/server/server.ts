import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp } from './app.js';
import { type Sealer, startSealer } from './platform/audit/sealer.js';
import { type Clock, systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import type { AppContext } from './platform/context.js';
import { FieldCipher } from './platform/crypto/fields.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
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
  const database =
    opts.database ??
    (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` }));
  await migrate(database);
  if (config.demo) {
    const cipher = new FieldCipher(config.fieldKeys, config.currentFieldKeyId, config.blindIndexKey);
    await seedDemoRegion(database.db, cipher, clock);
  }
  const { app, ctx } = await buildApp({
    config,
    db: database.db,
    clock,
    ...(opts.sms ? { sms: opts.sms } : {}),
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
  });
  const sealer: Sealer = startSealer(database.db, clock, {
    intervalMs: config.audit.sealIntervalMs,
    batchSize: config.audit.sealBatchSize,
    onError: (err) => app.log.error({ err }, 'audit sealer failed'),
  });
  let url = '';
  if (opts.listen !== false) url = await app.listen({ port: config.port, host: config.host });
  else await app.ready();
  let closed = false;
  return {
    app,
    ctx,
    database,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await app.close(); // stops accepting, lets in-flight requests finish
      await sealer.stop();
      if (!opts.database) await database.close();
    },
  };
}
