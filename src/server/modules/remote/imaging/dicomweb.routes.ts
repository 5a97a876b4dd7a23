/**
 * DICOMweb (PS3.18), the subset a modality, a PACS and a web viewer need, at /dicomweb:
 * STOW-RS  POST /studies[/{study}]                                  multipart/related; type="application/dicom"
 * QIDO-RS  GET  /studies, /studies/{study}/series, …/series/{series}/instances          application/dicom+json
 * WADO-RS  GET  …/metadata (study, series, instance)                                   application/dicom+json
 *          GET  …/instances/{instance}                              multipart/related; type="application/dicom"
 *          GET  …/instances/{instance}/frames/{frames}   multipart/related; type="application/octet-stream"
 *          GET  …/instances/{instance}/rendered, …/frames/{frame}/rendered            image/png or image/jpeg
 * Bearer auth as for the API; doctors and nurses of the linked request's two institutions only (REMOTE-5).
 * Deviation: an instance is answered in the transfer syntax it was stored in (named in the part's header),
 * not transcoded; frames are always decoded (Explicit VR Little Endian).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { Limit, QueryInt } from '../../../../shared/http.js';
import { actorOf, authOf } from '../../../platform/auth/access.js';
import type { AppContext } from '../../../platform/context.js';
import { platformErrors } from '../../../platform/errors.js';
import { problems } from '../../../platform/http.js';
import type { BlobStore } from '../../visits/blob-store.js';
import { remoteStaff } from '../request-access.js';
import { TS } from './dicom.js';
import {
  loadInstance,
  retrieveFiles,
  retrieveMetadata,
  searchInstances,
  searchSeries,
  searchStudies,
} from './dicomweb.service.js';
import { imagingErrors } from './imaging.errors.js';
import { FAILURE, stowInstance } from './imaging.service.js';
import { encodeMultipart, mediaParam, mediaType, parseMultipart } from './multipart.js';
import { decodeFrame, parseWindow, renderFrame } from './pixels.js';

const STAFF = ['doctor', 'nurse'] as const;
const DICOM_JSON = 'application/dicom+json';
const Uid = Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$', maxLength: 64, description: 'DICOM UID' });
const StudyParams = Type.Object({ study: Uid });
const SeriesParams = Type.Object({ study: Uid, series: Uid });
const InstanceParams = Type.Object({ study: Uid, series: Uid, instance: Uid });
const FramesParams = Type.Object({
  study: Uid,
  series: Uid,
  instance: Uid,
  frames: Type.String({
    pattern: '^[1-9][0-9]*(,[1-9][0-9]*)*$',
    maxLength: 200,
    description: '帧号，从 1 开始，逗号分隔',
  }),
});
const FrameParams = Type.Object({
  study: Uid,
  series: Uid,
  instance: Uid,
  frames: QueryInt({ minimum: 1, maximum: 100000, description: '帧号，从 1 开始' }),
});
const StudyQuery = Type.Object(
  {
    StudyInstanceUID: Type.Optional(Type.String({ maxLength: 2000 })),
    AccessionNumber: Type.Optional(Type.String({ maxLength: 64 })),
    ModalitiesInStudy: Type.Optional(Type.String({ maxLength: 100 })),
    StudyDate: Type.Optional(Type.String({ pattern: '^(\\d{8})?-?(\\d{8})?$' })),
    includefield: Type.Optional(Type.String({ maxLength: 500 })),
    fuzzymatching: Type.Optional(Type.String({ maxLength: 10 })),
    limit: Limit(100, 50),
    offset: Type.Optional(QueryInt({ minimum: 0, maximum: 100000, default: 0 })),
  },
  { additionalProperties: false },
);
const RenderQuery = Type.Object({
  window: Type.Optional(Type.String({ maxLength: 100, description: 'PS3.18 8.3.5.1.3：窗位,窗宽,linear' })),
});
const JsonArray = Type.Array(Type.Record(Type.String(), Type.Unknown()));

/** The accepted media ranges of an Accept header (empty: anything). */
const acceptList = (accept: string | undefined) =>
  (accept ?? '')
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((s) => s.trim())
    .filter(Boolean);

function assertJsonAccepted(accept: string | undefined): void {
  const list = acceptList(accept);
  if (list.length === 0) return;
  const ok = list.some((a) =>
    ['application/dicom+json', 'application/json', 'application/*', '*/*'].includes(mediaType(a)),
  );
  if (!ok) throw platformErrors.notAcceptable(`可提供 ${DICOM_JSON}。`);
}

/** Whether a multipart/related Accept allows parts of `type` in transfer syntax `ts`. */
function multipartAccepted(accept: string | undefined, type: string, ts: string): boolean {
  const list = acceptList(accept);
  if (list.length === 0) return true;
  return list.some((a) => {
    const m = mediaType(a);
    if (m === '*/*') return true;
    if (m !== 'multipart/related') return false;
    const t = (mediaParam(a, 'type') ?? type).toLowerCase();
    const syntax = mediaParam(a, 'transfer-syntax');
    return t === type && (!syntax || syntax === '*' || syntax === ts);
  });
}

/** PNG unless the Accept header prefers JPEG (image/jpeg named, image/png not). */
function renderedFormat(accept: string | undefined): 'png' | 'jpeg' {
  const list = acceptList(accept).map(mediaType);
  if (list.length === 0 || list.includes('image/png')) return 'png';
  if (list.includes('image/jpeg')) return 'jpeg';
  if (list.some((m) => m === 'image/*' || m === '*/*')) return 'png';
  throw platformErrors.notAcceptable('可提供 image/png 或 image/jpeg。');
}

const sendJson = (reply: FastifyReply, body: unknown) => reply.type(DICOM_JSON).send(JSON.stringify(body));

export function dicomwebRoutes(ctx: AppContext, store: BlobStore): FastifyPluginAsyncTypebox {
  const limit = ctx.config.remote.maxUploadBytes;
  return async (app) => {
    // busboy reads multipart/form-data only: STOW-RS bodies are read whole here and split by their boundary.
    app.addContentTypeParser(
      'multipart/related',
      { parseAs: 'buffer', bodyLimit: limit },
      (_req, body, done) => done(null, body),
    );

    const staffOf = (req: Parameters<typeof authOf>[0]) => remoteStaff(ctx.db, authOf(req));

    // --- STOW-RS

    const stow = async (
      req: { headers: Record<string, string | string[] | undefined>; body: unknown },
      studyUid: string | null,
      staff: Awaited<ReturnType<typeof staffOf>>,
      actor: ReturnType<typeof actorOf>,
      reply: FastifyReply,
    ) => {
      const contentType = String(req.headers['content-type'] ?? '');
      const boundary = mediaParam(contentType, 'boundary');
      const type = (mediaParam(contentType, 'type') ?? 'application/dicom').toLowerCase();
      if (!boundary || type !== 'application/dicom' || !Buffer.isBuffer(req.body))
        throw imagingErrors.badMultipart();
      const parts = parseMultipart(req.body, boundary);
      if (!parts || parts.length === 0) throw imagingErrors.badMultipart();
      const referenced: Record<string, unknown>[] = [];
      const failed: Record<string, unknown>[] = [];
      let retrieveStudy: string | null = studyUid;
      for (const part of parts) {
        const partType = mediaType(part.headers['content-type'] ?? 'application/dicom');
        const outcome =
          partType === 'application/dicom'
            ? await stowInstance(ctx, store, staff, actor, part.body, studyUid)
            : ({
                ok: false,
                sopClassUid: null,
                sopInstanceUid: null,
                reason: FAILURE.cannotUnderstand,
              } as const);
        if (outcome.ok) {
          const s = outcome.stored;
          retrieveStudy ??= s.studyUid;
          referenced.push({
            '00081150': { vr: 'UI', Value: [s.sopClassUid] },
            '00081155': { vr: 'UI', Value: [s.sopInstanceUid] },
            '00081190': {
              vr: 'UR',
              Value: [`/dicomweb/studies/${s.studyUid}/series/${s.seriesUid}/instances/${s.sopInstanceUid}`],
            },
          });
        } else {
          failed.push({
            '00081150': outcome.sopClassUid ? { vr: 'UI', Value: [outcome.sopClassUid] } : { vr: 'UI' },
            '00081155': outcome.sopInstanceUid ? { vr: 'UI', Value: [outcome.sopInstanceUid] } : { vr: 'UI' },
            '00081197': { vr: 'US', Value: [outcome.reason] },
          });
        }
      }
      // PS3.18 10.5.3: 200 all stored, 202 some failed, 409 none stored.
      const body: Record<string, unknown> = {};
      if (retrieveStudy && referenced.length)
        body['00081190'] = { vr: 'UR', Value: [`/dicomweb/studies/${retrieveStudy}`] };
      if (failed.length) body['00081198'] = { vr: 'SQ', Value: failed };
      if (referenced.length) body['00081199'] = { vr: 'SQ', Value: referenced };
      const status = failed.length === 0 ? 200 : referenced.length === 0 ? 409 : 202;
      return reply.status(status).type(DICOM_JSON).send(JSON.stringify(body));
    };

    // A fresh object per route: start-up writes each route's operationId into its schema.
    const stowSchema = () => ({
      tags: ['dicomweb'],
      summary: 'STOW-RS：存储 DICOM 实例（按检查号 AccessionNumber 关联本机构的影像申请）',
      response: problems(400, 401, 403, 413, 415),
    });
    app.post('/studies', {
      config: { access: STAFF },
      bodyLimit: limit,
      schema: stowSchema(),
      handler: async (req, reply) => stow(req, null, await staffOf(req), actorOf(req), reply),
    });
    app.post('/studies/:study', {
      config: { access: STAFF },
      bodyLimit: limit,
      schema: { ...stowSchema(), params: StudyParams },
      handler: async (req, reply) => stow(req, req.params.study, await staffOf(req), actorOf(req), reply),
    });

    // --- QIDO-RS

    app.get('/studies', {
      config: { access: STAFF },
      schema: {
        tags: ['dicomweb'],
        summary: 'QIDO-RS：查询可见的检查（申请机构或诊断中心的医护）',
        querystring: StudyQuery,
        response: { 200: JsonArray, ...problems(400, 401, 403, 406) },
      },
      handler: async (req, reply) => {
        assertJsonAccepted(req.headers.accept);
        return sendJson(reply, await searchStudies(ctx, await staffOf(req), actorOf(req), req.query));
      },
    });
    app.get('/studies/:study/series', {
      config: { access: STAFF },
      schema: {
        tags: ['dicomweb'],
        summary: 'QIDO-RS：检查的序列',
        params: StudyParams,
        response: { 200: JsonArray, ...problems(400, 401, 403, 404, 406) },
      },
      handler: async (req, reply) => {
        assertJsonAccepted(req.headers.accept);
        return sendJson(reply, await searchSeries(ctx, await staffOf(req), actorOf(req), req.params.study));
      },
    });
    app.get('/studies/:study/series/:series/instances', {
      config: { access: STAFF },
      schema: {
        tags: ['dicomweb'],
        summary: 'QIDO-RS：序列的实例',
        params: SeriesParams,
        response: { 200: JsonArray, ...problems(400, 401, 403, 404, 406) },
      },
      handler: async (req, reply) => {
        assertJsonAccepted(req.headers.accept);
        const p = req.params;
        return sendJson(
          reply,
          await searchInstances(ctx, await staffOf(req), actorOf(req), p.study, p.series),
        );
      },
    });

    // --- WADO-RS metadata

    const metadataRoute = (
      url: string,
      params: typeof StudyParams | typeof SeriesParams | typeof InstanceParams,
    ) =>
      app.get(url, {
        config: { access: STAFF },
        schema: {
          tags: ['dicomweb'],
          summary: 'WADO-RS：元数据（DICOM JSON，不含像素数据）',
          params,
          response: { 200: JsonArray, ...problems(400, 401, 403, 404, 406) },
        },
        handler: async (req, reply) => {
          assertJsonAccepted(req.headers.accept);
          const p = req.params as { study: string; series?: string; instance?: string };
          return sendJson(
            reply,
            await retrieveMetadata(ctx, await staffOf(req), actorOf(req), p.study, p.series, p.instance),
          );
        },
      });
    metadataRoute('/studies/:study/metadata', StudyParams);
    metadataRoute('/studies/:study/series/:series/metadata', SeriesParams);
    metadataRoute('/studies/:study/series/:series/instances/:instance/metadata', InstanceParams);

    // --- WADO-RS instances, frames, rendered

    app.get('/studies/:study/series/:series/instances/:instance', {
      config: { access: STAFF },
      schema: {
        tags: ['dicomweb'],
        summary: 'WADO-RS：实例（DICOM 第 10 部分文件，原样）',
        params: InstanceParams,
        response: problems(400, 401, 403, 404, 406),
      },
      handler: async (req, reply) => {
        const p = req.params;
        const staff = await staffOf(req);
        const files = await retrieveFiles(ctx, store, staff, actorOf(req), p.study, p.series, p.instance);
        const ts = files[0]!.transferSyntax;
        if (!multipartAccepted(req.headers.accept, 'application/dicom', ts))
          throw platformErrors.notAcceptable(`实例以传输语法 ${ts} 保存，按原样提供。`);
        const out = encodeMultipart(
          files.map((f) => ({
            contentType: `application/dicom; transfer-syntax=${f.transferSyntax}`,
            body: f.bytes,
            location: f.location,
          })),
          'application/dicom',
        );
        return reply.type(out.contentType).send(out.body);
      },
    });

    app.get('/studies/:study/series/:series/instances/:instance/frames/:frames', {
      config: { access: STAFF },
      schema: {
        tags: ['dicomweb'],
        summary: 'WADO-RS：帧（解码后的像素，显式 VR 小端）',
        params: FramesParams,
        response: problems(400, 401, 403, 404, 406),
      },
      handler: async (req, reply) => {
        const p = req.params;
        if (!multipartAccepted(req.headers.accept, 'application/octet-stream', TS.explicitLE))
          throw platformErrors.notAcceptable(`帧以 ${TS.explicitLE}（解码后）提供。`);
        const staff = await staffOf(req);
        const uids = { study: p.study, series: p.series, instance: p.instance };
        const dicom = await loadInstance(ctx, store, staff, actorOf(req), uids, 'dicomweb:frames');
        const numbers = p.frames.split(',').map(Number);
        if (numbers.some((n) => n > dicom.facts.frames)) throw imagingErrors.frameNotFound();
        const parts = [];
        for (const n of numbers)
          parts.push({
            contentType: 'application/octet-stream',
            body: (await decodeFrame(dicom, n - 1)).bytes,
          });
        const out = encodeMultipart(parts, 'application/octet-stream', `; transfer-syntax=${TS.explicitLE}`);
        return reply.type(out.contentType).send(out.body);
      },
    });

    const rendered = async (
      req: { headers: { accept?: string }; query: { window?: string } },
      reply: FastifyReply,
      staff: Awaited<ReturnType<typeof staffOf>>,
      actor: ReturnType<typeof actorOf>,
      uids: { study: string; series: string; instance: string },
      frame: number,
    ) => {
      const format = renderedFormat(req.headers.accept);
      const window = req.query.window === undefined ? undefined : parseWindow(req.query.window);
      if (window === null) throw imagingErrors.badWindow();
      const dicom = await loadInstance(ctx, store, staff, actor, uids, 'dicomweb:rendered');
      if (frame > dicom.facts.frames) throw imagingErrors.frameNotFound();
      const image = await renderFrame(await decodeFrame(dicom, frame - 1), dicom.facts, format, window);
      return reply
        .header('cache-control', 'private, no-store')
        .type(format === 'png' ? 'image/png' : 'image/jpeg')
        .send(image);
    };
    const renderedSchema = () => ({
      tags: ['dicomweb'],
      summary: 'WADO-RS：渲染图像（PNG，或按 Accept 提供 JPEG；window=窗位,窗宽,linear）',
      querystring: RenderQuery,
      response: problems(400, 401, 403, 404, 406),
    });
    app.get('/studies/:study/series/:series/instances/:instance/rendered', {
      config: { access: STAFF },
      schema: { ...renderedSchema(), params: InstanceParams },
      handler: async (req, reply) => rendered(req, reply, await staffOf(req), actorOf(req), req.params, 1),
    });
    app.get('/studies/:study/series/:series/instances/:instance/frames/:frames/rendered', {
      config: { access: STAFF },
      schema: { ...renderedSchema(), params: FrameParams },
      handler: async (req, reply) =>
        rendered(req, reply, await staffOf(req), actorOf(req), req.params, req.params.frames),
    });
  };
}
