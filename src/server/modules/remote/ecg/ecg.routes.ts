/**
 * ECG over HTTP ([11/12], REMOTE-5): the community uploads a recording to its ECG request (multipart: a WFDB
 * `.hea` with its `.dat`/`.xyz`, or one DICOM waveform); the parties read the signal in mV for the viewer
 * and the automatic measurements (suggestions, AI 辅助, seed 002/004). Thin handlers over ecg.service.ts.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EcgLeads, EcgLeadsQuery, EcgMeasurements, EcgUploaded } from '../../../../shared/remote.js';
import { actorOf, authOf } from '../../../platform/auth/access.js';
import type { AppContext } from '../../../platform/context.js';
import { platformErrors } from '../../../platform/errors.js';
import { IdParams, problems } from '../../../platform/http.js';
import type { BlobStore } from '../../visits/blob-store.js';
import { ecgErrors } from './ecg.errors.js';
import { assertMayUpload, ecgLeads, ecgMeasurements, type UploadedFile, uploadEcg } from './ecg.service.js';

/** At most this many files in one upload (a WFDB header and a few signal files). */
const MAX_FILES = 8;

export function ecgRoutes(ctx: AppContext, store: BlobStore): FastifyPluginAsyncTypebox {
  const limit = ctx.config.remote.maxUploadBytes;
  return async (app) => {
    // multipart/form-data in this plugin's scope only, bounded by the remote upload limit.
    await app.register(multipart, { limits: { fileSize: limit, files: MAX_FILES, fields: 8, parts: 16 } });

    app.post('/diagnostic-requests/:id/ecg', {
      config: { access: ['doctor', 'nurse'] },
      bodyLimit: limit,
      schema: {
        tags: ['remote'],
        summary: '上传心电图（WFDB .hea + .dat，或 DICOM 心电波形；multipart/form-data）',
        description:
          '申请机构的医生或护士为心电申请上传记录（REMOTE-5）。文件经解析与校验（初始值、校验和、完整性）后保存，' +
          '自动测量（心搏、心率、RR、节律提示）只作为阅图医生的参考（AI 辅助，须医生确认），申请进入诊断中心队列。',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: EcgUploaded, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
      handler: async (req, reply) => {
        // Who may upload is decided before the upload is read.
        await assertMayUpload(ctx, authOf(req), req.params.id);
        if (!req.isMultipart()) throw ecgErrors.filesMissing('请以 multipart/form-data 上传心电图文件。');
        const files: UploadedFile[] = [];
        let total = 0;
        for await (const part of req.parts()) {
          if (part.type !== 'file') continue;
          const bytes = await part.toBuffer();
          total += bytes.length;
          if (total > limit) throw platformErrors.payloadTooLarge('上传的心电图文件合计超过允许的大小。');
          files.push({ name: part.filename, bytes });
        }
        const uploaded = await uploadEcg(ctx, store, authOf(req), actorOf(req), req.params.id, files);
        return reply.status(201).send(uploaded);
      },
    });

    app.get('/ecg/:id/leads', {
      config: { access: ['doctor', 'nurse'] },
      schema: {
        tags: ['remote'],
        summary: '心电图导联数据（毫伏；默认前 10 秒，一次最多 60 秒）',
        params: IdParams,
        querystring: EcgLeadsQuery,
        response: { 200: EcgLeads, ...problems(400, 401, 403, 404, 422) },
      },
      handler: async (req) => ecgLeads(ctx, store, authOf(req), actorOf(req), req.params.id, req.query),
    });

    app.get('/ecg/:id/measurements', {
      config: { access: ['doctor', 'nurse'] },
      schema: {
        tags: ['remote'],
        summary: '心电图自动测量（心搏、心率、RR 间期、节律提示；AI 辅助，供医生确认）',
        params: IdParams,
        response: { 200: EcgMeasurements, ...problems(401, 403, 404) },
      },
      handler: async (req) => ecgMeasurements(ctx, authOf(req), actorOf(req), req.params.id),
    });
  };
}
