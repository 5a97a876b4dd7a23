import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/server/cli.js';
import {
  BackupError,
  readBackupHeader,
  restorePglite,
  restorePostgres,
} from '../../src/server/platform/backup.js';
import {
  emptyPostgresDatabase,
  runRestoreDrill,
  tableDigests,
} from '../../src/server/platform/restore-drill.js';
import { createTestApp, type TestApp } from '../support/app.js';

const adminUrl = process.env.TEST_DATABASE_URL;
let t: TestApp;
let dir: string;
let key: Buffer;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  key = t.ctx.config.security.backupKey!;
  dir = mkdtempSync(path.join(tmpdir(), 'yunyi-backup-test-'));
  // Some activity of the day, so the audit chain has more than the seed's events.
  for (const phone of ['13900000001', '13800000001', '13600000001']) await t.login(phone);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Restores `file` into a new empty database (or data directory) and returns its digests. */
async function restoreFresh(file: string, backupKey = key) {
  if (t.database.kind === 'postgres') {
    const target = await emptyPostgresDatabase(adminUrl!, 'yunyi_restore_t');
    try {
      return await restorePostgres(file, target.url, backupKey);
    } finally {
      await target.drop();
    }
  }
  return restorePglite(file, mkdtempSync(path.join(dir, 'restored-')), backupKey);
}

describe('backup and restore (DJ-27, DJ-14)', () => {
  it('DJ-27: the restore drill — backed up, changed, restored into a fresh database equal to the backup point, audit chain verified', async () => {
    const r = await runRestoreDrill(t.database, {
      backupKey: key,
      clock: t.clock,
      workDir: dir, // keeps drill.backup for the tests below
      ...(adminUrl ? { adminUrl } : {}),
    });
    console.log(
      JSON.stringify({
        drill: 'restore',
        engine: r.engine,
        bytes: r.bytes,
        backupMs: r.backupMs,
        restoreMs: r.restoreMs,
      }),
    );
    expect(r.restore.problem).toBeUndefined();
    expect(r.restore.chainOk).toBe(true);
    expect(r.restore.headMatches).toBe(true);
    expect(r.differing).toEqual([]);
    expect(r.equal).toBe(true);
    // The backup point had the logins' audit events sealed into the chain (DJ-14: the audit trail is backed up).
    expect(r.restore.header.auditHead.lastSeq).toBeGreaterThan(3);
    expect(r.digests.restored.account).toBe(r.digests.backupPoint.account);
    // The source moved on after the backup (the drill's own audit event); the restored copy did not.
    const now = await tableDigests(t.database);
    expect(now.audit_event).not.toBe(r.digests.restored.audit_event);
  }, 120_000);

  it('DJ-27: the file is encrypted — no name, table or SQL of the database can be read in it', async () => {
    const file = path.join(dir, 'drill.backup');
    expect((await readBackupHeader(file, key)).header.cipher).toBe('sm4-ctr');
    const bytes = readFileSync(file);
    for (const plain of ['陈建国', 'phone_bidx', 'CREATE TABLE', 'COPY public', 'argon2id']) {
      expect(bytes.includes(Buffer.from(plain)), plain).toBe(false);
    }
  }, 60_000);

  it('DJ-27: an altered byte, a cut-off file or the wrong key is refused before anything is restored', async () => {
    const file = path.join(dir, 'drill.backup');
    const { start, end } = await readBackupHeader(file, key);

    const flipped = path.join(dir, 'flipped.backup');
    copyFileSync(file, flipped);
    const bytes = readFileSync(flipped);
    const at = start + Math.floor((end - start) / 2);
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(flipped, bytes);
    await expect(restoreFresh(flipped)).rejects.toThrow(/MAC check failed/);

    const cut = path.join(dir, 'cut.backup');
    writeFileSync(cut, readFileSync(file).subarray(0, end - 100));
    await expect(restoreFresh(cut)).rejects.toBeInstanceOf(BackupError);

    await expect(restoreFresh(file, Buffer.alloc(16, 7))).rejects.toThrow(/MAC check failed/);
  }, 60_000);

  it('DJ-27: a restore never goes into a database that holds data', async () => {
    const file = path.join(dir, 'drill.backup');
    if (t.database.kind === 'postgres') {
      await expect(restorePostgres(file, t.database.url!, key)).rejects.toThrow(/not empty/);
    } else {
      const target = mkdtempSync(path.join(dir, 'occupied-'));
      writeFileSync(path.join(target, 'PG_VERSION'), '17');
      await expect(restorePglite(file, target, key)).rejects.toThrow(/not empty/);
    }
  }, 60_000);

  it('DJ-27: `npm run cli -- backup` and `restore` do it from the command line and say how long each took', async () => {
    const file = path.join(dir, 'cli.backup');
    const lines: string[] = [];
    const out = {
      log: (s: string) => void lines.push(s),
      error: (s: string) => void lines.push(`ERR ${s}`),
    } as unknown as Console;
    const keep = async () => ({ ...t.database, close: async () => {} });
    const env = { YUNYI_DEMO: '1', ...(adminUrl ? { DATABASE_URL: t.database.url! } : { DATA_DIR: dir }) };
    expect(await runCli(['backup', file], env, out, keep)).toBe(0);
    expect(lines.at(-1)).toMatch(/^backup written: .* in \d+ ms$/);
    if (adminUrl) {
      const target = await emptyPostgresDatabase(adminUrl, 'yunyi_restore_cli');
      try {
        expect(await runCli(['restore', file], { YUNYI_DEMO: '1', DATABASE_URL: target.url }, out)).toBe(0);
      } finally {
        await target.drop();
      }
    } else {
      const restoreDir = mkdtempSync(path.join(dir, 'cli-restore-'));
      expect(await runCli(['restore', file], { YUNYI_DEMO: '1', DATA_DIR: restoreDir }, out)).toBe(0);
    }
    expect(lines.at(-1)).toMatch(/^restored .* in \d+ ms; audit chain intact, head seq \d+ as recorded$/);
    // Outside demo mode without a backup key there is no backup at all.
    const noKey = await runCli(
      ['backup', file],
      {
        YUNYI_DEMO: '0',
        DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
        YUNYI_FIELD_KEY: '0'.repeat(32),
        YUNYI_INDEX_KEY: '0'.repeat(64),
      },
      out,
    );
    expect(noKey).toBe(2);
    expect(lines.at(-1)).toMatch(/YUNYI_BACKUP_KEY/);
  }, 120_000);
});
