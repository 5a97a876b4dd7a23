/**
 * GET /patients/{id}/timeline (REC-3, SEC-1): one list of encounters (online and offline), diagnoses,
 * prescriptions and dispensings, lab reports and examination reports, newest first. Each kind is its own
 * keyset range on its own index, merged here (records.rules `sourceBound`, `mergeTimeline`), so paging by
 * the opaque cursor has no duplicates or gaps while new entries arrive. Kinds whose category the reader may
 * not see are not asked for at all.
 */
import type { Page } from '../../../shared/http.js';
import type { RecordCategory, TimelineEntry } from '../../../shared/records.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import { decodeCursor, encodeCursor, olderThan } from '../../platform/paging.js';
import { departmentFacts } from '../directory/directory.api.js';
import { type MedicationEvent, patientMedicationEvents } from '../prescriptions/prescriptions.api.js';
import { allowedCategories, auditReads } from './archive-reads.js';
import {
  ENCOUNTER_CLASS_ZH,
  effectiveFlag,
  isAbnormal,
  kindRank,
  mergeTimeline,
  reportCategory,
  sourceBound,
  type TimelineKey,
  type TimelineKind,
} from './records.rules.js';
import { institutionNames, practitionerNames } from './records.views.js';

type Bound = { at: Date; id: string } | undefined;

/** Rows past the cursor in the timeline's newest-first (time, id) order; every row on the first page. */
const before = (column: 'started_at' | 'recorded_at' | 'effective_at', bound: Bound) =>
  olderThan(column, bound && [bound.at, bound.id]);

const CATEGORY_OF: Record<TimelineKind, RecordCategory> = {
  encounter: 'encounters',
  diagnosis: 'diagnoses',
  prescription: 'medications',
  dispense: 'medications',
  lab_report: 'labs',
  exam_report: 'exams',
};

/** The `before` cursor: [instant, kind rank, id]; anything else is a 400 naming the parameter. */
function cursorOf(before: string | undefined): TimelineKey | undefined {
  try {
    const key = decodeCursor(before, ['instant', 'number', 'uuid'] as const);
    return key ? { at: new Date(key[0]), rank: key[1], id: key[2] } : undefined;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw errors.validationFailed('query.before：分页游标无效', {
      fields: [{ field: 'query.before', message: '分页游标无效，请从第一页重新查询', keyword: 'cursor' }],
    });
  }
}

/** An entry with its sort key: `at` is a Date here, ISO text in the answer. */
type Entry = Omit<TimelineEntry, 'at'> & TimelineKey;
type Shown = Pick<TimelineEntry, 'title' | 'subtitle' | 'institutionName' | 'channel' | 'abnormal'>;

const entry = (kind: TimelineKind, id: string, at: Date, shown: Shown, refId = id): Entry => ({
  key: `${kind}:${id}`,
  kind,
  category: CATEGORY_OF[kind],
  refId,
  ...shown,
  at,
  rank: kindRank(kind),
  id,
});

/** Whether the reader may see a category (an encounter's or a prescription's diagnoses are `diagnoses`). */
type Sees = (category: RecordCategory) => boolean;

async function encounters(
  db: Executor,
  patientId: string,
  bound: Bound,
  limit: number,
  sees: Sees,
): Promise<Entry[]> {
  const rows = await db
    .selectFrom('encounter')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'cancelled')
    .where(before('started_at', bound))
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const [places, doctors, departments, dx] = await Promise.all([
    institutionNames(
      db,
      rows.map((r) => r.institution_id),
    ),
    practitionerNames(
      db,
      rows.map((r) => r.practitioner_id),
    ),
    departmentFacts(
      db,
      rows.flatMap((r) => (r.department_id ? [r.department_id] : [])),
    ),
    // The encounter's diagnoses only for a reader who may see diagnoses (SEC-1: an authorisation of
    // `encounters` alone does not show them).
    sees('diagnoses')
      ? db
          .selectFrom('diagnosis')
          .select(['encounter_id', 'name'])
          .where('patient_id', '=', patientId)
          .where(
            'encounter_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('recorded_at')
          .orderBy('id')
          .execute()
      : [],
  ]);
  return rows.map((r) => {
    const dept = r.department_id ? departments.get(r.department_id)?.name : undefined;
    const doctor = r.practitioner_id ? doctors.get(r.practitioner_id) : undefined;
    const names = dx.filter((d) => d.encounter_id === r.id).map((d) => d.name);
    const subtitle = [doctor ? `${doctor}医生` : null, names.join('、') || r.reason]
      .filter(Boolean)
      .join(' · ');
    return entry('encounter', r.id, r.started_at, {
      title: [dept, ENCOUNTER_CLASS_ZH[r.class] ?? r.class].filter(Boolean).join(' '),
      subtitle: subtitle || null,
      institutionName: places.get(r.institution_id) ?? null,
      channel: r.class === 'VR' ? 'online' : 'offline',
      abnormal: false,
    });
  });
}

async function diagnoses(db: Executor, patientId: string, bound: Bound, limit: number): Promise<Entry[]> {
  const rows = await db
    .selectFrom('diagnosis')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where(before('recorded_at', bound))
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const [places, doctors] = await Promise.all([
    institutionNames(
      db,
      rows.map((r) => r.institution_id),
    ),
    practitionerNames(
      db,
      rows.map((r) => r.practitioner_id),
    ),
  ]);
  return rows.map((r) => {
    const doctor = r.practitioner_id ? doctors.get(r.practitioner_id) : undefined;
    return entry(
      'diagnosis',
      r.id,
      r.recorded_at,
      {
        title: `${r.name}（${r.icd10}）`,
        subtitle:
          [r.chronic ? '慢病' : null, doctor ? `${doctor}医生` : null].filter(Boolean).join(' · ') || null,
        institutionName: r.institution_id ? (places.get(r.institution_id) ?? null) : null,
        channel: null,
        abnormal: false,
      },
      r.encounter_id ?? r.id,
    );
  });
}

async function reports(
  db: Executor,
  patientId: string,
  kind: 'lab_report' | 'exam_report',
  bound: Bound,
  limit: number,
): Promise<Entry[]> {
  const rows = await db
    .selectFrom('diagnostic_report')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'cancelled')
    .where('kind', kind === 'lab_report' ? '=' : '<>', 'lab')
    .where(before('effective_at', bound))
    .orderBy('effective_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [places, flags] = await Promise.all([
    institutionNames(
      db,
      rows.map((r) => r.institution_id),
    ),
    db
      .selectFrom('observation')
      .select(['report_id', 'flag', 'value_num', 'ref_low', 'ref_high'])
      .where('report_id', 'in', ids)
      .where('status', '<>', 'cancelled')
      .execute(),
  ]);
  const abnormal = new Map<string, number>();
  for (const o of flags) {
    if (isAbnormal(effectiveFlag(o.flag, o.value_num, o.ref_low, o.ref_high)))
      abnormal.set(o.report_id!, (abnormal.get(o.report_id!) ?? 0) + 1);
  }
  return rows.map((r) => {
    const n = abnormal.get(r.id) ?? 0;
    const subtitle =
      reportCategory(r.kind) === 'labs' ? (n > 0 ? `${n} 项异常` : '结果正常') : (r.conclusion ?? null);
    return entry(kind, r.id, r.effective_at, {
      title: r.name,
      subtitle,
      institutionName: r.institution_id ? (places.get(r.institution_id) ?? null) : null,
      channel: null,
      abnormal: n > 0,
    });
  });
}

async function medications(
  db: Executor,
  patientId: string,
  kind: 'prescription' | 'dispense',
  bound: Bound,
  limit: number,
  sees: Sees,
): Promise<Entry[]> {
  const events = await patientMedicationEvents(db, patientId, kind, bound, limit);
  if (events.length === 0) return [];
  const places = await institutionNames(
    db,
    events.map((e) => e.institutionId),
  );
  const drugs = (e: MedicationEvent) =>
    e.drugs.length <= 2
      ? e.drugs.map((d) => d.genericName).join('、')
      : `${e.drugs[0]!.genericName} 等 ${e.drugs.length} 种药品`;
  return events.map((e) =>
    entry(
      kind,
      e.id,
      e.at,
      {
        title: kind === 'prescription' ? `处方：${drugs(e)}` : `取药：${drugs(e)}`,
        subtitle:
          kind === 'prescription'
            ? (sees('diagnoses') && e.diagnoses.map((d) => d.name).join('、')) || null
            : e.method === 'delivery'
              ? '配送到家'
              : '到店自取',
        institutionName: places.get(e.institutionId) ?? null,
        channel: null,
        abnormal: false,
      },
      e.prescriptionId,
    ),
  );
}

const SOURCES: Record<
  TimelineKind,
  (db: Executor, patientId: string, bound: Bound, limit: number, sees: Sees) => Promise<Entry[]>
> = {
  encounter: encounters,
  diagnosis: diagnoses,
  prescription: (db, p, b, l, sees) => medications(db, p, 'prescription', b, l, sees),
  dispense: (db, p, b, l, sees) => medications(db, p, 'dispense', b, l, sees),
  lab_report: (db, p, b, l) => reports(db, p, 'lab_report', b, l),
  exam_report: (db, p, b, l) => reports(db, p, 'exam_report', b, l),
};

export async function getTimeline(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  query: { before?: string; limit?: number },
  actor: Actor,
): Promise<Page<TimelineEntry>> {
  const cursor = cursorOf(query.before);
  const limit = query.limit ?? 20;
  const now = ctx.clock.now();
  const categories = [...new Set(Object.values(CATEGORY_OF))];
  const allowed = await allowedCategories(ctx, auth, patientId, categories, now);
  const kinds = (Object.keys(SOURCES) as TimelineKind[]).filter((k) => allowed.has(CATEGORY_OF[k]));
  const sees: Sees = (c) => allowed.has(c);
  const sources = await Promise.all(
    kinds.map((k) =>
      SOURCES[k](ctx.db, patientId, cursor ? sourceBound(cursor, kindRank(k)) : undefined, limit + 1, sees),
    ),
  );
  const { page, more } = mergeTimeline(sources, limit);
  const last = page.at(-1);
  // Audited under each category the reader may see (the timeline shows them all, page after page).
  await auditReads(
    ctx,
    actor,
    patientId,
    new Map([...allowed].filter(([c]) => kinds.some((k) => CATEGORY_OF[k] === c))),
    'timeline',
    'app',
    now,
  );
  return {
    items: page.map(({ rank: _rank, id: _id, at, ...e }) => ({ ...e, at: at.toISOString() })),
    nextCursor: more && last ? encodeCursor([last.at.toISOString(), last.rank, last.id]) : null,
  };
}
