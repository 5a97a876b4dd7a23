/**
 * The insurer's console, over HTTP ([7/12]): the daily reconciliation statement (对账单, JSON or CSV),
 * the settlement list and the fund statistics. Thin handlers: each calls one service function.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  FundStats,
  FundStatsQuery,
  ReconciliationQuery,
  ReconciliationStatement,
  SettlementPage,
  SettlementQuery,
} from '../../../shared/insurance.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { institutionCodes } from '../directory/directory.api.js';
import { guardExport } from '../security/export-guard.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { reconciliationStatement } from './reconciliation.service.js';
import { csvDisposition, statementCsv } from './reconciliation-csv.js';
import { listSettlements } from './settlements.service.js';
import { fundStats } from './stats.service.js';

const TAGS = ['insurance'];
const INSURER = ['insurer'] as const;

export function reconciliationRoutes(ctx: AppContext, rt: InsuranceRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/reconciliation', {
      config: { access: ['insurer', 'org_admin'] },
      schema: {
        tags: TAGS,
        summary: '机构日对账单（医保 3201/3202 与支付渠道逐笔核对）',
        description:
          '按机构和业务日（北京时间）对账：本方当日支付的订单和当日结算的医保结算，与医保平台的总账（3201）、明细（3202）及支付渠道的订单查询逐笔核对。' +
          '已有对账单时直接返回，没有时先对账；rerun=true 重新对账并替换原对账单。fundFen/accountFen/cashFen 为当日有效（已结算未撤销）医保结算的合计。' +
          'format=csv 返回 UTF-8（带 BOM）的 CSV 附件，每笔订单、每笔结算一行，含对账结果和差异原因。' +
          '医保经办可查看所有机构；机构管理员只能查看本机构（403 FORBIDDEN）。医保平台或支付渠道无应答时 503 INSURANCE_RECONCILIATION_UNAVAILABLE。' +
          'date 须为真实存在的日期（如 2025-02-30 返回 400 VALIDATION_FAILED）。每次查看（insurance.reconciliation_read）和导出 CSV（insurance.reconciliation_exported）都记入审计日志（DJ-12）。',
        querystring: ReconciliationQuery,
        response: {
          200: {
            description: '对账单（JSON），或 format=csv 时的 CSV 文件',
            content: {
              'application/json': { schema: ReconciliationStatement },
              'text/csv': { schema: Type.String() },
            },
          },
          ...problems(400, 401, 403, 404, 429, 503),
        },
      },
      handler: async (req, reply) => {
        const statement = await reconciliationStatement(ctx, rt, authOf(req), req.query, actorOf(req));
        if (req.query.format !== 'csv') return reply.type('application/json; charset=utf-8').send(statement);
        // DJ-30: exports are rate-limited per account (429 EXPORT_RATE_LIMITED beyond the hourly limit).
        await guardExport(ctx, actorOf(req), 'reconciliation_csv');
        const code =
          (await institutionCodes(ctx.db, [statement.institutionId])).get(statement.institutionId) ?? '';
        return reply
          .header('content-disposition', csvDisposition(statement, code))
          .header('cache-control', 'no-store')
          .type('text/csv; charset=utf-8')
          .send(await statementCsv(ctx.db, statement));
      },
    });

    app.get('/insurance/settlements', {
      config: { access: INSURER },
      schema: {
        tags: TAGS,
        summary: '医保结算列表（最新在前）',
        description:
          '每次结算（含结算中、失败、已撤销）及其分项；可按机构和申请结算的日期（北京时间，须为真实存在的日期）筛选，按游标分页。每次查看记入审计日志（insurance.settlements_listed，DJ-12）。',
        querystring: SettlementQuery,
        response: { 200: SettlementPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listSettlements(ctx, req.query, actorOf(req)),
    });

    app.get('/insurance/stats', {
      config: { access: INSURER },
      schema: {
        tags: TAGS,
        summary: '医保基金支付统计（按机构、按月、按类别）',
        description:
          '只计已结算且未撤销的结算，按结算日（北京时间）。from/to 须为真实存在的日期；默认最近 12 个月（含本月）；范围最长 60 个月。类别：甲类 A、乙类 B、丙类 C 药品，service 复诊诊查费，delivery 配送费。',
        querystring: FundStatsQuery,
        response: { 200: FundStats, ...problems(400, 401, 403) },
      },
      handler: async (req) => fundStats(ctx, req.query),
    });
  };
}
