import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from 'typebox';
import {
  type AttachmentView,
  type MedicalRecordView,
  type TimelineEntry,
  VISIT_STATUSES,
  VISIT_TYPES,
  type VisitMessage,
  type VisitView,
} from '../../../shared/visits.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { Empty, IdParams, problems, Uuid } from '../../platform/http.js';
import { ATTACHMENT_TYPES, readAttachment, uploadAttachment } from './attachments.service.js';
import type { BlobStore } from './blob-store.js';
import { endCall, joinCall, startCall, timeline } from './calls.service.js';
import { searchIcd10 } from './icd10.js';
import { listMessages, postMessage } from './messages.service.js';
import { listOfflineDiagnoses, recordOfflineDiagnosis } from './offline-diagnosis.service.js';
import {
  addToWhitelist,
  createPilotScope,
  listPilotScopes,
  listWhitelist,
  myPresence,
  onlineCount,
  removeFromWhitelist,
  revokePilotScope,
  setPresence,
} from './pilot.service.js';
import {
  addAddendum,
  completeVisit,
  exportRecord,
  getRecord,
  patientHistory,
  saveRecord,
} from './record.service.js';
import { recordTemplatesFor } from './record-templates.js';
import { visitFeeFen } from './visit.rules.js';
import {
  acceptEvidence,
  cancelVisit,
  confirmGuardianPresence,
  createVisit,
  ensureParticipant,
  getVisit,
  listVisits,
  rateVisit,
  referOffline,
  startVisit,
  type VisitsRuntime,
} from './visits.service.js';

/** Views are documented in src/shared/visits.ts; the schemas name the key fields and keep the rest. */
const Open = <T>(props: Parameters<typeof Type.Object>[0], description: string) =>
  Type.Unsafe<T>(Type.Object(props, { additionalProperties: true, description }));

const Visit = Open<VisitView>(
  {
    id: Uuid,
    type: Type.Enum(VISIT_TYPES),
    status: Type.Enum(VISIT_STATUSES),
    patientId: Uuid,
    departmentId: Uuid,
    institutionId: Uuid,
    feeFen: Type.Integer(),
  },
  'VisitView',
);
const Message = Open<VisitMessage>(
  { id: Type.Integer(), visitId: Uuid, kind: Type.String() },
  'VisitMessage',
);
const Record = Open<MedicalRecordView>({ visitId: Uuid, status: Type.String() }, 'MedicalRecordView');
const Items = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });
const VisitIdParams = Type.Object({ id: Uuid });
const CallParams = Type.Object({ id: Uuid, callId: Uuid });
const Diagnosis = Type.Object({
  icd10: Type.String({ maxLength: 10 }),
  name: Type.String({ maxLength: 200 }),
});
const RecordBody = Type.Object(
  {
    chiefComplaint: Type.String({ maxLength: 4000 }),
    presentIllness: Type.String({ maxLength: 4000 }),
    pastHistory: Type.String({ maxLength: 4000 }),
    allergies: Type.String({ maxLength: 4000 }),
    onlineObservation: Type.String({ maxLength: 4000 }),
    diagnoses: Type.Array(Diagnosis, { maxItems: 10 }),
    advice: Type.String({ maxLength: 4000 }),
  },
  { additionalProperties: false },
);
const OfflineDiagnosis = Type.Object({
  id: Uuid,
  icd10: Type.String(),
  name: Type.String(),
  diagnosedAt: Type.String(),
  institutionName: Type.String(),
  departmentName: Type.Optional(Type.String()),
  source: Type.String(),
});
const PATIENT = ['patient'] as const;
const PRACTITIONERS = ['doctor', 'nurse'] as const;
const VIEWERS = ['patient', 'doctor', 'nurse', 'org_admin', 'regulator'] as const;
const PARTICIPANTS = ['patient', 'doctor', 'nurse'] as const;

export function visitRoutes(ctx: AppContext, rt: VisitsRuntime, store: BlobStore): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/visits', {
      config: { access: PATIENT },
      schema: {
        tags: ['visits'],
        summary: '发起线上问诊（咨询 / 复诊 / 首诊 / 护理咨询）',
        body: Type.Object(
          {
            type: Type.Enum(VISIT_TYPES),
            doctorId: Type.Optional(Uuid),
            departmentId: Type.Optional(Uuid),
            appointmentId: Type.Optional(Uuid),
            patientId: Type.Optional(Uuid),
            conditionCode: Type.Optional(Type.String({ maxLength: 10 })),
            description: Type.String({ minLength: 1, maxLength: 2000 }),
            channel: Type.Optional(Type.Enum(['text', 'video'] as const)),
            attachmentIds: Type.Optional(Type.Array(Uuid, { maxItems: 9 })),
            evidenceAttachmentId: Type.Optional(Uuid),
            consent: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Uuid, status: Type.String(), orderId: Type.Optional(Uuid) }),
          ...problems(400, 401, 403, 404, 409, 422),
        },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await createVisit(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.get('/visits', {
      config: { access: VIEWERS },
      schema: {
        tags: ['visits'],
        summary: '问诊列表：患者的问诊、医生的接诊队列与历史、机构与监管的问诊',
        querystring: Type.Object({
          scope: Type.Optional(Type.Enum(['mine', 'queue', 'history', 'institution', 'region'] as const)),
          status: Type.Optional(Type.Enum(VISIT_STATUSES)),
          type: Type.Optional(Type.Enum(VISIT_TYPES)),
          patientId: Type.Optional(Uuid),
          from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
          to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
          before: Type.Optional(Type.String({ format: 'date-time' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Visit), nextCursor: Type.Optional(Type.String()) }),
          ...problems(400, 401, 403),
        },
      },
      handler: async (req) => listVisits(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.get('/visits/:id', {
      config: { access: VIEWERS },
      schema: {
        tags: ['visits'],
        summary: '问诊详情',
        params: IdParams,
        response: { 200: Visit, ...problems(401, 403, 404) },
      },
      handler: async (req) => getVisit(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    const action = (
      path: string,
      summary: string,
      access: readonly ('patient' | 'doctor' | 'nurse')[],
      run: (
        auth: ReturnType<typeof authOf>,
        id: string,
        actor: ReturnType<typeof actorOf>,
      ) => Promise<VisitView>,
    ) =>
      app.post(path, {
        config: { access },
        schema: {
          tags: ['visits'],
          summary,
          params: VisitIdParams,
          response: { 200: Visit, ...problems(401, 403, 404, 409, 422) },
        },
        handler: async (req) => run(authOf(req), (req.params as { id: string }).id, actorOf(req)),
      });

    action('/visits/:id/guardian-presence', '监护人确认陪同（ID-6, PILOT-3）', PATIENT, (auth, id, actor) =>
      confirmGuardianPresence(ctx, rt, auth, id, actor),
    );
    action('/visits/:id/start', '接诊（再次检查资格）', PRACTITIONERS, (auth, id, actor) =>
      startVisit(ctx, rt, auth, id, actor),
    );
    action(
      '/visits/:id/evidence/accept',
      '采纳患者上传的线下诊断资料（VISIT-2）',
      PRACTITIONERS,
      (auth, id, actor) => acceptEvidence(ctx, rt, auth, id, actor),
    );
    action('/visits/:id/complete', '完成问诊并签署病历（SM2）', PRACTITIONERS, (auth, id, actor) =>
      completeVisit(ctx, rt, auth, id, actor),
    );

    app.post('/visits/:id/cancel', {
      config: { access: PATIENT },
      schema: {
        tags: ['visits'],
        summary: '医生接诊前取消并退款',
        params: IdParams,
        body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) })),
        response: { 200: Visit, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) =>
        cancelVisit(ctx, rt, authOf(req), req.params.id, req.body?.reason, actorOf(req)),
    });

    app.post('/visits/:id/refer-offline', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '终止线上诊疗，转线下就诊（VISIT-3）',
        params: IdParams,
        body: Type.Object({
          reason: Type.String({ minLength: 1, maxLength: 500 }),
          recommendation: Type.Object({
            institutionId: Type.Optional(Uuid),
            departmentId: Type.Optional(Uuid),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          }),
        }),
        response: { 200: Visit, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => referOffline(ctx, rt, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/visits/:id/rating', {
      config: { access: PATIENT },
      schema: {
        tags: ['visits'],
        summary: '评价医生',
        params: IdParams,
        body: Type.Object({
          stars: Type.Integer({ minimum: 1, maximum: 5 }),
          comment: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 200: Visit, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => rateVisit(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.get('/visits/:id/messages', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '聊天记录（after 之后，按 id 升序）',
        params: IdParams,
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: { 200: Items(Message), ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => ({
        items: await listMessages(
          ctx,
          authOf(req),
          req.params.id,
          req.query.after ?? 0,
          req.query.limit ?? 200,
          actorOf(req),
        ),
      }),
    });

    app.post('/visits/:id/messages', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '发送消息（clientId 重发只存一次）',
        params: IdParams,
        body: Type.Object({
          clientId: Type.String({ minLength: 1, maxLength: 64 }),
          kind: Type.Enum(['text', 'image', 'voice'] as const),
          text: Type.Optional(Type.String({ maxLength: 2000 })),
          attachmentId: Type.Optional(Uuid),
        }),
        response: { 200: Message, 201: Message, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) => {
        const { message, created } = await postMessage(
          ctx,
          authOf(req),
          req.params.id,
          req.body,
          actorOf(req),
        );
        if (created) rt.hub.publish(req.params.id, { type: 'message', visitId: req.params.id, message });
        return reply.status(created ? 201 : 200).send(message);
      },
    });

    app.get('/visits/:id/record', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '互联网诊疗病历',
        params: IdParams,
        response: { 200: Record, ...problems(401, 403, 404) },
      },
      handler: async (req) => getRecord(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.put('/visits/:id/record', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '保存病历草稿（签名后不可修改）',
        params: IdParams,
        body: RecordBody,
        response: { 200: Record, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => saveRecord(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/visits/:id/record/addenda', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '签名病历的补充记录（REC-2）',
        params: IdParams,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }),
        response: { 200: Record, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => addAddendum(ctx, authOf(req), req.params.id, req.body.text, actorOf(req)),
    });

    app.get('/visits/:id/record/export', {
      config: { access: PARTICIPANTS },
      schema: { tags: ['visits'], summary: '导出签名病历文件（verify-record 可验证）', params: IdParams },
      handler: async (req, reply) => {
        const file = await exportRecord(ctx, authOf(req), req.params.id, actorOf(req));
        return reply
          .header('content-disposition', `attachment; filename="record-${req.params.id}.json"`)
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(file, null, 2));
      },
    });

    app.get('/visits/:id/timeline', {
      config: { access: VIEWERS },
      schema: {
        tags: ['visits'],
        summary: '问诊全程时间线（VISIT-5）',
        params: IdParams,
        response: {
          200: Items(Open<TimelineEntry>({ at: Type.String(), kind: Type.String() }, 'TimelineEntry')),
          ...problems(401, 403, 404),
        },
      },
      handler: async (req) => ({ items: await timeline(ctx, authOf(req), req.params.id, actorOf(req)) }),
    });

    app.get('/visits/:id/patient-history', {
      config: { access: PRACTITIONERS },
      schema: { tags: ['visits'], summary: '患者线下诊断与本机构既往线上病历', params: IdParams },
      handler: async (req) => patientHistory(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    const Call = Type.Object({ id: Uuid, iceServers: Type.Array(Type.Unknown()) });
    app.post('/visits/:id/calls', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '发起视频通话',
        params: IdParams,
        response: { 201: Call, ...problems(401, 403, 404, 409) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await startCall(ctx, authOf(req), req.params.id, actorOf(req))),
    });
    app.post('/visits/:id/calls/:callId/join', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '加入视频通话（并回答是否同意录音录像）',
        params: CallParams,
        body: Type.Object({ recordingConsent: Type.Boolean() }),
        response: { 200: Call, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) =>
        joinCall(ctx, authOf(req), req.params.id, req.params.callId, req.body.recordingConsent, actorOf(req)),
    });
    app.post('/visits/:id/calls/:callId/end', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '结束视频通话',
        params: CallParams,
        response: { 204: Empty, ...problems(401, 403, 404) },
      },
      handler: async (req, reply) => {
        await endCall(ctx, authOf(req), req.params.id, req.params.callId, actorOf(req));
        return reply.status(204).send(null);
      },
    });

    // Attachments: raw bytes in, type decided by content.
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
        querystring: Type.Object({
          durationMs: Type.Optional(
            Type.Integer({ minimum: 0, maximum: 600_000, description: '语音时长（毫秒）' }),
          ),
        }),
        response: {
          201: Open<AttachmentView>({ id: Uuid, mime: Type.String() }, 'AttachmentView'),
          ...problems(400, 401, 413, 415, 422),
        },
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
    app.get('/attachments/:id', {
      config: { access: 'authenticated' },
      schema: {
        tags: ['visits'],
        summary: '读取附件（仅上传者与问诊参与者）',
        params: IdParams,
        querystring: Type.Object({ thumb: Type.Optional(Type.Enum(['1', 'true', '0', 'false'] as const)) }),
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

    app.get('/icd10', {
      config: { access: ['doctor', 'nurse', 'pharmacist', 'org_admin', 'regulator', 'patient'] },
      schema: {
        tags: ['visits'],
        summary: 'ICD-10 疾病编码检索（编码前缀或中文名称）',
        querystring: Type.Object({
          q: Type.String({ maxLength: 50 }),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) }),
        },
      },
      handler: async (req) => ({ items: searchIcd10(req.query.q, req.query.limit ?? 20) }),
    });

    app.get('/record-templates', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '科室病历模板',
        querystring: Type.Object({ departmentId: Uuid }),
      },
      handler: async (req) => {
        const d = await ctx.db
          .selectFrom('department')
          .select(['specialty', 'name'])
          .where('id', '=', req.query.departmentId)
          .executeTakeFirst();
        if (!d) throw errors.notFound('科室');
        return { items: recordTemplatesFor(d.specialty, d.name) };
      },
    });

    app.get('/practitioners/me/presence', {
      config: { access: PRACTITIONERS },
      schema: { tags: ['visits'], summary: '我的在线接诊状态' },
      handler: async (req) => myPresence(ctx, authOf(req)),
    });
    app.put('/practitioners/me/presence', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '上线 / 下线（科室即时问诊队列）',
        body: Type.Object({ online: Type.Boolean() }),
      },
      handler: async (req) => setPresence(ctx, authOf(req), req.body.online, actorOf(req)),
    });
    app.get('/departments/:id/on-demand', {
      config: { access: 'authenticated' },
      schema: { tags: ['visits'], summary: '科室即时问诊：在线医生与排队人数', params: IdParams },
      handler: async (req) => {
        const online = await onlineCount(ctx.db, req.params.id);
        const waiting = await ctx.db
          .selectFrom('visit')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('department_id', '=', req.params.id)
          .where('practitioner_id', 'is', null)
          .where('status', '=', 'waiting')
          .executeTakeFirst();
        return {
          open: online > 0,
          onlineDoctors: online,
          waiting: Number(waiting?.n ?? 0),
          feeFen: visitFeeFen('follow_up', 'attending'),
        };
      },
    });

    app.get('/patients/:id/offline-diagnoses', {
      config: { access: PATIENT },
      schema: {
        tags: ['visits'],
        summary: '就诊人的线下确诊记录（复诊依据，VISIT-1）',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(OfflineDiagnosis) }), ...problems(401, 403) },
      },
      handler: async (req) => ({
        items: await listOfflineDiagnoses(ctx, authOf(req), req.params.id, actorOf(req)),
      }),
    });
    app.post('/patients/:id/offline-diagnoses', {
      config: { access: ['doctor'] },
      schema: {
        tags: ['visits'],
        summary: '医院医生录入线下门诊 / 住院诊断（复诊依据）',
        params: IdParams,
        body: Type.Object({
          icd10: Type.String({ minLength: 3, maxLength: 10 }),
          diagnosedAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
        }),
        response: { 201: OfflineDiagnosis, ...problems(400, 401, 403, 404, 422) },
      },
      handler: async (req, reply) =>
        reply
          .status(201)
          .send(await recordOfflineDiagnosis(ctx, authOf(req), req.params.id, req.body, actorOf(req))),
    });

    app.get('/pilot-scopes', {
      config: { access: ['regulator', 'org_admin', 'doctor'] },
      schema: { tags: ['visits'], summary: '互联网首诊试点范围（PILOT-1）' },
      handler: async () => ({ items: await listPilotScopes(ctx) }),
    });
    app.post('/pilot-scopes', {
      config: { access: ['regulator'] },
      schema: {
        tags: ['visits'],
        summary: '开放首诊试点（机构 × 专业，起止日期）',
        body: Type.Object({
          institutionId: Uuid,
          specialty: Type.String({ minLength: 1, maxLength: 50 }),
          startsOn: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
          endsOn: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
        }),
      },
      handler: async (req, reply) =>
        reply.status(201).send(await createPilotScope(ctx, authOf(req), req.body, actorOf(req))),
    });
    app.post('/pilot-scopes/:id/revoke', {
      config: { access: ['regulator'] },
      schema: { tags: ['visits'], summary: '撤销首诊试点范围', params: IdParams },
      handler: async (req) => revokePilotScope(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/institutions/:id/first-visit-whitelist', {
      config: { access: ['org_admin', 'regulator'] },
      schema: { tags: ['visits'], summary: '首诊医生白名单（含资质条件核验，PILOT-2）', params: IdParams },
      handler: async (req) => ({ items: await listWhitelist(ctx, authOf(req), req.params.id) }),
    });
    app.post('/institutions/:id/first-visit-whitelist', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['visits'],
        summary: '加入首诊医生白名单（不符合条件的拒绝）',
        params: IdParams,
        body: Type.Object({ practitionerId: Uuid }),
      },
      handler: async (req, reply) => {
        const auth = authOf(req);
        const items = await addToWhitelist(ctx, auth, req.params.id, req.body.practitionerId, actorOf(req));
        return reply.status(201).send({ items });
      },
    });
    app.delete('/institutions/:id/first-visit-whitelist/:practitionerId', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['visits'],
        summary: '移出首诊医生白名单',
        params: Type.Object({ id: Uuid, practitionerId: Uuid }),
        response: { 204: Empty, ...problems(401, 403, 404) },
      },
      handler: async (req, reply) => {
        await removeFromWhitelist(ctx, authOf(req), req.params.id, req.params.practitionerId, actorOf(req));
        return reply.status(204).send(null);
      },
    });
  };
}
