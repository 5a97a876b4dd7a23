/**
 * The requester's DICOM upload for an imaging request (REMOTE-5): one file as application/dicom, or several
 * as multipart/form-data (@fastify/multipart, registered in this plugin only). Every file is checked before
 * anything is kept; one refused file stores none of them.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ImagingUploaded, RequestIdParams } from '../../../../shared/remote.js';
import { actorOf, authOf } from '../../../platform/auth/access.js';
import type { AppContext } from '../../../platform/context.js';
import { platformErrors } from '../../../platform/errors.js';
import { problems } from '../../../platform/http.js';
import type { BlobStore } from '../../visits/blob-store.js';
import { imagingErrors } from './imaging.errors.js';
import { type IncomingFile, uploadImages } from './imaging.service.js';

const STAFF = ['doctor', 'nurse'] as const;
/** At most this many files in one multipart upload (a CT series is a few hundred slices). */
const MAX_FILES = 2000;

export function imagingRoutes(ctx: AppContext, store: BlobStore): FastifyPluginAsyncTypebox {
  const limit = ctx.config.remote.maxUploadBytes;
  return async (app) => {
    app.addContentTypeParser(
      ['application/dicom', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: limit },
      (_req, body, done) => done(null, body),
    );
    await app.register(multipart, { limits: { fileSize: limit, files: MAX_FILES, fields: 20 } });

    app.post('/diagnostic-requests/:id/images', {
      config: { access: STAFF },
      bodyLimit: limit,
      schema: {
        tags: ['remote'],
        summary: '上传影像（DICOM 第 10 部分文件；application/dicom 单个或 multipart/form-data 多个）',
        description:
          '申请机构的医护上传影像检查。每个文件须为完整的 DICOM 文件且含像素数据（未压缩或 JPEG 2000）；' +
          '任一文件不合格则整批不保存（422 DICOM_INVALID）。同一实例重复上传不重复保存。',
        params: RequestIdParams,
        response: { 201: ImagingUploaded, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
      handler: async (req, reply) => {
        const files: IncomingFile[] = [];
        if (req.isMultipart()) {
          let total = 0;
          for await (const part of req.parts()) {
            if (part.type !== 'file') continue;
            const bytes = await part.toBuffer();
            total += bytes.length;
            if (total > limit) throw platformErrors.payloadTooLarge();
            files.push({ name: part.filename || `文件 ${files.length + 1}`, bytes });
          }
        } else {
          const body = req.body;
          if (!Buffer.isBuffer(body)) throw imagingErrors.dicomInvalid('请求体应为 application/dicom 文件。');
          files.push({
            name:
              String(req.headers['content-disposition'] ?? '').match(/filename="?([^";]+)/)?.[1] ?? '文件 1',
            bytes: body,
          });
        }
        const result = await uploadImages(ctx, store, authOf(req), actorOf(req), req.params.id, files);
        return reply.status(201).send(result);
      },
    });
  };
}
