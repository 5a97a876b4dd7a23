import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Either the database or a transaction: store functions take this so callers choose the transaction. */
export type Executor = Kysely<DB>;

// int8 (counts, bigserial ids) as JS numbers on pg, as PGlite does; our int8 values stay below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// `date` stays a 'YYYY-MM-DD' string on both drivers (no time-zone shift).
pg.types.setTypeParser(1082, (v) => v);

/** Runs SQL text (several statements allowed) and returns the rows of the last one. */
export type ScriptExec = (sql: string) => Promise<Record<string, unknown>[]>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs a multi-statement SQL script with session-level steps (migrations only). */
  withScriptRunner<T>(fn: (exec: ScriptExec) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PGlite only: the data directory as a tar (tests reuse a migrated database this way). */
  dumpDataDir?: () => Promise<Blob>;
  /** PostgreSQL only: the pool, for its connection counts on `/metrics`. */
  pool?: pg.Pool;
  /** PostgreSQL only: the connection string (pg_dump and pg_restore take it). */
  url?: string;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  /** PGlite data directory; `memory://` or undefined for an in-memory database. */
  dataDir?: string;
  poolSize?: number;
  /** PGlite only: start from this data directory dump (`dumpDataDir`) instead of an empty cluster (tests). */
  loadDataDir?: Blob;
  /** Told when an idle pooled connection is ended by the server (the pool replaces it). */
  onIdleError?: (err: Error) => void;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 20 });
    // An idle connection the server ends (restart, failover, an administrator's terminate, a dropped test
    // database) is an 'error' on the pool; without a listener Node would end the whole process. The pool
    // has already discarded that connection and opens a new one when needed.
    pool.on('error', (err) => opts.onIdleError?.(err));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      pool,
      url: opts.databaseUrl,
      async withScriptRunner(fn) {
        const client = await pool.connect();
        try {
          return await fn(async (text) => {
            const result = (await client.query(text)) as pg.QueryResult | pg.QueryResult[];
            const last = Array.isArray(result) ? result[result.length - 1] : result;
            return last?.rows ?? [];
          });
        } finally {
          client.release();
        }
      },
      close: () => db.destroy(),
    };
  }
  let dataDir = opts.dataDir;
  if (dataDir && !dataDir.startsWith('memory://')) {
    dataDir = path.resolve(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    parsers: { 1082: (v: string) => v },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  return {
    db,
    kind: 'pglite',
    dumpDataDir: async () => client.dumpDataDir('none'),
    // Take the driver's single connection so no query interleaves with the script.
    withScriptRunner: (fn) =>
      db.connection().execute(() =>
        fn(async (text) => {
          const results = await client.exec(text);
          return (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[];
        }),
      ),
    close: () => db.destroy(),
  };
}
