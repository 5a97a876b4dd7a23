import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, it, type TestFunction } from 'vitest';
import { type Database, openDatabase } from '../../src/server/platform/db/database.js';
import { migrate } from '../../src/server/platform/db/migrate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = path.join(root, 'node_modules/.cache/yunyi-test');

/** A digest of these files' names and text (a snapshot is stale when any of them changes). */
export function digestOf(files: string[], extra = ''): string {
  const hash = createHash('sha256').update(extra);
  for (const f of files) hash.update(path.relative(root, f)).update(readFileSync(f));
  return hash.digest('hex').slice(0, 16);
}

/** Every file under `dir` (relative to the repository), sorted, recursively. */
export function filesUnder(dir: string, filter: (f: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (filter(p)) out.push(p);
    }
  };
  walk(path.join(root, dir));
  return out;
}

function pgliteVersion(): string {
  return JSON.parse(readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'))
    .version;
}

/**
 * A PGlite database started from a cached `dumpDataDir` tar under node_modules/.cache: starting from it
 * skips initdb (and whatever `build` did: migrations, the demo seed), several seconds per test file. The
 * first file that needs a snapshot builds it (each worker, when they race); the tar is written under a
 * temporary name and renamed, so a reader never sees half of one. `key` must change whenever what `build`
 * makes would.
 */
export async function pgliteFromSnapshot(
  name: string,
  key: string,
  build: (database: Database) => Promise<void>,
): Promise<Database> {
  const file = path.join(cacheDir, `${name}-${key}-${pgliteVersion()}.tar`);
  if (existsSync(file)) {
    const database = await openDatabase({ loadDataDir: new Blob([readFileSync(file)]) });
    await migrate(database); // nothing to do: the snapshot has every migration (their names are checked)
    return database;
  }
  const database = await openDatabase({});
  await build(database);
  const dump = await database.dumpDataDir!();
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, file);
  // Older snapshots of the same name (the code or the migrations changed since): 45 MB each, let go.
  for (const f of readdirSync(cacheDir)) {
    const p = path.join(cacheDir, f);
    if (f.startsWith(`${name}-`) && p !== file && Date.now() - statSync(p).mtimeMs > 15 * 60_000)
      rmSync(p, { force: true });
  }
  return database;
}

export const migrationFiles = () => filesUnder('src/server/platform/db/migrations');

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL (created here, dropped on close). Both start from a
 * snapshot of the migrated schema (PGlite: a cached tar; PostgreSQL: a template database).
 */
export async function freshDatabase(): Promise<Database> {
  return snapshotDatabase('migrated', digestOf(migrationFiles()), async (db) => {
    await migrate(db);
  });
}

/**
 * A fresh database made from a snapshot of what `build` makes (migrations, the seeded demo region), keyed
 * by `key`: on PGlite a cached `dumpDataDir` tar, on PostgreSQL a template database `yunyi_tpl_<name>_<key>`
 * the new database is created from (`CREATE DATABASE … TEMPLATE`, a file copy).
 */
export async function snapshotDatabase(
  name: string,
  key: string,
  build: (database: Database) => Promise<void>,
): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return pgliteFromSnapshot(name, key, build);
  const template = `yunyi_tpl_${name}_${key}`;
  const dbName = `yunyi_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // One worker builds the template; the others wait for it (a session-level advisory lock).
    await admin.query('select pg_advisory_lock(hashtext($1))', [template]);
    try {
      const found = await admin.query('select 1 from pg_database where datname = $1', [template]);
      if (found.rowCount === 0) {
        await admin.query(`create database ${template}`);
        const builder = await openDatabase({ databaseUrl: urlOf(serverUrl, template), poolSize: 2 });
        try {
          await build(builder);
        } catch (err) {
          await builder.close();
          await dropWhenIdle(admin, template);
          throw err;
        }
        await builder.close();
        await waitIdle(admin, template);
        // Templates of the same name for older code: let them go (best effort; one may be in use).
        const stale = await admin.query(
          'select datname from pg_database where datname like $1 and datname <> $2',
          [`yunyi_tpl_${name}_%`, template],
        );
        for (const r of stale.rows) await admin.query(`drop database if exists ${r.datname}`).catch(() => {});
      }
    } finally {
      await admin.query('select pg_advisory_unlock(hashtext($1))', [template]);
    }
    // PostgreSQL refuses to copy a template another session is connected to (55006): an autovacuum worker
    // visits templates too, for a moment. Wait it out rather than fail the test file.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`create database ${dbName} template ${template}`);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ databaseUrl: urlOf(serverUrl, dbName), poolSize: 10 });
  await migrate(database); // nothing to do: the template has every migration
  return {
    ...database,
    async close() {
      await database.close();
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await dropWhenIdle(a, dbName);
      await a.end();
    },
  };
}

function urlOf(serverUrl: string, dbName: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/**
 * The pool has sent its goodbyes; wait until the server has let those sessions go, so that a template copy
 * finds no session on it and forcing a drop never kills a socket the client is still closing (an uncaught
 * 57P01 in the test run).
 */
async function waitIdle(a: pg.Client, dbName: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const r = await a.query('select count(*)::int as n from pg_stat_activity where datname = $1', [dbName]);
    if (r.rows[0].n === 0) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function dropWhenIdle(a: pg.Client, dbName: string): Promise<void> {
  await waitIdle(a, dbName);
  await a.query(`drop database if exists ${dbName} with (force)`);
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
