import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it, type TestFunction } from 'vitest';
import { type Database, openDatabase } from '../../src/server/platform/db/database.js';
import { migrate } from '../../src/server/platform/db/migrate.js';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL (created here, dropped on close).
 */
export async function freshDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({});
    await migrate(database);
    return database;
  }
  const name = `yunyi_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 10 });
  await migrate(database);
  return {
    ...database,
    async close() {
      await database.close();
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      // The pool has sent its goodbyes; wait until the server has let those sessions go, so that forcing
      // the drop never kills a socket the client is still closing (an uncaught 57P01 in the test run).
      for (let i = 0; i < 50; i++) {
        const r = await a.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (r.rows[0].n === 0) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** True when this run's databases live on a PostgreSQL server (TEST_DATABASE_URL), not in PGlite. */
export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** Added to the name of every race test, so a run on PGlite lists it as skipped and says why. */
export const POSTGRES_ONLY = '[race: PostgreSQL only]';

/**
 * A test of transactions racing each other. PGlite has one connection, and its dialect hands it to one
 * transaction at a time: a race cannot happen there, so such a test proves nothing (it passes even with
 * the lock it exists for removed). It runs on the PostgreSQL tier (`.ci/run`, or TEST_DATABASE_URL) and
 * is reported as skipped, under the same name, on PGlite.
 */
export function itOnPostgres(name: string, fn: TestFunction, timeout?: number): void {
  it.runIf(onPostgres)(`${name} ${POSTGRES_ONLY}`, fn, timeout);
}

/** A group of race tests (see itOnPostgres); its hooks run only on PostgreSQL too. */
export function describeOnPostgres(name: string, fn: () => void): void {
  describe.runIf(onPostgres)(`${name} ${POSTGRES_ONLY}`, fn);
}
