/**
 * The visit WebSocket `/ws?token=`: JSON frames (src/shared/visits.ts). `resume` checks the caller is a
 * participant, follows the visit and replays every message after the given id (one frame may resume many
 * visits); `message` stores through the same service as HTTP (a resent clientId is stored once); `read`,
 * `typing` and `signal` (WebRTC offers, answers, candidates) go to the other side. No frame is trusted for
 * who sent it: the session says. A socket's frames are handled in order, with backpressure (socket-queue.ts).
 */
import '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import type { WebSocket } from 'ws';
import {
  type ClientFrame,
  MAX_RESUME_VISITS,
  SERVICE_RESTART_CLOSE,
  SERVICE_RESTART_REASON,
  type ServerFrame,
  type VisitStatus,
} from '../../../shared/visits.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { languageOf, type TextLanguage } from '../../platform/texts.js';
import { consoleAddressAllowed } from '../security/security.hooks.js';
import type { HubClient, ParticipantRole } from './hub.js';
import { listMessages, markRead, postMessage, readState } from './messages.service.js';
import { FrameQueue } from './socket-queue.js';
import { messageIn } from './system-lines.js';
import { participantRole } from './visit-access.js';
import { visitKeys } from './visit-store.js';
import { visitErrors } from './visits.errors.js';
import type { VisitsRuntime } from './visits.runtime.js';

const MAX_FRAME = 64 * 1024;
/** A client that stops reading is cut off once this much waits to be sent to it (memory stays bounded). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** A replay waits for the client to read before its next page while this much waits to be sent. */
const REPLAY_WAIT_BYTES = 1024 * 1024;
const REPLAY_PAGE = 200;
/** Message ids remembered per visit and socket to drop a second copy (a replay overlapping live frames). */
const SENT_IDS_KEPT = 2000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const badFrame = (detail: string) => visitErrors.badFrame(detail);

/** `after` of a resume: a non-negative integer, 0 when absent. */
function afterOf(value: unknown): number {
  const after = Number(value ?? 0);
  if (!Number.isSafeInteger(after) || after < 0) throw badFrame('after 须为非负整数。');
  return after;
}

/** The socket's reading language: `?lang=en-US|zh-CN` (a browser cannot set headers), else Accept-Language. */
function socketLanguage(req: FastifyRequest): TextLanguage {
  const asked = new URL(req.url, 'http://x').searchParams.get('lang');
  return asked === 'en-US' || asked === 'zh-CN' ? asked : languageOf(req);
}

export function registerVisitSocket(
  app: FastifyInstance,
  ctx: AppContext,
  rt: VisitsRuntime,
  resolve: (token: string) => Promise<AuthContext | null>,
): void {
  // [9/12] The node's open sockets: counted on /metrics, told to reconnect elsewhere when the node drains.
  const open = new Set<WebSocket>();
  new Gauge({
    name: 'yunyi_ws_open_sockets',
    help: 'Visit WebSockets open on this node.',
    registers: [ctx.metrics.registry],
    collect() {
      this.set(open.size);
    },
  });
  ctx.readiness.onDrain(() => {
    for (const s of open) s.close(SERVICE_RESTART_CLOSE, SERVICE_RESTART_REASON);
  });
  app.get('/ws', { websocket: true, schema: { hide: true } }, (socket: WebSocket, req) => {
    if (ctx.readiness.draining) {
      socket.close(SERVICE_RESTART_CLOSE, SERVICE_RESTART_REASON);
      return;
    }
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    const lang = socketLanguage(req);
    // Each message reaches a socket once ([9/12]): a resume follows the visit before it reads the replay, so a
    // message committed in between comes both in the replay and as a live frame (from another node over the
    // bus, later than on one node). The ids this socket was sent, per visit, drop the second copy whatever
    // arrives first; only the last SENT_IDS_KEPT per visit are kept, far more than a replay overlaps.
    const sentIds = new Map<string, Set<number>>();
    const firstTime = (visitId: string, id: number): boolean => {
      const ids = sentIds.get(visitId) ?? new Set<number>();
      sentIds.set(visitId, ids);
      if (ids.has(id)) return false;
      ids.add(id);
      if (ids.size > SENT_IDS_KEPT) ids.delete(ids.values().next().value as number);
      return true;
    };
    const send = (frame: ServerFrame, again = false) => {
      if (socket.readyState !== socket.OPEN) return;
      if (frame.type === 'message' && !firstTime(frame.visitId, frame.message.id) && !again) return;
      // [8/12] System lines in this reader's language: each socket renders the frames the hub fans out.
      const out = frame.type === 'message' ? { ...frame, message: messageIn(frame.message, lang) } : frame;
      socket.send(JSON.stringify(out));
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) socket.terminate();
    };
    // Frames that arrive while the session is being looked up wait in the queue and are handled after it.
    const queue = new FrameQueue({
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      overflow: () => {
        send({
          type: 'error',
          code: visitErrors.tooManyFrames.spec.code,
          detail: visitErrors.tooManyFrames.spec.detail,
        });
        socket.close(1008, 'too many frames');
      },
      failed: (err) => req.log.error({ err }, 'ws frame failed'),
    });
    let handleFrame: ((raw: Buffer, isBinary: boolean) => Promise<void>) | null = null;
    const ready = accept(socket, req, send, queue)
      .then((handler) => {
        handleFrame = handler;
      })
      .catch((err) => {
        req.log.error({ err }, 'ws setup failed');
        socket.close(1011, 'internal error');
      });
    socket.on('message', (raw: Buffer, isBinary: boolean) => {
      queue.push(raw.length, async () => {
        await ready;
        await handleFrame?.(raw, isBinary);
      });
    });
  });

  /** Checks the session; answers the frame handler, or null when the socket was refused. */
  async function accept(
    socket: WebSocket,
    req: FastifyRequest,
    send: (frame: ServerFrame, again?: boolean) => void,
    queue: FrameQueue,
  ): Promise<((raw: Buffer, isBinary: boolean) => Promise<void>) | null> {
    const token = new URL(req.url, 'http://x').searchParams.get('token') ?? '';
    const auth = /^[A-Za-z0-9_-]{20,200}$/.test(token) ? await resolve(token).catch(() => null) : null;
    if (!auth) {
      send({ type: 'error', code: 'UNAUTHENTICATED', detail: '登录已过期，请重新登录。' });
      socket.close(4401, 'unauthenticated');
      return null;
    }
    const actor = { accountId: auth.accountId, role: auth.roles[0] ?? null, ip: req.ip };
    // The HTTP routes' gates hold here too: a session whose password must change (DJ-2) follows no visit,
    // and staff connect only from the console ranges (DJ-19).
    const refusal = auth.passwordChangeRequired
      ? { code: 'PASSWORD_CHANGE_REQUIRED', detail: '请先修改密码。' }
      : !auth.roles.includes('patient') && !consoleAddressAllowed(ctx, req.ip)
        ? { code: 'ADDRESS_NOT_ALLOWED', detail: '当前网络地址不允许访问管理功能。' }
        : null;
    if (refusal) {
      await recordAudit(
        ctx.db,
        actor,
        {
          action: refusal.code === 'ADDRESS_NOT_ALLOWED' ? 'access.address_refused' : 'access.denied',
          outcome: 'failure',
          resourceType: 'route',
          details: { code: refusal.code, route: '/ws', address: req.ip },
        },
        ctx.clock.now(),
      );
      send({ type: 'error', ...refusal });
      socket.close(4403, refusal.code.toLowerCase());
      return null;
    }
    const client: HubClient = { accountId: auth.accountId, send };

    const follow = async (visitId: string): Promise<ParticipantRole> => {
      // The hub is the one record of what this socket follows (a visit taken by a colleague is dropped there).
      const known = rt.hub.roleOf(visitId, client);
      if (known) return known;
      const v = await visitKeys(ctx.db, visitId);
      const role = v ? await participantRole(ctx.db, auth, v) : null;
      if (!v || !role) throw visitErrors.notAParticipant('只有问诊的参与者可以加入。');
      rt.hub.follow(visitId, client, role);
      return role;
    };

    /** A replay page waits while the client has not read the previous ones (a large resume stays bounded). */
    const clientCaughtUp = async () => {
      while (socket.readyState === socket.OPEN && socket.bufferedAmount > REPLAY_WAIT_BYTES)
        await new Promise((r) => setTimeout(r, 5));
    };

    /** Follows the visit, then replays every message after `after` exactly once, in pages. */
    const resume = async (visitId: string, after: number) => {
      await follow(visitId);
      let last = after;
      for (;;) {
        // The same read as GET /visits/{id}/messages: participant check, page, audit row (AUD-1).
        const page = await listMessages(ctx, auth, visitId, last, REPLAY_PAGE, actor, 'ws');
        for (const message of page) send({ type: 'message', visitId, message });
        if (page.length > 0) last = page[page.length - 1]!.id;
        if (page.length < REPLAY_PAGE) break;
        await clientCaughtUp();
      }
      const v = await visitKeys(ctx.db, visitId);
      send({ type: 'resumed', visitId, lastId: last });
      // Read receipts survive a reconnect: the other side's last read id comes right after the replay.
      const reads = await readState(ctx.db, visitId);
      for (const side of ['patient', 'doctor'] as const) {
        const lastReadId = reads[side];
        if (lastReadId !== undefined) send({ type: 'read', visitId, role: side, lastReadId });
      }
      if (v) send({ type: 'visit', visitId, status: v.status as VisitStatus });
    };

    /** One frame resuming many visits: each as a single resume; a refused visit answers its own error. */
    const resumeMany = async (visits: unknown) => {
      if (!Array.isArray(visits) || visits.length === 0 || visits.length > MAX_RESUME_VISITS)
        throw badFrame(`visits 须为 1–${MAX_RESUME_VISITS} 个问诊。`);
      const wanted = visits.map((entry: unknown) => {
        const e = (entry ?? {}) as { visitId?: unknown; after?: unknown };
        if (typeof e.visitId !== 'string' || !UUID.test(e.visitId)) throw badFrame('缺少有效的 visitId。');
        return { visitId: e.visitId, after: afterOf(e.after) };
      });
      for (const { visitId, after } of wanted) {
        try {
          await resume(visitId, after);
        } catch (err) {
          problem(err, visitId);
        }
        await clientCaughtUp();
      }
    };

    const handle = async (frame: ClientFrame) => {
      if (frame.type === 'ping') return send({ type: 'pong' });
      if (frame.type === 'resume' && 'visits' in frame) return resumeMany(frame.visits);
      if (typeof frame.visitId !== 'string' || !UUID.test(frame.visitId))
        throw badFrame('缺少有效的 visitId。');
      const visitId = frame.visitId;
      const role = await follow(visitId);
      switch (frame.type) {
        case 'resume':
          return resume(visitId, afterOf(frame.after));
        case 'message': {
          const f = frame as { clientId?: unknown; kind?: unknown; text?: unknown; attachmentId?: unknown };
          if (typeof f.clientId !== 'string' || f.clientId.length === 0 || f.clientId.length > 64)
            throw badFrame('消息须带 1–64 个字符的 clientId。');
          if (f.kind !== 'text' && f.kind !== 'image' && f.kind !== 'voice')
            throw badFrame('kind 须为 text、image 或 voice。');
          if (f.kind !== 'text' && (typeof f.attachmentId !== 'string' || !UUID.test(f.attachmentId)))
            throw badFrame('图片或语音消息须带有效的 attachmentId。');
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
          else send({ type: 'message', visitId, message }, true); // the answer to a resent clientId
          return;
        }
        case 'read': {
          const wanted = Number(frame.lastReadId);
          if (!Number.isSafeInteger(wanted) || wanted < 0) throw badFrame('lastReadId 须为非负整数。');
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
          throw badFrame('未知的消息类型。');
      }
    };

    /** An error answers as an `error` frame; 5xx details stay in the log. */
    const problem = (err: unknown, visitId: string | undefined) => {
      const about = typeof visitId === 'string' ? { visitId } : {};
      if (err instanceof AppError)
        return send({ type: 'error', ...about, code: err.code, detail: err.detail ?? err.title });
      req.log.error({ err }, 'ws frame failed');
      send({ type: 'error', ...about, code: 'INTERNAL', detail: '服务器内部错误' });
    };

    const onFrame = async (raw: Buffer, isBinary: boolean) => {
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
        problem(err, (frame as { visitId?: string }).visitId);
      }
    };

    // Rights change while a socket stays open: the session may end, a proxy be revoked, a visit be taken by
    // a colleague. Check again now and then, in turn with the frames, and stop pushing what the caller may
    // no longer see.
    let recheckQueued = false;
    const recheck = setInterval(() => {
      if (recheckQueued) return;
      recheckQueued = true;
      queue.enqueue(async () => {
        recheckQueued = false;
        try {
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
        } catch (err) {
          req.log.error({ err }, 'ws recheck failed');
        }
      });
    }, ctx.config.visits.socketRecheckMs);
    recheck.unref();
    socket.on('close', () => {
      clearInterval(recheck);
      rt.hub.leave(client);
    });
    if (socket.readyState !== socket.OPEN) rt.hub.leave(client);
    return onFrame;
  }
}
