import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant shared by every node: the advisory lock serialises concurrent starts.
const MIGRATION_LOCK_KEY = 7_283_001;

export interface Migration {
  version: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: readFileSync(`${dir}/${f}`, 'utf8') }));
}

/**
 * Forward-only SQL migrations, each in its own transaction, under a session advisory lock so that
 * several API nodes starting together apply each migration once.
 */
export async function migrate(database: Database, migrations = listMigrations()): Promise<string[]> {
  return database.withScriptRunner(async (exec) => {
    await exec(`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      await exec(
        'create table if not exists schema_migration (version text primary key, applied_at timestamptz not null default now())',
      );
      const applied = new Set(
        (await exec('select version from schema_migration')).map((r) => String(r.version)),
      );
      const done: string[] = [];
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        await exec('begin');
        try {
          await exec(m.sql);
          await exec(`insert into schema_migration (version) values ('${m.version}')`);
          await exec('commit');
        } catch (err) {
          await exec('rollback');
          throw new Error(`migration ${m.version} failed: ${(err as Error).message}`);
        }
        done.push(m.version);
      }
      return done;
    } finally {
      await exec(`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  });
}
