/**
 * DJ-22: the server checks the integrity of its own code and configuration. The code is what the server
 * runs from (it runs the TypeScript sources through tsx): src/server and src/shared without their tests,
 * package.json and package-lock.json (the dependencies' exact versions and integrity hashes), hashed with
 * SM3 file by file in a fixed order (sorted paths with `/`). The configuration is the effective Config with
 * every secret left out: keys (any Buffer), passwords, tokens, credentials and the user part of URLs are
 * replaced by a marker, so neither the baseline file nor the audit event ever holds a secret, and a changed
 * secret does not count as a changed configuration. `npm run cli -- integrity record` writes the baseline;
 * each start records `system.integrity` in the audit log with both hashes and whether they match it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordAudit, systemActor } from './audit/audit.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';

/** The project root (this file is src/server/platform/integrity.ts). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const CODE_DIRS = ['src/server', 'src/shared'];
const CODE_FILES = ['package.json', 'package-lock.json'];
const CODE_EXT = /\.(ts|js|mjs|cjs|json|sql)$/;
const SECRET = '[secret]';

const sm3 = (data: string | Buffer) => createHash('sm3').update(data).digest('hex');

/** The server's code files under `root`, relative with `/`, sorted (tests and test data left out). */
export function codeFiles(root = PROJECT_ROOT): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile() && CODE_EXT.test(e.name) && !/\.test\.[tj]s$/.test(e.name)) out.push(child);
    }
  };
  for (const dir of CODE_DIRS) walk(dir);
  for (const f of CODE_FILES) if (existsSync(path.join(root, f))) out.push(f);
  return out.sort();
}

export interface CodeDigest {
  hash: string;
  /** SM3 of each file by path, so a comparison can name the files that differ. */
  files: Record<string, string>;
}

export function codeDigest(root = PROJECT_ROOT): CodeDigest {
  const files: Record<string, string> = {};
  for (const f of codeFiles(root)) files[f] = sm3(readFileSync(path.join(root, f)));
  const hash = sm3(
    Object.entries(files)
      .map(([f, h]) => `${f}\0${h}\n`)
      .join(''),
  );
  return { hash, files };
}

/** Names of settings whose value is a secret (the value is replaced; the setting's presence stays). */
const SECRET_NAME = /secret|password|passwd|token|credential|username|accesskey/i;
/** Settings that differ per process without being configuration (the default node id has the pid). */
const NOT_CONFIG = new Set(['cluster.nodeId']);

/** A URL's user and password, and query values that look secret, masked. */
function maskUrl(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const u = new URL(value);
    if (u.username || u.password) {
      u.username = u.username ? '***' : '';
      u.password = u.password ? '***' : '';
    }
    for (const k of [...u.searchParams.keys()])
      if (SECRET_NAME.test(k) || /key/i.test(k)) u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    return SECRET; // not parseable: not shown at all
  }
}

/** The effective configuration as plain JSON, with every secret replaced (see the file's comment). */
export function sanitizeConfig(config: Config): Record<string, unknown> {
  const walk = (value: unknown, at: string): unknown => {
    if (value === null || value === undefined) return value ?? null;
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return SECRET;
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${at}[${i}]`));
    if (typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        const where = at ? `${at}.${key}` : key;
        if (NOT_CONFIG.has(where)) continue;
        const v = (value as Record<string, unknown>)[key];
        // A secret-named setting's value is masked; a group of settings (`security.password`) is walked.
        const secret = SECRET_NAME.test(key) && (typeof v === 'string' ? v !== '' : typeof v === 'number');
        out[key] = secret ? SECRET : walk(v, where);
      }
      return out;
    }
    if (typeof value === 'string') return maskUrl(value);
    if (typeof value === 'function') return undefined;
    return value;
  };
  return walk(config, '') as Record<string, unknown>;
}

/** Flattens to `a.b.c → value` (JSON text), to name the settings that differ. */
function flatten(value: unknown, at = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, at ? `${at}.${k}` : k, out);
  } else out[at] = JSON.stringify(value);
  return out;
}

export interface ConfigDigest {
  hash: string;
  /** The sanitized settings (no secrets), so a comparison can name the settings that differ. */
  values: Record<string, unknown>;
}

export function configDigest(config: Config): ConfigDigest {
  const values = sanitizeConfig(config);
  return { hash: sm3(JSON.stringify(values)), values };
}

export interface Baseline {
  version: 1;
  recordedAt: string;
  code: CodeDigest;
  config: ConfigDigest;
}

export interface IntegrityReport {
  codeHash: string;
  configHash: string;
  /** `absent`: no baseline recorded (or unreadable); else whether both hashes equal the baseline's. */
  baseline: 'match' | 'mismatch' | 'absent';
  codeMatches: boolean | null;
  configMatches: boolean | null;
  /** Files added, removed or changed since the baseline (paths). */
  changedFiles: string[];
  /** Settings that differ from the baseline (dotted names; never their secret values). */
  changedSettings: string[];
}

export function currentDigests(
  config: Config,
  root = PROJECT_ROOT,
): { code: CodeDigest; config: ConfigDigest } {
  return { code: codeDigest(root), config: configDigest(config) };
}

export function recordBaseline(config: Config, at: Date, root = PROJECT_ROOT): Baseline {
  const baseline: Baseline = { version: 1, recordedAt: at.toISOString(), ...currentDigests(config, root) };
  const file = config.security.integrityBaselineFile;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`, { mode: 0o644 });
  return baseline;
}

export function readBaseline(file: string): Baseline | null {
  if (!existsSync(file)) return null;
  try {
    const b = JSON.parse(readFileSync(file, 'utf8')) as Baseline;
    return b?.version === 1 && typeof b.code?.hash === 'string' && typeof b.config?.hash === 'string'
      ? b
      : null;
  } catch {
    return null;
  }
}

const diffKeys = (a: Record<string, string>, b: Record<string, string>) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();

/** Compares the running code and configuration with the recorded baseline. */
export function checkIntegrity(config: Config, root = PROJECT_ROOT): IntegrityReport {
  const now = currentDigests(config, root);
  const base = readBaseline(config.security.integrityBaselineFile);
  if (!base)
    return {
      codeHash: now.code.hash,
      configHash: now.config.hash,
      baseline: 'absent',
      codeMatches: null,
      configMatches: null,
      changedFiles: [],
      changedSettings: [],
    };
  const codeMatches = base.code.hash === now.code.hash;
  const configMatches = base.config.hash === now.config.hash;
  return {
    codeHash: now.code.hash,
    configHash: now.config.hash,
    baseline: codeMatches && configMatches ? 'match' : 'mismatch',
    codeMatches,
    configMatches,
    changedFiles: codeMatches ? [] : diffKeys(base.code.files ?? {}, now.code.files),
    changedSettings: configMatches
      ? []
      : diffKeys(flatten(base.config.values ?? {}), flatten(now.config.values)),
  };
}

/**
 * At start (server.ts): hashes the code and configuration, compares them with the baseline and records
 * `system.integrity` (DJ-22, DJ-12): both hashes, the node, and whether they match; a mismatch is a
 * failure event and a warning in the log. The server starts either way: the audit administrator decides.
 */
export async function recordIntegrityAtStart(ctx: AppContext, root = PROJECT_ROOT): Promise<IntegrityReport> {
  const report = checkIntegrity(ctx.config, root);
  const nodeId = ctx.config.cluster.nodeId;
  const details = {
    nodeId,
    codeHash: report.codeHash,
    configHash: report.configHash,
    baseline: report.baseline,
    codeMatches: report.codeMatches,
    configMatches: report.configMatches,
    // At most 50 names of each: enough to see what changed, bounded for the audit row.
    changedFiles: report.changedFiles.slice(0, 50),
    changedSettings: report.changedSettings.slice(0, 50),
  };
  await recordAudit(
    ctx.db,
    systemActor,
    {
      action: 'system.integrity',
      resourceType: 'system',
      resourceId: nodeId,
      outcome: report.baseline === 'mismatch' ? 'failure' : 'success',
      details,
    },
    ctx.clock.now(),
  );
  if (report.baseline === 'mismatch')
    ctx.log.warn({ integrity: details }, 'integrity check: code or configuration differs from the baseline');
  else if (report.baseline === 'absent')
    ctx.log.info(
      { integrity: details },
      'integrity check: no baseline recorded (npm run cli -- integrity record)',
    );
  else ctx.log.info({ integrity: details }, 'integrity check: code and configuration match the baseline');
  return report;
}
