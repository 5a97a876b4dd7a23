/**
 * Reading visits: one visit, the lists (the patient's visits, a practitioner's queue and history, an
 * institution's and the regulator's with names masked), a doctor's view of the patient's history, and the
 * record templates of a department. Every read of clinical data is audited (VISIT-5).
 */
import type {
  PatientHistory,
  RecordContent,
  RecordTemplate,
  VisitListQuery,
  VisitPage,
  VisitType,
  VisitView,
} from '../../../shared/visits.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import {
  departmentFacts,
  institutionFacts,
  practitionerFacts,
  practitionerProfiles,
} from '../directory/directory.api.js';
import { patientsOfAccount } from '../identity/identity.api.js';
import { shanghaiInstant } from '../scheduling/schedule.rules.js';
import { departmentOf } from './doctor-eligibility.js';
import { recordTemplatesFor } from './record-templates.js';
import { participantRole, requireDoctor, viewerRole } from './visit-access.js';
import { type VisitQuery, visitKeys, visitViews } from './visit-store.js';

const notFoundVisit = () => errors.notFound('问诊');

export async function getVisit(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<VisitView> {
  const v = await visitKeys(ctx.db, id);
  if (!v) throw notFoundVisit();
  const viewer = await viewerRole(ctx.db, auth, v);
  const [view] = await visitViews(ctx.db, (q) => q.where('v.id', '=', id), ctx.clock.now(), {
    mask: viewer === 'supervision' && !auth.roles.includes('org_admin'),
  });
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'visit.read',
      resourceType: 'visit',
      resourceId: id,
      patientId: v.patient_id,
      details: { viewer },
    },
    ctx.clock.now(),
  );
  return view!;
}

const OPEN = ['requested', 'paid', 'waiting', 'in_progress'];

export async function listVisits(
  ctx: AppContext,
  auth: AuthContext,
  query: VisitListQuery,
  actor: Actor,
): Promise<VisitPage> {
  const now = ctx.clock.now();
  const scope =
    query.scope ?? (auth.practitionerId ? 'queue' : auth.roles.includes('patient') ? 'mine' : 'institution');
  const limit = query.limit ?? 50;
  const withStatus = (q: VisitQuery) => {
    let r = q;
    if (query.status) r = r.where('v.status', '=', query.status);
    if (query.type) r = r.where('v.type', '=', query.type);
    if (query.from) r = r.where('v.created_at', '>=', shanghaiInstant(query.from, '00:00'));
    if (query.to)
      r = r.where('v.created_at', '<', new Date(shanghaiInstant(query.to, '00:00').getTime() + 86_400_000));
    if (query.before) r = r.where('v.created_at', '<', new Date(query.before));
    return r;
  };
  let views: VisitView[];
  if (scope === 'mine') {
    if (!auth.roles.includes('patient')) throw errors.forbidden();
    // The patients the account acts for: its own record and its active proxies (ID-6).
    const ids = (await patientsOfAccount(ctx.db, auth.accountId)).filter(
      (p) => !query.patientId || p === query.patientId,
    );
    if (ids.length === 0) return { items: [] };
    views = await visitViews(ctx.db, (q) => withStatus(q.where('v.patient_id', 'in', ids)), now, {
      limit: limit + 1,
    });
  } else if (scope === 'queue' || scope === 'history') {
    const me = auth.practitionerId;
    if (!me) throw errors.forbidden('只有医生和护士有接诊队列。');
    const dept = await practitionerFacts(ctx.db, me);
    if (!dept) throw errors.notFound('医生');
    const nurse = dept.kind === 'nurse';
    views = await visitViews(
      ctx.db,
      (q) =>
        withStatus(
          scope === 'queue'
            ? q.where((eb) =>
                eb.or([
                  eb.and([eb('v.practitioner_id', '=', me), eb('v.status', 'in', OPEN)]),
                  eb.and([
                    eb('v.practitioner_id', 'is', null),
                    eb('v.department_id', '=', dept.departmentId),
                    eb('v.status', '=', 'waiting'),
                    nurse
                      ? eb('v.type', '=', 'nursing_consultation')
                      : eb('v.type', '<>', 'nursing_consultation'),
                  ]),
                ]),
              )
            : q.where('v.practitioner_id', '=', me).where('v.status', 'not in', OPEN),
        ),
      now,
      { limit: scope === 'queue' ? 500 : limit + 1 },
    );
    if (scope === 'queue')
      views.sort(
        (a, b) =>
          statusRank(a.status) - statusRank(b.status) || (a.paidAt ?? '').localeCompare(b.paidAt ?? ''),
      );
  } else if (scope === 'institution') {
    if (!auth.roles.includes('org_admin') || !auth.institutionId) throw errors.forbidden();
    const inst = auth.institutionId;
    views = await visitViews(ctx.db, (q) => withStatus(q.where('v.institution_id', '=', inst)), now, {
      limit: limit + 1,
    });
  } else {
    if (!auth.roles.includes('regulator')) throw errors.forbidden();
    views = await visitViews(ctx.db, (q) => withStatus(q), now, { mask: true, limit: limit + 1 });
  }
  await recordAudit(
    ctx.db,
    actor,
    { action: 'visit.list', resourceType: 'visit', details: { scope, count: views.length } },
    now,
  );
  if (scope !== 'queue' && views.length > limit) {
    const items = views.slice(0, limit);
    return { items, nextCursor: items[items.length - 1]!.createdAt };
  }
  return { items: views };
}

function statusRank(s: string): number {
  return ['in_progress', 'waiting', 'paid', 'requested'].indexOf(s);
}

/** One visit as the API shows it, read after a change (no audit: the change was audited). */
export async function viewOf(ctx: AppContext, id: string): Promise<VisitView> {
  const [v] = await visitViews(ctx.db, (q) => q.where('v.id', '=', id), ctx.clock.now());
  return v!;
}

export async function ensureParticipant(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
): Promise<boolean> {
  const v = await visitKeys(ctx.db, visitId);
  return !!v && (await participantRole(ctx.db, auth, v)) !== null;
}

/** What the doctor sees of the patient: offline diagnoses and earlier signed records at this institution. */
export async function patientHistory(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  actor: Actor,
): Promise<PatientHistory> {
  const v = await visitKeys(ctx.db, visitId);
  if (!v) throw notFoundVisit();
  await requireDoctor(ctx.db, auth, v);
  const offline = await ctx.db
    .selectFrom('offline_diagnosis')
    .select([
      'id',
      'icd10',
      'name',
      'diagnosed_at',
      'source',
      'institution_id',
      'department_id',
      'practitioner_id',
    ])
    .where('patient_id', '=', v.patient_id)
    .orderBy('diagnosed_at', 'desc')
    .execute();
  const records = await ctx.db
    .selectFrom('medical_record as r')
    .innerJoin('visit as vv', 'vv.id', 'r.visit_id')
    .select(['r.visit_id', 'r.signed_at', 'r.content', 'r.practitioner_id', 'vv.type'])
    .where('r.patient_id', '=', v.patient_id)
    .where('r.status', '=', 'signed')
    .where('vv.institution_id', '=', v.institution_id)
    .where('r.visit_id', '<>', visitId)
    .orderBy('r.signed_at', 'desc')
    .limit(50)
    .execute();
  const [institutions, departments, doctors] = await Promise.all([
    institutionFacts(
      ctx.db,
      offline.map((d) => d.institution_id),
    ),
    departmentFacts(
      ctx.db,
      offline.flatMap((d) => (d.department_id ? [d.department_id] : [])),
    ),
    practitionerProfiles(ctx.db, [
      ...offline.flatMap((d) => (d.practitioner_id ? [d.practitioner_id] : [])),
      ...records.map((r) => r.practitioner_id),
    ]),
  ]);
  await recordAudit(
    ctx.db,
    actor,
    { action: 'patient.history.read', resourceType: 'visit', resourceId: visitId, patientId: v.patient_id },
    ctx.clock.now(),
  );
  return {
    offlineDiagnoses: offline.map((d) => {
      const departmentName = d.department_id ? departments.get(d.department_id)?.name : undefined;
      const doctorName = d.practitioner_id ? doctors.get(d.practitioner_id)?.name : undefined;
      return {
        id: d.id,
        icd10: d.icd10,
        name: d.name,
        diagnosedAt: String(d.diagnosed_at),
        source: d.source,
        institutionName: institutions.get(d.institution_id)?.name ?? '',
        ...(departmentName ? { departmentName } : {}),
        ...(doctorName ? { doctorName } : {}),
      };
    }),
    records: records.map((r) => ({
      visitId: r.visit_id,
      type: r.type as VisitType,
      signedAt: r.signed_at!.toISOString(),
      doctorName: doctors.get(r.practitioner_id)?.name ?? '',
      chiefComplaint: String((r.content as Partial<RecordContent>).chiefComplaint ?? ''),
      diagnoses: (r.content as Partial<RecordContent>).diagnoses ?? [],
      advice: String((r.content as Partial<RecordContent>).advice ?? ''),
    })),
  };
}

/** GET /record-templates: the skeleton records of a department's specialty. */
export async function recordTemplatesOf(ctx: AppContext, departmentId: string): Promise<RecordTemplate[]> {
  const d = await departmentOf(ctx.db, departmentId);
  return recordTemplatesFor(d.specialty, d.name);
}
