/**
 * Results (检验) and examination reports (检查) of a patient (REC-3, SEC-1):
 * - GET /patients/{id}/observations?code=: the values of one or more measures for trend charts, with the
 *   reference range and the flag (↑ ↓), NEWEST FIRST and keyset-paged by `before` (a chart reverses the
 *   page it draws); lab values and vital signs under `labs`, examination measurements under `exams`;
 * - GET /patients/{id}/reports?kind=lab|exam: reports newest first, each with its results and the count of
 *   abnormal ones.
 * Each read is audited under the categories it returned (DJ-12).
 */
import type { Page } from '../../../shared/http.js';
import type { ObservationView, RecordCategory, ReportView } from '../../../shared/records.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/paging.js';
import { allowedCategories, auditReads } from './archive-reads.js';
import {
  type ObservationCategory,
  observationCategoriesFor,
  observationCategory,
  parseCodes,
  reportKindsFor,
} from './records.rules.js';
import { observationView, reportViews } from './records.views.js';

/** `before` as [instant, id]; anything else is a 400 naming the parameter (never a 500). */
export function beforeCursor(before: string | undefined): { at: Date; id: string } | undefined {
  try {
    const key = decodeCursor(before, ['instant', 'uuid'] as const);
    return key ? { at: new Date(key[0]), id: key[1] } : undefined;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw errors.validationFailed('query.before：分页游标无效', {
      fields: [{ field: 'query.before', message: '分页游标无效，请从第一页重新查询', keyword: 'cursor' }],
    });
  }
}

export interface ObservationQuery {
  code?: string;
  category?: ObservationCategory;
  before?: string;
  limit?: number;
}

export async function listObservations(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  query: ObservationQuery,
  actor: Actor,
): Promise<Page<ObservationView>> {
  const codes = parseCodes(query.code);
  if (codes === null)
    throw errors.validationFailed('query.code：指标编码无效', {
      fields: [
        {
          field: 'query.code',
          message: '指标编码由字母、数字和 . _ : - 组成，多个用逗号分隔',
          keyword: 'pattern',
        },
      ],
    });
  const after = beforeCursor(query.before);
  const limit = query.limit ?? 200;
  const now = ctx.clock.now();
  const wanted: RecordCategory[] = query.category ? [observationCategory(query.category)] : ['labs', 'exams'];
  const allowed = await allowedCategories(ctx, auth, patientId, wanted, now);
  let categories = observationCategoriesFor(new Set(allowed.keys()));
  if (query.category) categories = categories.filter((c) => c === query.category);
  const rows = await ctx.db
    .selectFrom('observation')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'cancelled')
    .where('category', 'in', categories)
    .$if(codes !== undefined, (q) => q.where('code', 'in', codes!))
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('effective_at', '<', after!.at),
          eb.and([eb('effective_at', '=', after!.at), eb('id', '<', after!.id)]),
        ]),
      ),
    )
    .orderBy('effective_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  await auditReads(ctx, actor, patientId, allowed, 'observations', 'app', now);
  return {
    items: page.map(observationView),
    nextCursor: rows.length > limit && last ? encodeCursor([last.effective_at.toISOString(), last.id]) : null,
  };
}

export interface ReportQuery {
  kind?: 'lab' | 'exam';
  before?: string;
  limit?: number;
}

export async function listReports(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  query: ReportQuery,
  actor: Actor,
): Promise<Page<ReportView>> {
  const after = beforeCursor(query.before);
  const limit = query.limit ?? 20;
  const now = ctx.clock.now();
  const wanted: RecordCategory[] =
    query.kind === 'lab' ? ['labs'] : query.kind === 'exam' ? ['exams'] : ['labs', 'exams'];
  const allowed = await allowedCategories(ctx, auth, patientId, wanted, now);
  const kinds = reportKindsFor(new Set(allowed.keys()), query.kind);
  const rows = await ctx.db
    .selectFrom('diagnostic_report')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'cancelled')
    .where('kind', 'in', kinds)
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('effective_at', '<', after!.at),
          eb.and([eb('effective_at', '=', after!.at), eb('id', '<', after!.id)]),
        ]),
      ),
    )
    .orderBy('effective_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  await auditReads(ctx, actor, patientId, allowed, 'reports', 'app', now);
  return {
    items: await reportViews(ctx.db, page),
    nextCursor: rows.length > limit && last ? encodeCursor([last.effective_at.toISOString(), last.id]) : null,
  };
}
