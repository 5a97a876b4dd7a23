/**
 * The insurer's list of settlements ([7/12], INS-4: the bills it audits): every settlement attempt with its split and lines, newest
 * first, keyset-paged by (requested_at, id); by institution and by day (Asia/Shanghai) of the request.
 * Names come from identity and directory by ids, one query each per page. Each page read is audited (DJ-12).
 */
import type { Settlement, SplitLine } from '../../../shared/insurance.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AppContext } from '../../platform/context.js';
import { cutPage, DEFAULT_LIMIT, decodeCursor, olderThan, type Page } from '../../platform/paging.js';
import { institutionFacts } from '../directory/directory.api.js';
import { patientNames } from '../identity/identity.api.js';
import { requireDays } from './business-day.js';
import { dayBounds } from './reconciliation.service.js';

export async function listSettlements(
  ctx: AppContext,
  query: { institutionId?: string; date?: string; cursor?: string; limit?: number },
  actor: Actor,
): Promise<Page<Settlement>> {
  requireDays({ 'querystring.date': query.date });
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  let q = ctx.db
    .selectFrom('insurance_settlement')
    .select([
      'id',
      'order_id',
      'patient_id',
      'institution_id',
      'scheme',
      'status',
      'total_fen',
      'fund_fen',
      'account_fen',
      'cash_fen',
      'policy_version',
      'platform_setl_id',
      'requested_at',
      'settled_at',
      'reversed_at',
    ])
    .orderBy('requested_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (query.institutionId) q = q.where('institution_id', '=', query.institutionId);
  if (query.date) {
    const [from, to] = dayBounds(query.date);
    q = q.where('requested_at', '>=', from).where('requested_at', '<', to);
  }
  q = q.where(olderThan('requested_at', after));
  const page = cutPage(await q.execute(), limit, (r) => [r.requested_at.toISOString(), r.id]);
  const ids = page.rows.map((r) => r.id);
  const lineRows =
    ids.length === 0
      ? []
      : await ctx.db
          .selectFrom('insurance_settlement_line')
          .selectAll()
          .where('settlement_id', 'in', ids)
          .orderBy('settlement_id')
          .orderBy('line')
          .execute();
  const lines = new Map<string, SplitLine[]>();
  for (const l of lineRows) {
    const list = lines.get(l.settlement_id) ?? [];
    list.push({
      item: l.item_name,
      category: l.category,
      totalFen: l.total_fen,
      fundFen: l.fund_fen,
      accountFen: l.account_fen,
      cashFen: l.cash_fen,
    });
    lines.set(l.settlement_id, list);
  }
  const patients = await patientNames(
    ctx.db,
    page.rows.map((r) => r.patient_id),
  );
  const institutions = await institutionFacts(
    ctx.db,
    page.rows.map((r) => r.institution_id),
  );
  // DJ-12: the list names patients and their claims, so each page read is audited, like the alert list;
  // the details say what was asked and how much came back, never who (the rows name the patients).
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'insurance.settlements_listed',
      resourceType: 'insurance_settlement',
      details: {
        institutionId: query.institutionId ?? null,
        date: query.date ?? null,
        cursor: query.cursor !== undefined,
        count: page.rows.length,
      },
    },
    ctx.clock.now(),
  );
  return {
    items: page.rows.map((r) => ({
      id: r.id,
      orderId: r.order_id,
      patientId: r.patient_id,
      patientName: patients.get(r.patient_id) ?? '',
      institutionId: r.institution_id,
      institutionName: institutions.get(r.institution_id)?.name ?? '',
      scheme: r.scheme as Settlement['scheme'],
      status: r.status,
      totalFen: r.total_fen,
      fundFen: r.fund_fen,
      accountFen: r.account_fen,
      cashFen: r.cash_fen,
      policyVersion: r.policy_version,
      platformSettlementId: r.platform_setl_id,
      requestedAt: r.requested_at.toISOString(),
      settledAt: r.settled_at?.toISOString() ?? null,
      reversedAt: r.reversed_at?.toISOString() ?? null,
      lines: lines.get(r.id) ?? [],
    })),
    nextCursor: page.nextCursor,
  };
}
