import type { Actor } from '../../platform/audit/audit.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { cutPage, DEFAULT_LIMIT, decodeCursor, type Page } from '../../platform/paging.js';
import { directoryErrors } from './directory.errors.js';
import { likeContains } from './directory.rules.js';
import { type InstitutionView, institutionQuery, institutionViews } from './directory.store.js';

export interface InstitutionFilter {
  type?: string;
  level?: string;
  district?: string;
  status?: string;
  isChildrens?: boolean;
  q?: string;
  cursor?: string;
  limit?: number;
}

/**
 * The public list of institutions (no login; not patient data, so not audited), by code. With a type
 * (and level) filter, institution_type_level_code serves filter and order; the other filters narrow
 * that range — a region has hundreds of institutions, not millions.
 */
export async function listInstitutions(
  ctx: AppContext,
  f: InstitutionFilter,
): Promise<Page<InstitutionView>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(f.cursor, ['string']);
  let q = institutionQuery(ctx.db);
  if (f.type) q = q.where('i.type', '=', f.type);
  if (f.level) q = q.where('i.level', '=', f.level);
  if (f.district) q = q.where('i.district', '=', f.district);
  if (f.status) q = q.where('i.status', '=', f.status);
  if (f.isChildrens !== undefined) q = q.where('i.is_childrens', '=', f.isChildrens);
  const keyword = f.q?.trim();
  if (keyword) {
    const like = likeContains(keyword);
    q = q.where((eb) => eb.or([eb('i.name', 'ilike', like), eb('i.short_name', 'ilike', like)]));
  }
  if (after) q = q.where('i.code', '>', after[0]);
  const rows = await q
    .orderBy('i.code')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.code]);
  return { items: await institutionViews(ctx.db, page.rows), nextCursor: page.nextCursor };
}

export async function getInstitution(ctx: AppContext, id: string): Promise<InstitutionView> {
  const row = await institutionQuery(ctx.db).where('i.id', '=', id).executeTakeFirst();
  if (!row) throw errors.notFound('机构');
  return (await institutionViews(ctx.db, [row]))[0]!;
}

/**
 * ORG-5: the regulator suspends an institution; none of its doctors can then be booked (the
 * scheduling module checks institution.status) and the directory shows them as not bookable.
 */
export async function setInstitutionStatus(
  ctx: AppContext,
  id: string,
  change: { suspend: true; reason: string } | { suspend: false },
  actor: Actor,
): Promise<InstitutionView> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const row = await trx
      .selectFrom('institution')
      .select(['id', 'status'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw errors.notFound('机构');
    if (change.suspend && row.status === 'suspended') {
      throw directoryErrors.alreadySuspended('该机构已处于暂停状态。');
    }
    if (!change.suspend && row.status !== 'suspended') {
      throw directoryErrors.notSuspended('该机构未被暂停，无需恢复。');
    }
    await trx
      .updateTable('institution')
      .set(
        change.suspend
          ? { status: 'suspended', suspended_at: now, suspension_reason: change.reason }
          : { status: 'active', suspended_at: null, suspension_reason: null },
      )
      .where('id', '=', id)
      .execute();
    await audit({
      action: change.suspend ? 'institution.suspend' : 'institution.reinstate',
      resourceType: 'institution',
      resourceId: id,
      details: change.suspend ? { reason: change.reason } : {},
    });
  });
  return getInstitution(ctx, id);
}
