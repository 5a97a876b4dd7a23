import { shanghaiDate } from '../../../shared/identity.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { cutPage, DEFAULT_LIMIT, decodeCursor, type Page } from '../../platform/paging.js';
import { hasOpenSession } from '../scheduling/scheduling.api.js';
import { likeContains, type ScheduleMode, TITLE_ORDER, type Title } from './directory.rules.js';
import { type PractitionerView, practitionerQuery, practitionerViews } from './directory.store.js';

export interface DoctorFilter {
  institutionId?: string;
  departmentId?: string;
  title?: Title;
  /** YYYY-MM-DD: only doctors with an open session that day. */
  date?: string;
  mode?: ScheduleMode;
  q?: string;
  cursor?: string;
  limit?: number;
}

/**
 * The public doctor search (no login; not patient data, so not audited). Order: title (chief first),
 * name, id — the partial index practitioner_doctor_order, so a page is one range scan after the
 * cursor. An institution or department filter takes its candidates from the registered-site and
 * multi-site indexes (a department has tens of doctors) and sorts those.
 *
 * Suspended doctors (ORG-5) stay listed, flagged, with no next available session.
 */
export async function searchDoctors(ctx: AppContext, f: DoctorFilter): Promise<Page<PractitionerView>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(f.cursor, ['number', 'string', 'uuid']);
  const now = ctx.clock.now();
  let q = practitionerQuery(ctx.db).where('p.kind', '=', 'doctor');
  // 多点执业 (ORG-2): a doctor filed at another site is found there too.
  if (f.institutionId) {
    const id = f.institutionId;
    q = q.where('p.id', 'in', (eb) =>
      eb
        .selectFrom('practitioner')
        .select('id')
        .where('institution_id', '=', id)
        .union(
          eb.selectFrom('practitioner_site').select('practitioner_id as id').where('institution_id', '=', id),
        ),
    );
  }
  if (f.departmentId) {
    const id = f.departmentId;
    q = q.where('p.id', 'in', (eb) =>
      eb
        .selectFrom('practitioner')
        .select('id')
        .where('department_id', '=', id)
        .union(
          eb.selectFrom('practitioner_site').select('practitioner_id as id').where('department_id', '=', id),
        ),
    );
  }
  // The title as its sort key, so the order index serves the filter too.
  if (f.title) q = q.where('p.title_order', '=', TITLE_ORDER[f.title]);
  const keyword = f.q?.trim();
  if (keyword) {
    const like = likeContains(keyword);
    q = q.where((eb) =>
      eb.or([eb('p.name', 'ilike', like), eb('p.specialty', 'ilike', like), eb('d.name', 'ilike', like)]),
    );
  }
  if (f.date || f.mode) {
    // An open session that day / in that mode (from today on when no date is given), at the site and
    // department asked for when the search names one: schedule_practitioner_date serves it.
    const { date, mode, institutionId, departmentId } = f;
    q = q.where((eb) =>
      hasOpenSession(eb.ref('p.id'), { date, today: shanghaiDate(now), mode, institutionId, departmentId }),
    );
  }
  if (after) {
    q = q.where((eb) =>
      eb(eb.refTuple('p.title_order', 'p.name', 'p.id'), '>', eb.tuple(after[0], after[1], after[2])),
    );
  }
  const rows = await q
    .orderBy('p.title_order')
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.title_order, r.name, r.id]);
  return {
    items: await practitionerViews(ctx.db, page.rows, { now, mode: f.mode }),
    nextCursor: page.nextCursor,
  };
}

/** One doctor of the public directory; nurses and pharmacists are not listed (404). */
export async function getDoctor(ctx: AppContext, id: string): Promise<PractitionerView> {
  const row = await practitionerQuery(ctx.db)
    .where('p.id', '=', id)
    .where('p.kind', '=', 'doctor')
    .executeTakeFirst();
  if (!row) throw errors.notFound('医生');
  return (await practitionerViews(ctx.db, [row], { now: ctx.clock.now() }))[0]!;
}

/** Any practitioner (doctor, nurse, pharmacist): the answer of the management routes. */
export async function getPractitioner(ctx: AppContext, id: string): Promise<PractitionerView> {
  const row = await practitionerQuery(ctx.db).where('p.id', '=', id).executeTakeFirst();
  if (!row) throw errors.notFound('医务人员');
  return (await practitionerViews(ctx.db, [row], { now: ctx.clock.now() }))[0]!;
}
