/**
 * DJ-22: the server hashes its code (SM3, file by file, fixed order) and its configuration without secrets
 * at every start and records `system.integrity`; `npm run cli -- integrity record` writes the baseline and
 * `npm run cli -- integrity` compares (0 equal, 1 naming files and settings that differ, 2 no baseline).
 * A changed file in a copy of the code and a changed setting are found; secrets never reach the baseline,
 * the audit event or the log.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/server/cli.js';
import { loadConfig } from '../../src/server/platform/config.js';
import type { Database } from '../../src/server/platform/db/database.js';
import {
  checkIntegrity,
  codeDigest,
  codeFiles,
  PROJECT_ROOT,
  recordBaseline,
  sanitizeConfig,
} from '../../src/server/platform/integrity.js';
import { startServer } from '../../src/server/server.js';
import { freshDatabase } from '../support/db.js';

const FIELD_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const INDEX_KEY = 'c4'.repeat(32);
const BACKUP_KEY = '5a'.repeat(16);
const SECRETS = {
  dbPassword: 'Pg-Passw0rd-9d1c',
  redisPassword: 'Redis-Passw0rd-77ab',
  s3Secret: 'S3-Secret-Key-4e0f',
  s3Access: 'AKIA-ACCESS-ID-31',
  metrics: 'metrics-token-8c2a',
  turn: 'turn-credential-62f1',
};

const tmp = mkdtempSync(path.join(tmpdir(), 'yunyi-integrity-'));
const baselineFile = path.join(tmp, 'baseline.json');

/** A production-like environment full of secrets (never connected to: the test hands the database in). */
function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    YUNYI_DEMO: '0',
    YUNYI_NODE_ID: 'integrity-node-1',
    YUNYI_FIELD_KEY: FIELD_KEY,
    YUNYI_INDEX_KEY: INDEX_KEY,
    YUNYI_BACKUP_KEY: BACKUP_KEY,
    YUNYI_S3_ENDPOINT: 'https://oss.example.cn',
    YUNYI_S3_ACCESS_KEY: SECRETS.s3Access,
    YUNYI_S3_SECRET_KEY: SECRETS.s3Secret,
    YUNYI_METRICS_TOKEN: SECRETS.metrics,
    YUNYI_ICE_SERVERS: JSON.stringify([
      { urls: 'turn:turn.example.cn:3478', username: 'yunyi', credential: SECRETS.turn },
    ]),
    YUNYI_INTEGRITY_BASELINE: baselineFile,
    DATA_DIR: tmp,
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    ...extra,
  };
}

function expectNoSecret(text: string) {
  for (const s of [...Object.values(SECRETS), FIELD_KEY, INDEX_KEY, BACKUP_KEY])
    expect(text).not.toContain(s);
}

const output = () => {
  const lines: string[] = [];
  return {
    lines,
    out: {
      log: (m: string) => void lines.push(m),
      error: (m: string) => void lines.push(m),
    } as unknown as Console,
  };
};

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('DJ-22: integrity of the code', () => {
  let copy: string;
  beforeAll(() => {
    // A copy of what the server runs from, to change without touching the working tree.
    copy = mkdtempSync(path.join(tmpdir(), 'yunyi-code-'));
    for (const p of ['src/server', 'src/shared', 'package.json', 'package-lock.json'])
      cpSync(path.join(PROJECT_ROOT, p), path.join(copy, p), { recursive: true });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('DJ-22: the code is hashed file by file in a fixed order, tests left out', () => {
    const files = codeFiles(copy);
    expect(files).toEqual([...files].sort());
    expect(files).toContain('src/server/main.ts');
    expect(files).toContain('src/shared/visits.ts');
    expect(files).toContain('package-lock.json');
    expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
    expect(codeDigest(copy).hash).toBe(codeDigest(copy).hash);
  });

  it('DJ-22: a changed, added or removed file in a copy differs from the baseline, named', () => {
    const config = loadConfig(env({ YUNYI_INTEGRITY_BASELINE: path.join(copy, 'baseline.json') }));
    recordBaseline(config, new Date(), copy);
    expect(checkIntegrity(config, copy)).toMatchObject({ baseline: 'match', codeMatches: true });

    // A test file is not code the server runs: no change.
    writeFileSync(path.join(copy, 'src/server/extra.test.ts'), 'export {};\n');
    expect(checkIntegrity(config, copy).baseline).toBe('match');

    const target = path.join(copy, 'src/server/platform/clock.ts');
    writeFileSync(target, `${readFileSync(target, 'utf8')}\n// tampered\n`);
    writeFileSync(path.join(copy, 'src/server/backdoor.ts'), 'export const x = 1;\n');
    rmSync(path.join(copy, 'src/shared/visits.ts'));
    const r = checkIntegrity(config, copy);
    expect(r).toMatchObject({ baseline: 'mismatch', codeMatches: false, configMatches: true });
    expect(r.changedFiles).toEqual([
      'src/server/backdoor.ts',
      'src/server/platform/clock.ts',
      'src/shared/visits.ts',
    ]);
  });
});

describe('DJ-22: integrity of the configuration', () => {
  it('DJ-22: secrets are left out: masked in the sanitized settings, a changed secret is no change', () => {
    const config = loadConfig(
      env({
        DATABASE_URL: `postgres://yunyi:${SECRETS.dbPassword}@db.internal:5432/yunyi?sslmode=require`,
        REDIS_URL: `redis://:${SECRETS.redisPassword}@redis.internal:6379/0`,
      }),
    );
    const values = sanitizeConfig(config);
    const text = JSON.stringify(values);
    expectNoSecret(text);
    expect(text).toContain('db.internal:5432/yunyi');
    expect(text).toContain('"currentFieldKeyId":"k1"');
    expect((values.security as { password: { minLength: number } }).password.minLength).toBe(8);
    expect(text).not.toContain('integrity-node-1'); // the node id is not configuration
    const other = sanitizeConfig(
      loadConfig(
        env({
          DATABASE_URL: 'postgres://yunyi:another@db.internal:5432/yunyi?sslmode=require',
          REDIS_URL: 'redis://:another@redis.internal:6379/0',
          YUNYI_METRICS_TOKEN: 'another',
          YUNYI_FIELD_KEY: 'ff'.repeat(16),
        }),
      ),
    );
    expect(other).toEqual(values);
  });

  it('DJ-22: the CLI records the baseline and names a changed setting (exit 0, 1, 2)', async () => {
    const none = output();
    expect(await runCli(['integrity'], env(), none.out)).toBe(2);
    expect(none.lines.join('\n')).toContain('integrity record');

    const rec = output();
    expect(await runCli(['integrity', 'record'], env(), rec.out)).toBe(0);
    const baseline = readFileSync(baselineFile, 'utf8');
    expectNoSecret(baseline);
    expect(JSON.parse(baseline).code.files['src/server/main.ts']).toMatch(/^[0-9a-f]{64}$/);

    const same = output();
    expect(await runCli(['integrity'], env(), same.out)).toBe(0);
    expect(same.lines.join('\n')).toContain('integrity intact');

    const changed = output();
    expect(await runCli(['integrity'], env({ YUNYI_PASSWORD_MIN_LENGTH: '6' }), changed.out)).toBe(1);
    const said = changed.lines.join('\n');
    expect(said).toContain('configuration differs');
    expect(said).toContain('security.password.minLength');
    expect(said).not.toContain('code differs');
  });
});

describe('DJ-22: the check at start', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  async function startAndReadEvent(e: Record<string, string>) {
    const logLines: string[] = [];
    const logStream = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    const server = await startServer(loadConfig(e), { database, listen: false, logStream });
    await server.close();
    const event = await database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'system.integrity')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return { event, details: event.details as unknown as Record<string, unknown>, log: logLines.join('') };
  }

  it('DJ-22: each start records system.integrity with both hashes and the node; a changed setting is a failure', async () => {
    recordBaseline(loadConfig(env()), new Date());
    const base = JSON.parse(readFileSync(baselineFile, 'utf8'));

    const ok = await startAndReadEvent(env());
    expect(ok.event.outcome).toBe('success');
    expect(ok.event.actor_role).toBe('system');
    expect(ok.details).toMatchObject({
      nodeId: 'integrity-node-1',
      baseline: 'match',
      codeHash: base.code.hash,
      configHash: base.config.hash,
    });
    expectNoSecret(JSON.stringify(ok.event));
    expectNoSecret(ok.log);

    const changed = await startAndReadEvent(env({ YUNYI_EXPORTS_PER_HOUR: '2000' }));
    expect(changed.event.outcome).toBe('failure');
    expect(changed.details).toMatchObject({
      baseline: 'mismatch',
      codeMatches: true,
      configMatches: false,
      changedSettings: ['security.alerts.exportsPerHour'],
    });
    expect(changed.log).toContain('differs from the baseline');
    expectNoSecret(JSON.stringify(changed.event));
  }, 60_000);
});
