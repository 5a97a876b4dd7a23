import { readFileSync } from 'node:fs';
import {
  type PrescriptionFile,
  verifyPrescriptionFile,
} from './modules/prescriptions/prescription-document.js';
import { verifyChain } from './platform/audit/chain.js';
import { sealAll } from './platform/audit/sealer.js';
import { systemClock } from './platform/clock.js';
import { type Config, ConfigError, loadConfig } from './platform/config.js';
import { FieldCipher } from './platform/crypto/fields.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { type RecordFile, verifyRecordFile } from './platform/signing/index.js';
import { seedDemoRegion } from './seed/demo-region.js';

const USAGE = `用法 / usage: npm run cli -- <command>
  migrate          apply pending migrations
  seed             seed the demo region (idempotent)
  audit seal       seal every unsealed audit event into the chain
  audit verify     recompute the audit hash chain; exit 0 when intact, 1 naming the first bad event
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
  const config = loadConfig(env);
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
