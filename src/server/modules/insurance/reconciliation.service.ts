/**
 * 对账 ([7/12]): the daily statement of one institution — gathered from our tables, the insurance
 * platform (3201 totals, 3202 details) and the payment gateway (query per paid order), matched by
 * reconciliation.rules.ts, stored one per institution and business day (a rerun replaces it), audited
 * (DJ-12). INS-4: the insurer checks what the fund paid against what each institution sold.
 * The remote calls are made outside any transaction; only the store is a command.
 */
import { sql } from 'kysely';
import type { Mismatch, ReconciliationStatement } from '../../../shared/insurance.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { institutionCodes, institutionFacts } from '../directory/directory.api.js';
import { ordersByIds, ordersPaidAt, type ReconciledOrder } from '../payments/payments.api.js';
import { requireDays } from './business-day.js';
import { insuranceErrors } from './insurance.errors.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import type { PlatformSettlementDetail } from './platform.js';
import { shanghaiDay } from './policy-store.js';
import { type GatewayAnswer, type OurSettlement, reconcileDay } from './reconciliation.rules.js';

const DAY_MS = 86_400_000;

/** The instants a business day (Asia/Shanghai, UTC+8 without daylight saving) runs between: [start, next). */
export function dayBounds(date: string): [Date, Date] {
  const from = new Date(`${date}T00:00:00+08:00`);
  return [from, new Date(from.getTime() + DAY_MS)];
}

/** The day before (`YYYY-MM-DD`). */
export function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** How many gateway queries run at once (a day of one institution is a few hundred orders at most). */
const GATEWAY_PARALLEL = 4;

const SETTLEMENT_COLUMNS = [
  'id',
  'order_id',
  'status',
  'msg_id',
  'platform_setl_id',
  'total_fen',
  'fund_fen',
  'account_fen',
  'cash_fen',
  'settled_at',
] as const;

type SettlementRow = {
  id: string;
  order_id: string;
  status: OurSettlement['status'];
  msg_id: string;
  platform_setl_id: string | null;
  total_fen: number;
  fund_fen: number;
  account_fen: number;
  cash_fen: number;
  settled_at: Date | null;
};

const ourSettlement = (r: SettlementRow): OurSettlement => ({
  id: r.id,
  orderId: r.order_id,
  status: r.status,
  msgId: r.msg_id,
  platformSetlId: r.platform_setl_id,
  totalFen: r.total_fen,
  fundFen: r.fund_fen,
  accountFen: r.account_fen,
  cashFen: r.cash_fen,
  settledAt: r.settled_at,
});

/** Our settlements of an institution settled in [from, to) (index insurance_settlement_institution). */
export async function settlementsSettledAt(
  db: Executor,
  institutionId: string,
  from: Date,
  to: Date,
): Promise<OurSettlement[]> {
  const rows = await db
    .selectFrom('insurance_settlement')
    .select(SETTLEMENT_COLUMNS)
    .where('institution_id', '=', institutionId)
    .where('settled_at', '>=', from)
    .where('settled_at', '<', to)
    .orderBy('settled_at')
    .orderBy('id')
    .execute();
  return rows.map(ourSettlement);
}

/** Our settlements named by id, our message id or the platform's settlement id (any day, any status). */
async function settlementsNamed(
  db: Executor,
  institutionId: string,
  ids: string[],
  details: PlatformSettlementDetail[],
): Promise<OurSettlement[]> {
  const msgIds = details.map((d) => d.msgId);
  const setlIds = details.map((d) => d.setlId);
  if (ids.length + msgIds.length === 0) return [];
  const rows = await db
    .selectFrom('insurance_settlement')
    .select(SETTLEMENT_COLUMNS)
    .where((eb) =>
      eb.or([
        ...(ids.length > 0 ? [eb('id', 'in', ids)] : []),
        ...(msgIds.length > 0
          ? [
              eb.and([
                eb('institution_id', '=', institutionId),
                eb.or([eb('msg_id', 'in', msgIds), eb('platform_setl_id', 'in', setlIds)]),
              ]),
            ]
          : []),
      ]),
    )
    .execute();
  return rows.map(ourSettlement);
}

/** The gateway's answer for each order with a cash part, a few queries at a time. */
async function gatewayAnswers(
  rt: InsuranceRuntime,
  orders: ReconciledOrder[],
): Promise<Map<string, GatewayAnswer>> {
  const out = new Map<string, GatewayAnswer>();
  const queue = orders.filter((o) => o.cashFen > 0);
  const worker = async () => {
    for (let o = queue.shift(); o; o = queue.shift()) {
      const gateway = rt.payments.gateways.get(o.channel ?? '');
      if (!gateway) {
        out.set(o.id, { state: 'no_gateway' });
        continue;
      }
      try {
        out.set(o.id, await gateway.query(o.id));
      } catch (err) {
        throw insuranceErrors.reconciliationUnavailable(
          `支付渠道 ${gateway.channel} 没有应答订单查询（${(err as Error).message}）；本次未生成对账单。`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: GATEWAY_PARALLEL }, worker));
  return out;
}

/** What a run produced, before it is stored. */
export interface StatementDraft {
  institutionId: string;
  date: string;
  status: 'balanced' | 'mismatched';
  orders: number;
  settlements: number;
  payments: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  mismatches: Mismatch[];
}

/** Gathers both sides of (institution, day) and matches them. Remote calls only: nothing is written. */
export async function draftStatement(
  ctx: AppContext,
  rt: InsuranceRuntime,
  institutionId: string,
  date: string,
): Promise<StatementDraft> {
  const code = (await institutionCodes(ctx.db, [institutionId])).get(institutionId);
  if (!code) throw errors.notFound('机构');
  const [from, to] = dayBounds(date);
  const orders = await ordersPaidAt(ctx.db, institutionId, from, to);
  const settlements = await settlementsSettledAt(ctx.db, institutionId, from, to);

  let platform: Awaited<ReturnType<typeof platformDay>>;
  try {
    platform = await platformDay(rt, code, date);
  } catch (err) {
    throw insuranceErrors.reconciliationUnavailable(
      `医保平台没有应答 3201/3202 对账查询（${(err as Error).message}）；本次未生成对账单。`,
    );
  }
  const related = new Map(
    (
      await settlementsNamed(
        ctx.db,
        institutionId,
        orders.flatMap((o) => (o.insuranceSettlementId ? [o.insuranceSettlementId] : [])),
        platform.details,
      )
    ).map((s) => [s.id, s]),
  );
  const settlementOrders = await ordersByIds(
    ctx.db,
    settlements.map((s) => s.orderId),
  );
  const gateway = await gatewayAnswers(rt, orders);
  const result = reconcileDay({
    orders,
    settlements,
    related,
    settlementOrders,
    platformTotals: platform.totals,
    platformDetails: platform.details,
    gateway,
  });
  return {
    institutionId,
    date,
    status: result.status,
    orders: result.orders,
    settlements: result.settlements,
    payments: result.payments,
    fundFen: result.totals.fundFen,
    accountFen: result.totals.accountFen,
    cashFen: result.totals.cashFen,
    mismatches: result.mismatches,
  };
}

async function platformDay(rt: InsuranceRuntime, institutionCode: string, date: string) {
  // Each request its own message id, never reused (platform.ts).
  const totals = await rt.platform.dailyTotals({ msgId: newId(), institutionCode, date });
  const details = await rt.platform.dailyDetails({ msgId: newId(), institutionCode, date });
  return { totals, details };
}

/**
 * Stores a draft as the statement of (institution, day), replacing an earlier one, and audits the run.
 * Runs for one (institution, day) queue on an advisory lock; with `unlessRunSince`, a statement run at
 * or after that instant (another node's nightly run) is kept and nothing is written: answers false.
 */
export async function storeStatement(
  ctx: AppContext,
  actor: Actor,
  draft: StatementDraft,
  runBy: string,
  opts: { unlessRunSince?: Date } = {},
): Promise<boolean> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    await sql`select pg_advisory_xact_lock(hashtextextended(${`reconciliation:${draft.institutionId}:${draft.date}`}, 0))`.execute(
      trx,
    );
    if (opts.unlessRunSince) {
      const done = await trx
        .selectFrom('reconciliation_statement')
        .select('run_at')
        .where('institution_id', '=', draft.institutionId)
        .where('business_date', '=', draft.date)
        .where('run_at', '>=', opts.unlessRunSince)
        .executeTakeFirst();
      if (done) return false;
    }
    const values = {
      status: draft.status,
      orders: draft.orders,
      settlements: draft.settlements,
      payments: draft.payments,
      fund_fen: draft.fundFen,
      account_fen: draft.accountFen,
      cash_fen: draft.cashFen,
      mismatches: JSON.stringify(draft.mismatches),
      run_by: runBy,
      run_at: now,
    };
    const row = await trx
      .insertInto('reconciliation_statement')
      .values({ id: newId(), institution_id: draft.institutionId, business_date: draft.date, ...values })
      .onConflict((oc) => oc.columns(['institution_id', 'business_date']).doUpdateSet(values))
      .returning('id')
      .executeTakeFirstOrThrow();
    await cmd.audit({
      action: 'insurance.reconciliation.run',
      resourceType: 'reconciliation_statement',
      resourceId: row.id,
      details: {
        institutionId: draft.institutionId,
        date: draft.date,
        status: draft.status,
        mismatches: draft.mismatches.length,
        causes: [...new Set(draft.mismatches.map((m) => m.cause))],
        runBy,
      },
    });
    return true;
  });
}

/** The stored statement of (institution, day) with its row id, or undefined. */
async function storedStatementRow(
  db: Executor,
  institutionId: string,
  date: string,
): Promise<{ id: string; statement: ReconciliationStatement } | undefined> {
  const row = await db
    .selectFrom('reconciliation_statement')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('business_date', '=', date)
    .executeTakeFirst();
  if (!row) return undefined;
  const name = (await institutionFacts(db, [institutionId])).get(institutionId)?.name ?? '';
  return {
    id: row.id,
    statement: {
      institutionId,
      institutionName: name,
      date: row.business_date,
      status: row.status,
      orders: row.orders,
      settlements: row.settlements,
      payments: row.payments,
      fundFen: Number(row.fund_fen),
      accountFen: Number(row.account_fen),
      cashFen: Number(row.cash_fen),
      mismatches: row.mismatches as unknown as Mismatch[],
      runBy: row.run_by,
      runAt: row.run_at.toISOString(),
    },
  };
}

/** The stored statement of (institution, day), or undefined. */
export async function storedStatement(
  db: Executor,
  institutionId: string,
  date: string,
): Promise<ReconciliationStatement | undefined> {
  return (await storedStatementRow(db, institutionId, date))?.statement;
}

/**
 * The insurer's view (and an institution's own, for its org_admin): the stored statement, run first when
 * there is none yet or `rerun` asks for a fresh one. Every answer is audited (DJ-12): a read as
 * `insurance.reconciliation_read`, the CSV (which lists every order and settlement of the day) as
 * `insurance.reconciliation_exported`; a run is audited besides, by storeStatement. The details name the
 * statement's institution, day and outcome only, never an order or a person.
 */
export async function reconciliationStatement(
  ctx: AppContext,
  rt: InsuranceRuntime,
  auth: AuthContext,
  query: { institutionId: string; date: string; rerun?: boolean; format?: 'json' | 'csv' },
  actor: Actor,
): Promise<ReconciliationStatement> {
  // An institution's administrator sees (and may run) its own statements only; the insurer all.
  if (!auth.roles.includes('insurer') && auth.institutionId !== query.institutionId)
    throw errors.forbidden('机构管理员只能查看本机构的对账单。');
  requireDays({ 'querystring.date': query.date });
  if (query.date > shanghaiDay(ctx.clock.now()))
    throw errors.validationFailed('querystring.date：对账日期不能晚于今天（北京时间）。', {
      fields: [{ field: 'querystring.date', message: '不能晚于今天' }],
    });
  let stored = query.rerun ? undefined : await storedStatementRow(ctx.db, query.institutionId, query.date);
  if (!stored) {
    const draft = await draftStatement(ctx, rt, query.institutionId, query.date);
    await storeStatement(ctx, actor, draft, auth.accountId);
    stored = (await storedStatementRow(ctx.db, query.institutionId, query.date))!;
  }
  const { id, statement } = stored;
  const csv = query.format === 'csv';
  await recordAudit(
    ctx.db,
    actor,
    {
      action: csv ? 'insurance.reconciliation_exported' : 'insurance.reconciliation_read',
      resourceType: 'reconciliation_statement',
      resourceId: id,
      details: {
        institutionId: statement.institutionId,
        date: statement.date,
        status: statement.status,
        mismatches: statement.mismatches.length,
        runAt: statement.runAt,
        format: csv ? 'csv' : 'json',
      },
    },
    ctx.clock.now(),
  );
  return statement;
}
