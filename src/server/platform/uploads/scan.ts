/**
 * DJ-21: what every upload path calls before it keeps a file anywhere (disk, S3, a row): executable content
 * is refused whatever it is labelled, then the bytes go to the virus scanner when one is configured
 * (YUNYI_CLAMD). An infected or unscannable file is refused with a 4xx and recorded as a security event;
 * nothing of it is kept.
 */
import { type Actor, recordAudit } from '../audit/audit.js';
import type { AppContext } from '../context.js';
import { createScanner } from './clamd.js';
import { uploadErrors } from './uploads.errors.js';

const EXECUTABLE_MAGIC: { kind: string; test: (b: Buffer) => boolean }[] = [
  { kind: 'Windows PE (MZ)', test: (b) => b.length >= 2 && b[0] === 0x4d && b[1] === 0x5a },
  { kind: 'ELF', test: (b) => b.length >= 4 && b.readUInt32BE(0) === 0x7f454c46 },
  {
    kind: 'Mach-O / Java class',
    test: (b) =>
      b.length >= 4 &&
      [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(b.readUInt32BE(0)),
  },
  { kind: 'WebAssembly', test: (b) => b.length >= 4 && b.readUInt32BE(0) === 0x0061736d },
  { kind: 'script (#!)', test: (b) => b.length >= 2 && b[0] === 0x23 && b[1] === 0x21 },
];

/** Markup or script a browser or interpreter would run, at the start of the file (after blanks or a BOM). */
const SCRIPT_START = /^(?:\uFEFF)?\s*(?:<\?php|<script|<html|<!doctype html|<svg|<\?xml|#!\/)/i;

/** What executable kind the bytes are, or null. Decided by content, never by the name or declared type. */
export function executableKind(bytes: Buffer): string | null {
  for (const m of EXECUTABLE_MAGIC) if (m.test(bytes)) return m.kind;
  if (SCRIPT_START.test(bytes.subarray(0, 256).toString('latin1'))) return 'script or markup';
  return null;
}

/**
 * Scans `bytes` with the configured scanner (none: passes). Throws UPLOAD_INFECTED or
 * UPLOAD_SCAN_UNAVAILABLE (both 422) after recording the refusal as `upload.refused` (DJ-12 security event).
 */
export async function scanUpload(
  ctx: AppContext,
  actor: Actor,
  bytes: Buffer,
  what: { path: string; mime: string },
): Promise<void> {
  const scanner = createScanner(ctx.config.security.clamd);
  if (!scanner) return;
  const result = await scanner.scan(bytes);
  if (result.verdict === 'clean') return;
  const details =
    result.verdict === 'infected'
      ? {
          path: what.path,
          mime: what.mime,
          size: bytes.length,
          reason: 'infected',
          signature: result.signature,
        }
      : {
          path: what.path,
          mime: what.mime,
          size: bytes.length,
          reason: `scanner ${result.reason}`,
          message: result.message,
        };
  if (result.verdict === 'infected')
    ctx.log.warn({ upload: details }, 'upload refused: virus scan found malware');
  else ctx.log.error({ upload: details }, 'upload refused: virus scanner unavailable');
  await recordAudit(
    ctx.db,
    actor,
    { action: 'upload.refused', resourceType: 'upload', outcome: 'failure', details },
    ctx.clock.now(),
  );
  throw result.verdict === 'infected'
    ? uploadErrors.infected(`防病毒扫描发现恶意代码（${result.signature}），文件已被拒收且未保存。`)
    : uploadErrors.scanUnavailable();
}
