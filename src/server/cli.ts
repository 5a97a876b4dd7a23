import { readFileSync } from 'node:fs';
import {
  type PrescriptionFile,
  verifyPrescriptionFile,
} from './modules/prescriptions/prescription-document.js';
import { verifyChain } from './platform/audit/chain.js';
import { sealAll } from './platform/audit/sealer.js';
import {
  BackupError,
  type BackupResult,
  backupPglite,
  backupPostgres,
  restorePglite,
  restorePostgres,
} from './platform/backup.js';
import { systemClock } from './platform/clock.js';
import { type Config, ConfigError, loadConfig } from './platform/config.js';
import { FieldCipher } from './platform/crypto/fields.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { checkIntegrity, recordBaseline } from './platform/integrity.js';
import { type RecordFile, verifyRecordFile } from './platform/signing/index.js';
import { seedDemoRegion } from './seed/demo-region.js';

const USAGE = `用法 / usage: npm run cli -- <command>
  migrate          apply pending migrations
  seed             seed the demo region (idempotent)
  audit seal       seal every unsealed audit event into the chain
  audit verify     recompute the audit hash chain; exit 0 when intact, 1 naming the first bad event
  integrity record write the integrity baseline (YUNYI_INTEGRITY_BASELINE): SM3 of the server's code files
                   and of the configuration without its secrets (DJ-22)
  integrity        compare the code and configuration with the baseline; exit 0 when equal, 1 naming the
                   files and settings that differ, 2 when no baseline is recorded
  backup <file>    back up the whole database (DJ-27): PostgreSQL by pg_dump (custom format), PGlite by its
                   data-directory dump; SM4-encrypted under YUNYI_BACKUP_KEY, HMAC-SM3 authenticated, with the
                   audit chain's head at the backup point in the file's header. PGlite: stop the server first.
  restore <file>   restore a backup into an EMPTY database (DATABASE_URL, or DATA_DIR/pglite): checks the MAC
                   before anything is written, then recomputes the audit chain and requires its head to be the
                   one the backup recorded; exit 0 when so, 1 naming what differs
  verify-record <file> [--ca <ca.pem>]
                   verify a signed medical record file (GET /api/v1/visits/{id}/record/export): the
                   doctor's certificate against the CA, the SM2 signatures (signer id 1234567812345678, GM/T
                   0009) and SM3 hashes of the record and its addenda; exit 0 when valid, 1 naming what fails
                   (SEC-4). Signatures made before the id was explicit (empty id) are accepted and named.
  verify-prescription <file> [--ca <ca.pem>]
                   verify a signed prescription file (GET /api/v1/prescriptions/{id}/file): the doctor's
                   certificate against the CA, the SM3 hash and SM2 signature (signer id 1234567812345678) of
                   the prescription, and the pharmacist's signed review when present (RX-2, RX-10); exit 0
                   when valid, 1 naming what fails.`;

/** The database the configuration names: DATABASE_URL, or PGlite under DATA_DIR. */
const openConfigured = (config: Config) =>
  openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` });

/**
 * Runs one CLI command and returns the process exit code. `open` is the database to run it on (tests
 * pass one already open, so they need not create a PGlite cluster on disk for each command).
 */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out = console,
  open: (config: Config) => Promise<Database> = openConfigured,
): Promise<number> {
  const [cmd, sub] = args;
  if (!cmd || cmd === 'help' || cmd === '--help') {
    out.log(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'verify-record') return verifyRecordCommand(args.slice(1), out);
  if (cmd === 'verify-prescription') return verifyPrescriptionCommand(args.slice(1), out);
  if (cmd === 'integrity') return integrityCommand(sub, loadConfig(env), out);
  const config = loadConfig(env);
  if (cmd === 'backup' || cmd === 'restore') return backupCommand(cmd, args[1], config, out, open);
  const database = await open(config);
  try {
    await migrate(database);
    if (cmd === 'migrate') {
      out.log('migrations applied');
      return 0;
    }
    if (cmd === 'seed') {
      const cipher = new FieldCipher(config.fieldKeys, config.currentFieldKeyId, config.blindIndexKey);
      const r = await seedDemoRegion(database.db, cipher, systemClock);
      out.log(
        r.seeded
          ? `seeded ${r.institutions} institutions, ${r.practitioners} practitioners, ${r.accounts} accounts`
          : 'demo region already present',
      );
      return 0;
    }
    if (cmd === 'audit' && sub === 'seal') {
      out.log(`sealed ${await sealAll(database.db, systemClock)} events`);
      return 0;
    }
    if (cmd === 'audit' && sub === 'verify') {
      const r = await verifyChain(database.db);
      if (r.ok) {
        out.log(
          `audit chain intact: ${r.sealed} events in ${r.blocks} blocks verified (${r.unsealed} not yet sealed)`,
        );
        return 0;
      }
      out.error(`audit chain BROKEN at event ${r.firstBadEventId ?? '?'}: ${r.reason}`);
      return 1;
    }
    out.error(`unknown command: ${args.join(' ')}\n${USAGE}`);
    return 2;
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((err) => {
      console.error(err instanceof ConfigError ? err.message : err);
      process.exit(err instanceof ConfigError ? 2 : 1);
    });
}

/**
 * `backup <file>` / `restore <file>` (DJ-27). Neither migrates first: a backup is of the database as it is,
 * and a restore goes into an empty one. Prints how long each took (the restore drill in CI reads it).
 */
async function backupCommand(
  cmd: 'backup' | 'restore',
  file: string | undefined,
  config: Config,
  out: Pick<Console, 'log' | 'error'>,
  open: (config: Config) => Promise<Database>,
): Promise<number> {
  if (!file) {
    out.error(`用法 / usage: npm run cli -- ${cmd} <file>`);
    return 2;
  }
  if (!config.security.backupKey) {
    out.error(
      '缺少 YUNYI_BACKUP_KEY（备份加密密钥，32 位十六进制）。Missing YUNYI_BACKUP_KEY (32 hex digits).',
    );
    return 2;
  }
  const key = config.security.backupKey;
  const started = performance.now();
  try {
    if (cmd === 'backup') {
      let r: BackupResult;
      if (config.databaseUrl) r = await backupPostgres(config.databaseUrl, file, key);
      else {
        const database = await open(config);
        try {
          r = await backupPglite(database, file, key);
        } finally {
          await database.close();
        }
      }
      const ms = Math.round(performance.now() - started);
      out.log(
        `backup written: ${file} (${r.header.engine}, ${(r.bytes / 1048576).toFixed(1)} MB, audit chain head seq ${r.header.auditHead.lastSeq}) in ${ms} ms`,
      );
      return 0;
    }
    const r = config.databaseUrl
      ? await restorePostgres(file, config.databaseUrl, key)
      : await restorePglite(file, `${config.dataDir}/pglite`, key);
    const ms = Math.round(performance.now() - started);
    if (r.problem) {
      out.error(`restored, but ${r.problem}`);
      return 1;
    }
    out.log(
      `restored ${file} (backup of ${r.header.createdAt}) in ${ms} ms; audit chain intact, head seq ${r.header.auditHead.lastSeq} as recorded`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      out.error(err.message);
      return 1;
    }
    throw err;
  }
}

/** `verify-record <file> [--ca <pem>]`: needs no database, only the file (and optionally a trusted CA key). */
function verifyRecordCommand(args: string[], out: Pick<Console, 'log' | 'error'>): number {
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--ca');
  const caIndex = args.indexOf('--ca');
  if (!file) {
    out.error('用法 / usage: npm run cli -- verify-record <file> [--ca <ca.pem>]');
    return 2;
  }
  let parsed: RecordFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as RecordFile;
  } catch (err) {
    out.error(`cannot read ${file}: ${(err as Error).message}`);
    return 2;
  }
  const ca = caIndex >= 0 && args[caIndex + 1] ? readFileSync(args[caIndex + 1]!, 'utf8') : undefined;
  const r = verifyRecordFile(parsed, ca);
  if (r.ok) {
    if (!r.caPinned)
      out.log(
        'note: the CA key was taken from the file itself; pass --ca <platform CA public key> to pin it (GET the CA from the platform operator)',
      );
    out.log(
      `signature valid: signed by ${r.signer} at ${r.signedAt ?? '?'}; SM3 and SM2 verified (${1 + (parsed.addenda?.length ?? 0)} part(s))`,
    );
    if (r.legacyEmptySignerId)
      out.log(
        `legacyEmptySignerId: true — ${r.legacyEmptySignerIdIn?.join(', ')} signed with an empty SM2 signer id (before the GM/T 0009 default 1234567812345678 was used): valid here, but standard SM2 verifiers reject it`,
      );
    return 0;
  }
  out.error(`signature INVALID: ${r.problems.join('; ')}`);
  return 1;
}

/** `verify-prescription <file> [--ca <pem>]`: needs no database, only the file (and optionally a trusted CA key). */
function verifyPrescriptionCommand(args: string[], out: Pick<Console, 'log' | 'error'>): number {
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--ca');
  const caIndex = args.indexOf('--ca');
  if (!file) {
    out.error('用法 / usage: npm run cli -- verify-prescription <file> [--ca <ca.pem>]');
    return 2;
  }
  let parsed: PrescriptionFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as PrescriptionFile;
  } catch (err) {
    out.error(`cannot read ${file}: ${(err as Error).message}`);
    return 2;
  }
  const ca = caIndex >= 0 && args[caIndex + 1] ? readFileSync(args[caIndex + 1]!, 'utf8') : undefined;
  const r = verifyPrescriptionFile(parsed, ca);
  if (!r.ok) {
    out.error(`prescription signature INVALID: ${r.problems.join('; ')}`);
    return 1;
  }
  if (!r.caPinned)
    out.log(
      'note: the CA key was taken from the file itself; pass --ca <platform CA public key> to pin it (GET the CA from the platform operator)',
    );
  out.log(
    `prescription signature valid: ${r.prescriptionId} signed by ${r.signer} at ${r.issuedAt ?? '?'}, valid until ${r.validUntil ?? '?'}; SM3 and SM2 verified` +
      (r.review ? `; pharmacist review (${r.review}) verified` : '; not yet reviewed'),
  );
  return 0;
}

/** `integrity [record]` (DJ-22): needs no database, only the code and the configuration. */
function integrityCommand(
  sub: string | undefined,
  config: Config,
  out: Pick<Console, 'log' | 'error'>,
): number {
  const file = config.security.integrityBaselineFile;
  if (sub === 'record') {
    const b = recordBaseline(config, new Date());
    out.log(
      `integrity baseline written to ${file}: code ${b.code.hash} (${Object.keys(b.code.files).length} files), configuration ${b.config.hash}`,
    );
    return 0;
  }
  if (sub !== undefined) {
    out.error(`unknown command: integrity ${sub}\n${USAGE}`);
    return 2;
  }
  const r = checkIntegrity(config);
  if (r.baseline === 'absent') {
    out.error(`no integrity baseline at ${file}: record one with \`npm run cli -- integrity record\``);
    return 2;
  }
  if (r.baseline === 'match') {
    out.log(`integrity intact: code ${r.codeHash} and configuration ${r.configHash} match the baseline`);
    return 0;
  }
  if (!r.codeMatches)
    out.error(
      `code differs from the baseline (${r.codeHash}); files: ${r.changedFiles.join(', ') || '(not listed)'}`,
    );
  if (!r.configMatches)
    out.error(
      `configuration differs from the baseline (${r.configHash}); settings: ${r.changedSettings.join(', ') || '(not listed)'}`,
    );
  return 1;
}
