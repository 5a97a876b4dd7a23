/**
 * Attachments over HTTP: raw bytes in (the type decided by content, not by the declared type), bytes out
 * to the uploader and the visit's participants only (DJ-9).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AttachmentQuery, AttachmentView, UploadQuery } from '../../../shared/visits.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { IdParams, problems } from '../../platform/http.js';
import { ATTACHMENT_TYPES, readAttachment, uploadAttachment } from './attachments.service.js';
import type { BlobStore } from './blob-store.js';
import { ensureParticipant } from './visit-queries.js';

export function attachmentRoutes(ctx: AppContext, store: BlobStore): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Raw bytes for these types, in this plugin only; the type is then decided by content.
    app.addContentTypeParser(
      [...ATTACHMENT_TYPES, 'image/heif', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: ctx.config.visits.maxAttachmentBytes },
      (_req, body, done) => done(null, body),
    );
    app.post('/attachments', {
      config: { access: 'authenticated' },
      bodyLimit: ctx.config.visits.maxAttachmentBytes,
      schema: {
        tags: ['visits'],
        summary: '上传图片或语音（JPEG/PNG/HEIC、WebM/Ogg/M4A；按内容识别）',
        querystring: UploadQuery,
        response: { 201: AttachmentView, ...problems(400, 401, 413, 415, 422) },
      },
      handler: async (req, reply) => {
        const body = req.body as Buffer;
        if (!Buffer.isBuffer(body)) throw errors.notFound('文件内容');
        const view = await uploadAttachment(
          ctx,
          store,
          authOf(req),
          req.headers['content-type'] ?? '',
          body,
          actorOf(req),
          req.query.durationMs,
        );
        return reply.status(201).send(view);
      },
    });
    // The bytes themselves (image, thumbnail or voice), not a JSON answer.
    app.get('/attachments/:id', {
      config: { access: 'authenticated' },
      schema: {
        tags: ['visits'],
        summary: '读取附件（仅上传者与问诊参与者）',
        params: IdParams,
        querystring: AttachmentQuery,
        response: problems(401, 403, 404),
      },
      handler: async (req, reply) => {
        const auth = authOf(req);
        const file = await readAttachment(
          ctx,
          store,
          auth,
          req.params.id,
          req.query.thumb === '1' || req.query.thumb === 'true',
          actorOf(req),
          (visitId) => ensureParticipant(ctx, auth, visitId),
        );
        return reply.header('cache-control', 'private, no-store').type(file.mime).send(file.bytes);
      },
    });
  };
}
