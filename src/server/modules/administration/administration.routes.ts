/**
 * 三权分立 (DJ-8) and the audit administrator (DJ-15) over HTTP: `/admin/...` for the system and security
 * administrators (and the actions list for all three), `/audit/...` for the audit administrator alone.
 * Thin handlers: each calls one service function with the administrator's actor (its admin role as
 * actor_role, so the other two see what it did).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  AccountCreate,
  AdminAccount,
  AdminAccountPage,
  AdminAccountQuery,
  AdminActionPage,
  AdminActionQuery,
  AdminReason,
  AuditEventPage,
  AuditExportQuery,
  AuditSearchQuery,
  AuditVerifyResult,
  InitialPassword,
  RolesChange,
  SecurityPolicy,
} from '../../../shared/administration.js';
import { ADMIN_ROLES } from '../../../shared/identity.js';
import { authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import {
  adminActor,
  changeRoles,
  createAccount,
  disableAccount,
  enableAccount,
  listAccounts,
  listAdminActions,
  lockAccount,
  resetPassword,
  resetSecondFactor,
  securityPolicy,
  unlockAccount,
} from './administration.service.js';
import { exportAudit, searchAudit, verifyAudit } from './audit.service.js';

const SYSTEM = ['system_admin'] as const;
const SECURITY = ['security_admin'] as const;
const AUDIT = ['audit_admin'] as const;
const ACCOUNT_READERS = ['system_admin', 'security_admin'] as const;
const TAGS = ['administration'];

const actor = (req: FastifyRequest) => adminActor(authOf(req), req.ip);

export function administrationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // --- Accounts: the system administrator (the security administrator reads the list too).

    app.get('/admin/accounts', {
      config: { access: ACCOUNT_READERS },
      schema: {
        tags: TAGS,
        summary: '账号列表与查找（系统管理员、安全管理员）',
        description:
          '最新在前。q 为完整手机号（精确）或姓名的一部分；手机号只显示掩码（DJ-10）。lastLoginAt 为最近一次成功登录。每次查看记入审计日志（admin.account.list）。',
        querystring: AdminAccountQuery,
        response: { 200: AdminAccountPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listAccounts(ctx, req.query, actor(req)),
    });

    app.post('/admin/accounts', {
      config: { access: SYSTEM },
      schema: {
        tags: TAGS,
        summary: '新建员工账号（系统管理员）',
        description:
          '返回的初始密码只显示这一次，符合员工密码策略（DJ-2），首次登录须修改。医生、护士、药师、药房人员、机构管理员须指定机构；医生、药师须对应该机构的执业人员。三种管理员角色互斥（DJ-8）。',
        body: AccountCreate,
        response: { 201: InitialPassword, ...problems(400, 401, 403, 409, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(await createAccount(ctx, req.body, actor(req))),
    });

    app.post('/admin/accounts/:id/password-reset', {
      config: { access: SYSTEM },
      schema: {
        tags: TAGS,
        summary: '重置账号密码（系统管理员）',
        description:
          '生成新的初始密码（只显示这一次，首次登录须修改），原密码和该账号的全部会话立即失效。不能重置自己的（403 ADMIN_SELF_CHANGE）。',
        params: IdParams,
        response: { 200: InitialPassword, ...problems(401, 403, 404) },
      },
      handler: async (req) => resetPassword(ctx, authOf(req), req.params.id, actor(req)),
    });

    app.post('/admin/accounts/:id/disable', {
      config: { access: SYSTEM },
      schema: {
        tags: TAGS,
        summary: '停用账号（系统管理员）',
        description:
          '停用的账号不能登录，其会话在所有节点立即失效。不能停用自己（403 ADMIN_SELF_CHANGE）；已被安全管理员锁定的账号 409 ACCOUNT_STATUS_CONFLICT。',
        params: IdParams,
        body: AdminReason,
        response: { 200: AdminAccount, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => disableAccount(ctx, authOf(req), req.params.id, req.body.reason, actor(req)),
    });

    app.post('/admin/accounts/:id/enable', {
      config: { access: SYSTEM },
      schema: {
        tags: TAGS,
        summary: '启用已停用的账号（系统管理员）',
        description: '只启用停用的账号；锁定的账号须由安全管理员解锁（409 ACCOUNT_STATUS_CONFLICT）。',
        params: IdParams,
        response: { 200: AdminAccount, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => enableAccount(ctx, authOf(req), req.params.id, actor(req)),
    });

    // --- The security administrator.

    app.put('/admin/accounts/:id/roles', {
      config: { access: SECURITY },
      schema: {
        tags: TAGS,
        summary: '设置账号的角色（安全管理员）',
        description:
          '替换账号的全部角色。三种管理员角色互斥（409 ADMIN_ROLES_EXCLUSIVE）；不能改自己的角色（403 ADMIN_SELF_CHANGE）。该账号的会话立即失效，新角色自下次登录起生效。',
        params: IdParams,
        body: RolesChange,
        response: { 200: AdminAccount, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => changeRoles(ctx, authOf(req), req.params.id, req.body, actor(req)),
    });

    app.post('/admin/accounts/:id/lock', {
      config: { access: SECURITY },
      schema: {
        tags: TAGS,
        summary: '锁定账号（安全管理员）',
        description:
          '锁定的账号不能登录，其会话在所有节点立即失效，直到安全管理员解锁。不能锁定自己（403 ADMIN_SELF_CHANGE）。',
        params: IdParams,
        body: AdminReason,
        response: { 200: AdminAccount, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => lockAccount(ctx, authOf(req), req.params.id, req.body.reason, actor(req)),
    });

    app.post('/admin/accounts/:id/unlock', {
      config: { access: SECURITY },
      schema: {
        tags: TAGS,
        summary: '解锁账号（安全管理员）',
        description: '只解锁被锁定的账号；停用的账号须由系统管理员启用（409 ACCOUNT_STATUS_CONFLICT）。',
        params: IdParams,
        response: { 200: AdminAccount, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => unlockAccount(ctx, authOf(req), req.params.id, actor(req)),
    });

    app.post('/admin/accounts/:id/second-factor-reset', {
      config: { access: SECURITY },
      schema: {
        tags: TAGS,
        summary: '重置第二因素（安全管理员）',
        description:
          '清除该账号的身份验证器和恢复码（手机丢失等），其会话立即失效，下次登录重新绑定（DJ-6）。不能重置自己的。',
        params: IdParams,
        body: AdminReason,
        response: { 200: AdminAccount, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => resetSecondFactor(ctx, authOf(req), req.params.id, req.body.reason, actor(req)),
    });

    app.get('/admin/security-policy', {
      config: { access: ['security_admin', 'system_admin'] },
      schema: {
        tags: TAGS,
        summary: '当前安全策略（只读）',
        description:
          '密码、登录锁定、会话、第二因素、控制台地址范围和告警阈值的现行设置（在部署配置中修改）。',
        response: { 200: SecurityPolicy, ...problems(401, 403) },
      },
      handler: async (req) => securityPolicy(ctx, actor(req)),
    });

    // --- All three: one another's actions (DJ-8).

    app.get('/admin/actions', {
      config: { access: ADMIN_ROLES },
      schema: {
        tags: TAGS,
        summary: '三类管理员的操作记录（互相可见）',
        description:
          '系统管理员、安全管理员、审计管理员的每一次操作（含被拒绝的尝试），最新在前；三者都可查看，以相互监督（DJ-8）。这是“审计记录只有审计管理员可读”的唯一例外，查看本身也记入审计日志。',
        querystring: AdminActionQuery,
        response: { 200: AdminActionPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listAdminActions(ctx, req.query, actor(req)),
    });

    // --- The audit administrator alone (DJ-15).

    app.get('/audit/events', {
      config: { access: AUDIT },
      schema: {
        tags: TAGS,
        summary: '查询审计记录（审计管理员）',
        description:
          '按操作人、患者、操作（前缀，如 auth.）、结果、时间 [from, to) 筛选，最新在前，before 为上一页的 nextCursor。操作人只显示姓名和角色。仅审计管理员可用，其他角色 403（该拒绝本身记入审计日志）；每次查询记入审计日志（audit.search）。',
        querystring: AuditSearchQuery,
        response: { 200: AuditEventPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => searchAudit(ctx, req.query, actor(req)),
    });

    app.get('/audit/events/export', {
      config: { access: AUDIT },
      schema: {
        tags: TAGS,
        summary: '导出审计记录为 CSV（审计管理员）',
        description:
          '与查询相同的筛选，UTF-8（带 BOM，Excel 可直接打开）CSV，最多 10000 条（更多 422 AUDIT_EXPORT_TOO_LARGE）。患者姓名、地址已掩码。每小时导出次数受限（429 EXPORT_RATE_LIMITED，并告警安全管理员）；每次导出记入审计日志（audit.export）。',
        querystring: AuditExportQuery,
        response: {
          200: { description: 'CSV 文件', content: { 'text/csv': { schema: Type.String() } } },
          ...problems(400, 401, 403, 422, 429),
        },
      },
      handler: async (req, reply) => {
        const file = await exportAudit(ctx, req.query, actor(req));
        return reply
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'no-store')
          .type('text/csv; charset=utf-8')
          .send(file.body);
      },
    });

    app.get('/audit/verify', {
      config: { access: AUDIT },
      schema: {
        tags: TAGS,
        summary: '校验审计链（审计管理员）',
        description:
          '重新计算整条 SM3 哈希链（DJ-14、DJ-24）：ok、已入链与待入链的事件数、区块数；不完整时给出第一条有问题的事件和原因（篡改、删除、顺序改动）。每次校验记入审计日志（audit.verify）。',
        response: { 200: AuditVerifyResult, ...problems(401, 403) },
      },
      handler: async (req) => verifyAudit(ctx, actor(req)),
    });
  };
}
