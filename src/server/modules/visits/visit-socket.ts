/**
 * The visit WebSocket `/ws?token=`: JSON frames (src/shared/visits.ts). `resume` checks the caller is a
 * participant, replays every message after the given id and follows the visit; `message` stores through
 * the same service as HTTP (a resent clientId is stored once); `read`, `typing` and `signal` (WebRTC offers,
 * answers, candidates) go to the other side. No frame is trusted for who sent it: the session says.
 */
import '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ClientFrame, ServerFrame, VisitStatus } from '../../../shared/visits.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { HubClient, ParticipantRole } from './hub.js';
import { markRead, messagesAfter, postMessage, readState } from './messages.service.js';
import { participantRole } from './visit-access.js';
import { visitKeys } from './visit-store.js';
import type { VisitsRuntime } from './visits.service.js';

const MAX_FRAME = 64 * 1024;
/** A client that sends faster than it is served, or stops reading, is cut off (memory stays bounded). */
const MAX_PENDING_FRAMES = 50;
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerVisitSocket(
  app: FastifyInstance,
  ctx: AppContext,
  rt: VisitsRuntime,
  resolve: (token: string) => Promise<AuthContext | null>,
): void {
  app.get('/ws', { websocket: true, schema: { hide: true } }, (socket: WebSocket, req) => {
    // Frames that arrive while the session is being looked up are kept and handled after it, in order.
    const early: [Buffer, boolean][] = [];
    const keep = (raw: Buffer, isBinary: boolean) => early.push([raw, isBinary]);
    socket.on('message', keep);
    void accept(socket, req, early, keep).catch((err) => {
      req.log.error({ err }, 'ws setup failed');
      socket.close(1011, 'internal error');
    });
  });

  async function accept(
    socket: WebSocket,
    req: FastifyRequest,
    early: [Buffer, boolean][],
    keep: (raw: Buffer, isBinary: boolean) => void,
  ): Promise<void> {
    const token = new URL(req.url, 'http://x').searchParams.get('token') ?? '';
    const auth = /^[A-Za-z0-9_-]{20,200}$/.test(token) ? await resolve(token).catch(() => null) : null;
    const send = (frame: ServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    if (!auth) {
      send({ type: 'error', code: 'UNAUTHENTICATED', detail: '登录已过期，请重新登录。' });
      socket.close(4401, 'unauthenticated');
      return;
    }
    const client: HubClient = { accountId: auth.accountId, send };
    const actor = { accountId: auth.accountId, role: auth.roles[0] ?? null, ip: req.ip };
    // Frames of one socket are handled one after another, so a resume finishes before the next frame.
    let chain = Promise.resolve();

    const follow = async (visitId: string): Promise<ParticipantRole> => {
      // The hub is the one record of what this socket follows (a visit taken by a colleague is dropped there).
      const known = rt.hub.roleOf(visitId, client);
      if (known) return known;
      const v = await visitKeys(ctx.db, visitId);
      const role = v ? await participantRole(ctx.db, auth, v) : null;
      if (!v || !role)
        throw new AppError(403, 'NOT_A_PARTICIPANT', '无权查看该问诊', '只有问诊的参与者可以加入。');
      rt.hub.follow(visitId, client, role);
      return role;
    };

    const handle = async (frame: ClientFrame) => {
      if (frame.type === 'ping') return send({ type: 'pong' });
      if (typeof frame.visitId !== 'string' || !UUID.test(frame.visitId))
        throw new AppError(400, 'BAD_FRAME', '消息格式错误', '缺少有效的 visitId。');
      const visitId = frame.visitId;
      const role = await follow(visitId);
      switch (frame.type) {
        case 'resume': {
          const from = Number(frame.after ?? 0);
          if (!Number.isSafeInteger(from) || from < 0)
            throw new AppError(400, 'BAD_FRAME', '消息格式错误', 'after 须为非负整数。');
          let after = from;
          // Replays in pages of 200 until a short page: every message after `after` exactly once.
          for (;;) {
            const batch = await messagesAfter(ctx.db, visitId, after, 200);
            for (const message of batch) send({ type: 'message', visitId, message });
            if (batch.length > 0) after = batch[batch.length - 1]!.id;
            if (batch.length < 200) break;
          }
          const last = after;
          const v = await visitKeys(ctx.db, visitId);
          await recordAudit(
            ctx.db,
            actor,
            {
              action: 'visit.messages.read',
              resourceType: 'visit',
              resourceId: visitId,
              patientId: v?.patient_id ?? null,
              details: { via: 'ws', after: Number(frame.after) || 0 },
            },
            ctx.clock.now(),
          );
          send({ type: 'resumed', visitId, lastId: last });
          // Read receipts survive a reconnect: the other side's last read id comes right after the replay.
          const reads = await readState(ctx.db, visitId);
          for (const side of ['patient', 'doctor'] as const) {
            const lastReadId = reads[side];
            if (lastReadId !== undefined) send({ type: 'read', visitId, role: side, lastReadId });
          }
          if (v) send({ type: 'visit', visitId, status: v.status as VisitStatus });
          return;
        }
        case 'message': {
          const f = frame as { clientId?: unknown; kind?: unknown; text?: unknown; attachmentId?: unknown };
          if (typeof f.clientId !== 'string' || f.clientId.length === 0 || f.clientId.length > 64)
            throw new AppError(400, 'BAD_FRAME', '消息格式错误', '消息须带 1–64 个字符的 clientId。');
          if (f.kind !== 'text' && f.kind !== 'image' && f.kind !== 'voice')
            throw new AppError(400, 'BAD_FRAME', '消息格式错误', 'kind 须为 text、image 或 voice。');
          if (f.kind !== 'text' && (typeof f.attachmentId !== 'string' || !UUID.test(f.attachmentId)))
            throw new AppError(400, 'BAD_FRAME', '消息格式错误', '图片或语音消息须带有效的 attachmentId。');
          const { message, created } = await postMessage(
            ctx,
            auth,
            visitId,
            {
              clientId: String(frame.clientId ?? '').slice(0, 64),
              kind: frame.kind,
              ...(frame.kind === 'text'
                ? { text: String(frame.text ?? '') }
                : { attachmentId: String(frame.attachmentId ?? '') }),
            },
            actor,
          );
          if (created) rt.hub.publish(visitId, { type: 'message', visitId, message });
          else send({ type: 'message', visitId, message });
          return;
        }
        case 'read': {
          const wanted = Number(frame.lastReadId);
          if (!Number.isSafeInteger(wanted) || wanted < 0)
            throw new AppError(400, 'BAD_FRAME', '消息格式错误', 'lastReadId 须为非负整数。');
          const lastReadId = await markRead(ctx, visitId, role, wanted);
          rt.hub.publish(visitId, { type: 'read', visitId, role, lastReadId });
          return;
        }
        case 'typing':
          rt.hub.publish(visitId, { type: 'typing', visitId, role }, client);
          return;
        case 'signal':
          rt.hub.publish(visitId, { type: 'signal', visitId, from: role, data: frame.data }, client);
          return;
        default:
          throw new AppError(400, 'BAD_FRAME', '消息格式错误', '未知的消息类型。');
      }
    };

    let pending = 0;
    const onFrame = (raw: Buffer, isBinary: boolean) => {
      if (pending >= MAX_PENDING_FRAMES || socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        send({ type: 'error', code: 'TOO_MANY_FRAMES', detail: '发送过快，连接已断开，请稍后重连。' });
        socket.close(1008, 'too many frames');
        return;
      }
      pending += 1;
      chain = chain
        .then(async () => {
          let frame: ClientFrame;
          try {
            if (isBinary || raw.length > MAX_FRAME) throw new Error('bad');
            frame = JSON.parse(raw.toString('utf8')) as ClientFrame;
            if (!frame || typeof frame !== 'object') throw new Error('bad');
          } catch {
            return send({ type: 'error', code: 'BAD_FRAME', detail: '消息格式错误：须为 JSON 文本。' });
          }
          try {
            await handle(frame);
          } catch (err) {
            const visitId = (frame as { visitId?: string }).visitId;
            if (err instanceof AppError)
              send({
                type: 'error',
                ...(visitId ? { visitId } : {}),
                code: err.code,
                detail: err.detail ?? err.title,
              });
            else {
              req.log.error({ err }, 'ws frame failed');
              send({
                type: 'error',
                ...(visitId ? { visitId } : {}),
                code: 'INTERNAL',
                detail: '服务器内部错误',
              });
            }
          }
        })
        .finally(() => {
          pending -= 1;
        });
    };
    socket.off('message', keep);
    socket.on('message', onFrame);
    for (const [raw, isBinary] of early.splice(0)) onFrame(raw, isBinary);
    // Rights change while a socket stays open: the session may end, a proxy be revoked, a visit be taken by
    // a colleague. Check again now and then and stop pushing what the caller may no longer see.
    const recheck = setInterval(() => {
      chain = chain
        .then(async () => {
          const still = await resolve(token).catch(() => null);
          if (!still) {
            send({ type: 'error', code: 'UNAUTHENTICATED', detail: '登录已过期，请重新登录。' });
            socket.close(4401, 'unauthenticated');
            return;
          }
          for (const visitId of rt.hub.followed(client)) {
            const v = await visitKeys(ctx.db, visitId);
            if (!v || !(await participantRole(ctx.db, still, v))) rt.hub.unfollow(visitId, client);
          }
        })
        .catch((err) => req.log.error({ err }, 'ws recheck failed'));
    }, ctx.config.visits.socketRecheckMs);
    recheck.unref();
    socket.on('close', () => {
      clearInterval(recheck);
      rt.hub.leave(client);
    });
    if (socket.readyState !== socket.OPEN) rt.hub.leave(client);
  }
}
