/**
 * Backup and restore of the whole database (DJ-14, DJ-27; docs/operations.md "Backup and restore").
 *
 * A backup file is the database's own dump — `pg_dump --format=custom` on PostgreSQL, PGlite's data-directory
 * dump on the embedded database — encrypted with SM4-CTR under the backup key and authenticated with
 * HMAC-SM3 (encrypt-then-MAC), behind a plain header that says what it holds and the audit chain's head at
 * the backup point. A restore checks the MAC over the whole file before anything reaches the database, restores
 * into an empty database only, then recomputes the audit chain and requires its head to be the one the header
 * recorded: a restored database whose audit trail was cut short or altered is reported, not trusted.
 *
 * No temporary plaintext file is written (DJ-28): the dump streams through the cipher into the backup file,
 * and on restore the verified file streams through the decipher into pg_restore.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { verifyChain } from './audit/chain.js';
import { type Database, openDatabase } from './db/database.js';

const MAGIC = Buffer.from('YUNYIBK1');
const TAG_BYTES = 32;

/** Where the audit chain stood at the backup point: the last sealed event and the blocks. */
export interface AuditHead {
  lastSeq: number;
  lastHash: string | null;
  blocks: number;
  /** Events written but not yet sealed into the chain (they are in the backup, outside the chain). */
  unsealed: number;
}

export interface BackupHeader {
  format: 'yunyi-backup';
  version: 1;
  engine: 'postgres' | 'pglite';
  createdAt: string;
  cipher: 'sm4-ctr';
  mac: 'hmac-sm3';
  iv: string;
  auditHead: AuditHead;
  /** The migrations applied at the backup point (a restore into older code is refused by migrate). */
  migrations: string[];
}

export class BackupError extends Error {}

function keys(backupKey: Buffer) {
  const derive = (label: string) => createHmac('sm3', backupKey).update(label).digest();
  return { enc: derive('yunyi backup encryption').subarray(0, 16), mac: derive('yunyi backup mac') };
}

/** The chain head read in `client`'s snapshot (the same one pg_dump dumps, on PostgreSQL). */
async function auditHeadOf(query: (text: string) => Promise<Record<string, unknown>[]>): Promise<AuditHead> {
  const [last] = await query(
    'select seq, hash from audit_event where seq is not null order by seq desc limit 1',
  );
  const [counts] = await query(
    `select (select count(*) from audit_block)::int as blocks,
            (select count(*) from audit_event where seq is null)::int as unsealed`,
  );
  return {
    lastSeq: last ? Number(last.seq) : 0,
    lastHash: last ? String(last.hash) : null,
    blocks: Number(counts?.blocks ?? 0),
    unsealed: Number(counts?.unsealed ?? 0),
  };
}

async function migrationsOf(query: (text: string) => Promise<Record<string, unknown>[]>): Promise<string[]> {
  const rows = await query('select version from schema_migration order by version');
  return rows.map((r) => String(r.version));
}

/** A new backup's header: the database's audit head and migrations, read through `query`, and a fresh IV. */
async function newHeader(
  engine: BackupHeader['engine'],
  query: (text: string) => Promise<Record<string, unknown>[]>,
): Promise<BackupHeader> {
  return {
    format: 'yunyi-backup',
    version: 1,
    engine,
    createdAt: new Date().toISOString(),
    cipher: 'sm4-ctr',
    mac: 'hmac-sm3',
    iv: randomBytes(16).toString('hex'),
    auditHead: await auditHeadOf(query),
    migrations: await migrationsOf(query),
  };
}

function headerBytes(header: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, len, json]);
}

/** Encrypts what flows through and keeps the MAC over header and ciphertext. */
function encryptor(encKey: Buffer, iv: Buffer, mac: ReturnType<typeof createHmac>): Transform {
  const cipher = createCipheriv('sm4-ctr', encKey, iv);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const out = cipher.update(chunk);
      mac.update(out);
      done(null, out);
    },
    flush(done) {
      const out = cipher.final();
      mac.update(out);
      done(null, out);
    },
  });
}

/** Writes the header, then the encrypted stream, then the tag. */
async function writeBackup(
  file: string,
  header: BackupHeader,
  backupKey: Buffer,
  source: NodeJS.ReadableStream,
): Promise<void> {
  const { enc, mac: macKey } = keys(backupKey);
  const head = headerBytes(header);
  const mac = createHmac('sm3', macKey).update(head);
  const out = createWriteStream(file, { mode: 0o600 });
  out.write(head);
  await pipeline(source, encryptor(enc, Buffer.from(header.iv, 'hex'), mac), out, { end: false });
  await new Promise<void>((resolve, reject) =>
    out.end(mac.digest(), (err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

/** Reads and checks a backup file's header and MAC; the ciphertext's byte range for the second pass. */
export async function readBackupHeader(
  file: string,
  backupKey: Buffer,
): Promise<{ header: BackupHeader; start: number; end: number }> {
  const size = (await stat(file)).size;
  const fh = await open(file, 'r');
  let header: BackupHeader;
  let start: number;
  try {
    const pre = Buffer.alloc(12);
    await fh.read(pre, 0, 12, 0);
    if (!pre.subarray(0, 8).equals(MAGIC)) throw new BackupError(`${file} is not a Yunyi backup file`);
    const len = pre.readUInt32BE(8);
    const json = Buffer.alloc(len);
    await fh.read(json, 0, len, 12);
    header = JSON.parse(json.toString('utf8')) as BackupHeader;
    start = 12 + len;
  } finally {
    await fh.close();
  }
  const end = size - TAG_BYTES; // exclusive
  if (end < start) throw new BackupError(`${file} is truncated`);
  const { mac: macKey } = keys(backupKey);
  const mac = createHmac('sm3', macKey);
  await pipeline(createReadStream(file, { start: 0, end: end - 1 }), async (source) => {
    for await (const chunk of source) mac.update(chunk as Buffer);
  });
  const tag = Buffer.alloc(TAG_BYTES);
  const fh2 = await open(file, 'r');
  try {
    await fh2.read(tag, 0, TAG_BYTES, end);
  } finally {
    await fh2.close();
  }
  if (!timingSafeEqual(tag, mac.digest())) {
    throw new BackupError(
      `${file}: MAC check failed (wrong backup key, or the file was altered or truncated)`,
    );
  }
  return { header, start, end };
}

function decryptedStream(file: string, backupKey: Buffer, header: BackupHeader, start: number, end: number) {
  const { enc } = keys(backupKey);
  const decipher = createDecipheriv('sm4-ctr', enc, Buffer.from(header.iv, 'hex'));
  return { source: createReadStream(file, { start, end: end - 1 }), decipher };
}

/**
 * pg_dump / pg_restore on `databaseUrl`, its password passed in PGPASSWORD rather than on the command
 * line (where every user of the machine could read it in the process list).
 */
function run(cmd: string, args: string[], databaseUrl: string, stdio: 'pipe-out' | 'pipe-in') {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const child = spawn(cmd, [...args, `--dbname=${url.toString()}`], {
    stdio: stdio === 'pipe-out' ? ['ignore', 'pipe', 'pipe'] : ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err) => reject(new BackupError(`${cmd}: ${err.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new BackupError(`${cmd} exited ${code}: ${stderr.trim().slice(0, 2000)}`)),
    );
  });
  return { child, done };
}

export interface BackupResult {
  file: string;
  bytes: number;
  header: BackupHeader;
}

/**
 * PostgreSQL: the head is read in a repeatable-read transaction whose snapshot pg_dump then dumps
 * (`--snapshot`), so the header and the dump describe the same moment while the server keeps writing.
 */
export async function backupPostgres(
  databaseUrl: string,
  file: string,
  backupKey: Buffer,
): Promise<BackupResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const snapshot = (await client.query('select pg_export_snapshot() as s')).rows[0].s as string;
    const query = async (text: string) => (await client.query(text)).rows as Record<string, unknown>[];
    const header = await newHeader('postgres', query);
    const dump = run(
      'pg_dump',
      ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`],
      databaseUrl,
      'pipe-out',
    );
    await Promise.all([writeBackup(file, header, backupKey, dump.child.stdout!), dump.done]);
    await client.query('commit');
    return { file, bytes: (await stat(file)).size, header };
  } finally {
    await client.end();
  }
}

/** PGlite: its data directory as a tar (dumpDataDir), taken while nothing else writes (the CLI holds it). */
export async function backupPglite(
  database: Database,
  file: string,
  backupKey: Buffer,
): Promise<BackupResult> {
  if (!database.dumpDataDir) throw new BackupError('not a PGlite database');
  const query = async (text: string) =>
    (await database.withScriptRunner((exec) => exec(text))) as Record<string, unknown>[];
  const header = await newHeader('pglite', query);
  const tar = Buffer.from(await (await database.dumpDataDir()).arrayBuffer());
  await writeBackup(file, header, backupKey, Readable.from([tar]));
  return { file, bytes: (await stat(file)).size, header };
}

export interface RestoreResult {
  header: BackupHeader;
  /** The restored database's chain, recomputed, and whether its head is the backup's. */
  chainOk: boolean;
  headMatches: boolean;
  problem?: string;
}

/** After a restore: the chain verifies and ends where the backup said it did. */
async function checkRestored(database: Database, header: BackupHeader): Promise<RestoreResult> {
  const chain = await verifyChain(database.db);
  const head = await auditHeadOf(async (text) => database.withScriptRunner((exec) => exec(text)));
  const headMatches =
    head.lastSeq === header.auditHead.lastSeq &&
    head.lastHash === header.auditHead.lastHash &&
    head.blocks === header.auditHead.blocks;
  const problem = !chain.ok
    ? `audit chain broken at event ${chain.firstBadEventId ?? '?'}: ${chain.reason}`
    : !headMatches
      ? `audit chain head is seq ${head.lastSeq} ${head.lastHash ?? '-'}, the backup recorded seq ${header.auditHead.lastSeq} ${header.auditHead.lastHash ?? '-'}`
      : undefined;
  return { header, chainOk: chain.ok, headMatches, ...(problem ? { problem } : {}) };
}

/** Restores into `databaseUrl`, which must be an empty database (no table in schema public). */
export async function restorePostgres(
  file: string,
  databaseUrl: string,
  backupKey: Buffer,
): Promise<RestoreResult> {
  const { header, start, end } = await readBackupHeader(file, backupKey);
  if (header.engine !== 'postgres')
    throw new BackupError(`${file} is a ${header.engine} backup, not PostgreSQL`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query(
      "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
    );
    if (tables.rows[0].n > 0) {
      throw new BackupError(
        'the target database is not empty: restore into a new, empty database (createdb)',
      );
    }
  } finally {
    await client.end();
  }
  const restore = run(
    'pg_restore',
    ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction'],
    databaseUrl,
    'pipe-in',
  );
  const { source, decipher } = decryptedStream(file, backupKey, header, start, end);
  await Promise.all([pipeline(source, decipher, restore.child.stdin!), restore.done]);
  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  try {
    return await checkRestored(database, header);
  } finally {
    await database.close();
  }
}

/** Restores a PGlite backup into `dataDir`, which must not exist or be empty. */
export async function restorePglite(
  file: string,
  dataDir: string,
  backupKey: Buffer,
): Promise<RestoreResult> {
  const { header, start, end } = await readBackupHeader(file, backupKey);
  if (header.engine !== 'pglite') throw new BackupError(`${file} is a ${header.engine} backup, not PGlite`);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new BackupError(`${dataDir} is not empty: restore into a new, empty data directory`);
  }
  const { source, decipher } = decryptedStream(file, backupKey, header, start, end);
  const chunks: Buffer[] = [];
  await pipeline(source, decipher, async (s) => {
    for await (const c of s) chunks.push(c as Buffer);
  });
  const database = await openDatabase({ dataDir, loadDataDir: new Blob([Buffer.concat(chunks)]) });
  try {
    return await checkRestored(database, header);
  } finally {
    await database.close();
  }
}

/** For the drill and tests: the file's bytes (to check nothing readable leaks into it). */
export const backupBytes = (file: string) => readFile(file);
