/**
 * Pictures, documents and voice notes of visits: the type is decided by content, not by the name or the
 * declared type; images get a JPEG thumbnail; bytes go to the BlobStore; only the uploader and the visit's
 * participants may read them (DJ-9), and every read is audited.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { AttachmentView } from '../../../shared/visits.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { executableKind, scanUpload } from '../../platform/uploads/scan.js';
import type { BlobStore } from './blob-store.js';
import { visitErrors } from './visits.errors.js';

export const ATTACHMENT_TYPES = [
  'image/jpeg',
  'image/png',
  'image/heic',
  'audio/webm',
  'audio/ogg',
  'audio/mp4',
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const M4A_BRANDS = new Set(['M4A ', 'M4B ', 'mp42', 'isom', 'iso5', 'dash']);

/** The type the bytes really are (magic numbers), or null when they are none of the accepted ones. */
export function sniffType(b: Buffer): AttachmentType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (b.length >= 4 && b.readUInt32BE(0) === 0x1a45dfa3) return 'audio/webm';
  if (b.length >= 4 && b.subarray(0, 4).toString('latin1') === 'OggS') return 'audio/ogg';
  if (b.length >= 12 && b.subarray(4, 8).toString('latin1') === 'ftyp') {
    const brand = b.subarray(8, 12).toString('latin1');
    if (HEIF_BRANDS.has(brand)) return 'image/heic';
    if (M4A_BRANDS.has(brand)) return 'audio/mp4';
  }
  return null;
}

const unsupported = (detail: string) => visitErrors.unsupportedAttachment(detail);

async function decodeHeic(bytes: Buffer): Promise<sharp.Sharp> {
  const { default: decode } = await import('heic-decode');
  const img = await decode({ buffer: bytes });
  return sharp(Buffer.from(img.data.buffer), { raw: { width: img.width, height: img.height, channels: 4 } });
}

/** A 320-pixel JPEG thumbnail; throws when the image does not decode. */
async function thumbnail(bytes: Buffer, type: AttachmentType): Promise<Buffer> {
  const img = type === 'image/heic' ? await decodeHeic(bytes) : sharp(bytes, { failOn: 'error' });
  return img
    .rotate()
    .resize(320, 320, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 72 })
    .toBuffer();
}

const toView = (a: {
  id: string;
  mime: string;
  size_bytes: number;
  thumb_key: string | null;
  duration_ms: number | null;
}): AttachmentView => ({
  id: a.id,
  mime: a.mime,
  sizeBytes: a.size_bytes,
  hasThumbnail: a.thumb_key !== null,
  ...(a.duration_ms !== null ? { durationMs: a.duration_ms } : {}),
});

export { toView as attachmentView };

export async function uploadAttachment(
  ctx: AppContext,
  store: BlobStore,
  auth: AuthContext,
  declared: string,
  bytes: Buffer,
  actor: Actor,
  durationMs?: number,
): Promise<AttachmentView> {
  if (bytes.length === 0) throw visitErrors.emptyAttachment();
  // DJ-21: executable content is refused by what it is, whatever it is called or declared as.
  const executable = executableKind(bytes);
  if (executable) throw unsupported(`文件内容是可执行程序或脚本（${executable}），不予接收。`);
  const type = sniffType(bytes);
  if (!type)
    throw unsupported('只支持 JPEG、PNG、HEIC 图片和 WebM、Ogg、M4A 语音；文件内容不是其中任何一种。');
  const declaredBase = declared.split(';')[0]!.trim().toLowerCase();
  const declaredNorm = declaredBase === 'image/heif' ? 'image/heic' : declaredBase;
  if (declaredNorm !== 'application/octet-stream' && declaredNorm !== type)
    throw unsupported(`文件内容是 ${type}，与声明的类型 ${declaredBase} 不符。`);
  const id = newId();
  let thumb: Buffer | null = null;
  if (type.startsWith('image/')) {
    try {
      thumb = await thumbnail(bytes, type);
    } catch {
      throw visitErrors.imageUnreadable();
    }
  }
  // DJ-21: scanned before anything of it is kept (store, thumbnail, row); refused files are kept nowhere.
  await scanUpload(ctx, actor, bytes, { path: 'attachments', mime: type });
  const now = ctx.clock.now();
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  const key = `${day}/${id}`;
  await store.put(key, bytes, type);
  if (thumb) await store.put(`${key}-thumb`, thumb, 'image/jpeg');
  const row = {
    id,
    uploaded_by: auth.accountId,
    visit_id: null,
    mime: type,
    size_bytes: bytes.length,
    sm3: createHash('sm3').update(bytes).digest('hex'),
    storage_key: key,
    thumb_key: thumb ? `${key}-thumb` : null,
    duration_ms: type.startsWith('audio/') && durationMs !== undefined ? durationMs : null,
    created_at: now,
  };
  await runCommand(ctx, actor, async ({ trx, audit }) => {
    await trx.insertInto('attachment').values(row).execute();
    await audit({
      action: 'attachment.upload',
      resourceType: 'attachment',
      resourceId: id,
      details: { mime: type, size: bytes.length },
    });
  });
  return toView(row);
}

export async function readAttachment(
  ctx: AppContext,
  store: BlobStore,
  auth: AuthContext,
  id: string,
  thumb: boolean,
  actor: Actor,
  isParticipant: (visitId: string) => Promise<boolean>,
): Promise<{ bytes: Buffer; mime: string }> {
  const a = await ctx.db.selectFrom('attachment').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a) throw errors.notFound('附件');
  const allowed =
    a.uploaded_by === auth.accountId || (a.visit_id !== null && (await isParticipant(a.visit_id)));
  if (!allowed) throw errors.forbidden('只有问诊的参与者可以查看该附件。');
  const key = thumb && a.thumb_key ? a.thumb_key : a.storage_key;
  const bytes = await store.get(key);
  if (!bytes) throw errors.notFound('附件内容');
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'attachment.read',
      resourceType: 'attachment',
      resourceId: id,
      details: { visitId: a.visit_id, thumb },
    },
    ctx.clock.now(),
  );
  return { bytes, mime: thumb && a.thumb_key ? 'image/jpeg' : a.mime };
}
