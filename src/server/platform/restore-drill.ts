/**
 * The restore drill (DJ-27, DJ-14): back up a database, change it, restore the backup into a fresh
 * database, and show that the restored one equals the backup point — every table's rows, and the audit chain
 * verified with the head the backup recorded. CI runs it on PostgreSQL for the demo region
 * (`npm run drill:restore`) and prints how long backup and restore took; the integration tier runs it on
 * whichever database the tests use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { recordAudit, systemActor } from './audit/audit.js';
import { sealAll } from './audit/sealer.js';
import {
  type BackupResult,
  backupPglite,
  backupPostgres,
  type RestoreResult,
  restorePglite,
  restorePostgres,
} from './backup.js';
import type { Clock } from './clock.js';
import { type Database, openDatabase } from './db/database.js';

/** Per table: its row count and the MD5 of its rows' text in a stable order. */
export async function tableDigests(database: Database): Promise<Record<string, string>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(database.db);
  const out: Record<string, string> = {};
  for (const { table_name: t } of tables.rows) {
    const r = await sql<{ n: number; digest: string | null }>`
      select count(*)::int as n, md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) as digest
      from ${sql.table(t)} x`.execute(database.db);
    out[t] = `${r.rows[0]!.n}:${r.rows[0]!.digest}`;
  }
  return out;
}

export interface DrillResult {
  engine: 'postgres' | 'pglite';
  tables: number;
  rows: number;
  auditEvents: number;
  bytes: number;
  backupMs: number;
  restoreMs: number;
  /** Every table of the restored database equals the backup point. */
  equal: boolean;
  /** Tables that differ (empty when equal). */
  differing: string[];
  restore: RestoreResult;
  /** Every table's digest at the backup point and in the restored database. */
  digests: { backupPoint: Record<string, string>; restored: Record<string, string> };
}

/** A new, empty database on the server `adminUrl` points at; dropped by the returned function. */
export async function emptyPostgresDatabase(adminUrl: string, prefix: string) {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * Runs the drill on `source` (left changed afterwards: the drill's own audit event).
 * On PostgreSQL the restore goes into a new database on the same server (`adminUrl`), on PGlite into a new
 * data directory.
 */
export async function runRestoreDrill(
  source: Database,
  opts: { backupKey: Buffer; clock: Clock; adminUrl?: string; workDir?: string },
): Promise<DrillResult> {
  const workDir = opts.workDir ?? mkdtempSync(path.join(tmpdir(), 'yunyi-drill-'));
  const file = path.join(workDir, 'drill.backup');
  try {
    await sealAll(source.db, opts.clock);
    const before = await tableDigests(source);
    let started = performance.now();
    let backup: BackupResult;
    if (source.kind === 'postgres') backup = await backupPostgres(source.url!, file, opts.backupKey);
    else backup = await backupPglite(source, file, opts.backupKey);
    const backupMs = Math.round(performance.now() - started);

    // After the backup point: a new audit event, sealed, so the live chain moves on past the backup's head.
    await recordAudit(
      source.db,
      systemActor,
      { action: 'system.restore_drill', details: { file: path.basename(file) } },
      opts.clock.now(),
    );
    await sealAll(source.db, opts.clock);

    started = performance.now();
    let restore: RestoreResult;
    let after: Record<string, string>;
    if (source.kind === 'postgres') {
      if (!opts.adminUrl) throw new Error('the drill on PostgreSQL needs adminUrl to create the target');
      const target = await emptyPostgresDatabase(opts.adminUrl, 'yunyi_restore');
      try {
        restore = await restorePostgres(file, target.url, opts.backupKey);
        const restoreMs = Math.round(performance.now() - started);
        const restored = await openDatabase({ databaseUrl: target.url, poolSize: 2 });
        try {
          after = await tableDigests(restored);
        } finally {
          await restored.close();
        }
        return result(backup, backupMs, restoreMs, restore, before, after);
      } finally {
        await target.drop();
      }
    }
    const dataDir = path.join(workDir, 'restored');
    restore = await restorePglite(file, dataDir, opts.backupKey);
    const restoreMs = Math.round(performance.now() - started);
    const restored = await openDatabase({ dataDir });
    try {
      after = await tableDigests(restored);
    } finally {
      await restored.close();
    }
    return result(backup, backupMs, restoreMs, restore, before, after);
  } finally {
    if (!opts.workDir) rmSync(workDir, { recursive: true, force: true });
  }
}

function result(
  backup: BackupResult,
  backupMs: number,
  restoreMs: number,
  restore: RestoreResult,
  before: Record<string, string>,
  after: Record<string, string>,
): DrillResult {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const differing = names.filter((n) => before[n] !== after[n]);
  const rows = Object.values(before).reduce((sum, d) => sum + Number(d.split(':')[0]), 0);
  return {
    engine: backup.header.engine,
    tables: Object.keys(before).length,
    rows,
    auditEvents: Number(before.audit_event?.split(':')[0] ?? 0),
    bytes: backup.bytes,
    backupMs,
    restoreMs,
    equal: differing.length === 0,
    differing,
    restore,
    digests: { backupPoint: before, restored: after },
  };
}
