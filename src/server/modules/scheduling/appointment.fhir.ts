/**
 * Appointments as FHIR ([6/12]): Appointment (预约挂号, patient data counted under `encounters`), and
 * `POST /fhir/R4/Appointment`, which books through [2/6]'s booking service — the same rules and refusal
 * codes as REST (FD-4, ORG-5, ID-1, ID-6: SLOT_FULL, DUPLICATE_BOOKING, NOT_YOUR_PATIENT…). Names only
 * scheduling's tables; names come from directory.api and identity.api.
 */
import type { Appointment, AppointmentParticipant } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  lastChange,
  pageOrder,
  ref,
  referencedIds,
  referenceParam,
  type SortKey,
  shanghaiDateTime,
  sortValueOf,
  specialtyConcept,
  versionMeta,
} from '../../fhir/datatypes.js';
import { fhirErrors } from '../../fhir/fhir.errors.js';
import { and, datesSql, isUuid, patientScope, uuidIn } from '../../fhir/sql.js';
import type { BookFromFhir, FhirEnv, FhirProvider, Found, ProviderQuery } from '../../fhir/types.js';
import { patientNames } from '../identity/identity.api.js';
import { book } from './booking.service.js';
import type { Channel } from './schedule.rules.js';
import { actorMatches, directoryNames, serviceType } from './sessions.fhir.js';

// --- Appointment --------------------------------------------------------------------------------------

/** Our appointment status as FHIR appointmentstatus (required binding). */
export const APPOINTMENT_STATUS: Record<string, Appointment['status']> = {
  pending_payment: 'pending',
  confirmed: 'booked',
  checked_in: 'arrived',
  completed: 'fulfilled',
  cancelled: 'cancelled',
  expired: 'cancelled',
  no_show: 'noshow',
};

const appointmentUpdated = lastChange(
  sql.ref('a.created_at'),
  sql.ref('a.cancelled_at'),
  sql.ref('a.checked_in_at'),
  sql`case when a.status = 'expired' then a.hold_until end`,
);

function appointmentRows(env: FhirEnv) {
  return env.db
    .selectFrom('appointment as a')
    .innerJoin('schedule as s', 's.id', 'a.schedule_id')
    .select([
      'a.id',
      'a.patient_id',
      'a.practitioner_id',
      'a.token_id',
      'a.status',
      'a.token_number',
      'a.window_start',
      'a.window_end',
      'a.cancel_reason',
      'a.created_at',
      's.department_id',
      's.institution_id',
      's.mode',
      appointmentUpdated.as('updated'),
    ]);
}
type AppointmentRow = Awaited<ReturnType<ReturnType<typeof appointmentRows>['execute']>>[number];

async function toAppointments(
  env: FhirEnv,
  rows: AppointmentRow[],
): Promise<(Appointment & { id: string })[]> {
  const [{ doctors, departments }, patients] = await Promise.all([
    directoryNames(
      env,
      rows.map((r) => r.practitioner_id),
      rows.map((r) => r.department_id),
    ),
    patientNames(
      env.db,
      rows.map((r) => r.patient_id),
    ),
  ]);
  return rows.map((r) => {
    const status = APPOINTMENT_STATUS[r.status] ?? 'booked';
    const department = departments.get(r.department_id);
    const doctor = doctors.get(r.practitioner_id);
    const participant = (actor: AppointmentParticipant['actor']): AppointmentParticipant => ({
      actor,
      required: 'required',
      // Required (app participant.status): the parties accepted the booking; one awaiting payment is tentative.
      status: status === 'pending' ? 'tentative' : 'accepted',
    });
    const reason =
      r.status === 'expired'
        ? '未在时限内支付，预约已失效'
        : r.status === 'no_show'
          ? '爽约'
          : r.cancel_reason;
    return {
      resourceType: 'Appointment',
      id: r.id,
      meta: versionMeta(r.updated),
      status,
      ...((status === 'cancelled' || status === 'noshow') && reason
        ? { cancelationReason: { text: reason } }
        : {}),
      serviceType: serviceType(r.mode),
      ...(department ? { specialty: [specialtyConcept(department.specialty)] } : {}),
      description: `${department?.name ?? ''} ${doctor?.name ?? ''} ${r.token_number} 号`.trim(),
      start: shanghaiDateTime(r.window_start),
      end: shanghaiDateTime(r.window_end),
      created: shanghaiDateTime(r.created_at),
      slot: [ref('Slot', r.token_id)],
      participant: [
        participant(ref('Patient', r.patient_id, patients.get(r.patient_id))),
        participant(ref('Practitioner', r.practitioner_id, doctor?.name)),
        participant(ref('Location', r.institution_id, department?.institutionName)),
      ],
    };
  });
}

/** FHIR appointmentstatus codes (OR) as our statuses. */
function appointmentStatusMatches(codes: readonly string[]): RawBuilder<SqlBool> {
  const ours = Object.entries(APPOINTMENT_STATUS)
    .filter(([, fhir]) => codes.includes(fhir as string))
    .map(([status]) => status);
  return ours.length === 0 ? sql<SqlBool>`false` : sql<SqlBool>`a.status = any(${ours}::text[])`;
}

const appointmentSorts: Record<string, SortKey> = {
  date: { expr: sql.ref('a.window_start'), kind: 'instant' },
  _id: { expr: sql.ref('a.id'), kind: 'id' },
  _lastUpdated: { expr: appointmentUpdated, kind: 'instant' },
};

async function searchAppointments(env: FhirEnv, q: ProviderQuery): Promise<Found[]> {
  const scope = patientScope(q.readable, q.patients);
  if (scope === null) return [];
  const where: RawBuilder<SqlBool>[] = [];
  if (scope !== 'any') where.push(uuidIn(sql.ref('a.patient_id'), scope));
  if (q.ids) where.push(uuidIn(sql.ref('a.id'), q.ids));
  where.push(datesSql(q.lastUpdated, appointmentUpdated));
  where.push(datesSql(q.date, sql.ref('a.window_start'), sql.ref('a.window_start'), env.now));
  if (q.status) where.push(appointmentStatusMatches(q.status));
  for (const raw of q.params.actor ?? []) {
    where.push(
      actorMatches(raw, {
        practitioner: sql.ref('a.practitioner_id'),
        department: sql.ref('s.department_id'),
        institution: sql.ref('s.institution_id'),
        patient: sql.ref('a.patient_id'),
      }),
    );
  }
  where.push(...referenceParam(q.params.practitioner, 'Practitioner', sql.ref('a.practitioner_id')));
  where.push(...referenceParam(q.params.slot, 'Slot', sql.ref('a.token_id')));
  where.push(...referenceParam(q.params.location, 'Location', sql.ref('s.institution_id')));
  const p = pageOrder(q.sort, q.after, appointmentSorts, sql.ref('a.id'), isUuid);
  let query = appointmentRows(env)
    .select(sql`${p.sortKey.expr}`.as('sort_key'))
    .where(and([...where, p.after]));
  for (const o of p.order) query = query.orderBy(o);
  const rows = await query.limit(q.limit).execute();
  const resources = await toAppointments(env, rows);
  return rows.map((r, i) => ({
    resource: resources[i]!,
    patientId: r.patient_id,
    sortValue: sortValueOf(p.sortKey, r.sort_key),
  }));
}

async function readAppointment(env: FhirEnv, id: string): Promise<Found | null> {
  if (!isUuid(id)) return null;
  const r = await appointmentRows(env).where('a.id', '=', id).executeTakeFirst();
  if (!r) return null;
  const [resource] = await toAppointments(env, [r]);
  return { resource: resource!, patientId: r.patient_id, sortValue: r.window_start.toISOString() };
}

export const appointmentProvider: FhirProvider = {
  type: 'Appointment',
  category: 'encounters',
  common: ['patient', 'date', 'status'],
  searchParams: [
    {
      name: 'actor',
      type: 'reference',
      documentation:
        '任一参与者：Patient、Practitioner、PractitionerRole、HealthcareService（科室）、Location（机构）',
    },
    { name: 'practitioner', type: 'reference', documentation: '接诊医生 / Practitioner' },
    { name: 'slot', type: 'reference', documentation: '所约号源 / Slot' },
    { name: 'location', type: 'reference', documentation: '就诊机构 / Location' },
  ],
  sorts: ['date', '_id', '_lastUpdated'],
  includes: [
    {
      param: 'patient',
      target: 'Patient',
      ids: (r) =>
        referencedIds(
          (r as Appointment).participant.map((x) => x.actor),
          'Patient',
        ),
    },
    {
      param: 'practitioner',
      target: 'Practitioner',
      ids: (r) =>
        referencedIds(
          (r as Appointment).participant.map((x) => x.actor),
          'Practitioner',
        ),
    },
    { param: 'slot', target: 'Slot', ids: (r) => referencedIds((r as Appointment).slot ?? [], 'Slot') },
    {
      param: 'location',
      target: 'Location',
      ids: (r) =>
        referencedIds(
          (r as Appointment).participant.map((x) => x.actor),
          'Location',
        ),
    },
  ],
  read: readAppointment,
  search: searchAppointments,
};

// --- POST /fhir/R4/Appointment ------------------------------------------------------------------------

/** The id a reference names when it is of `type` (`Slot/1`, `http://…/Slot/1`); undefined otherwise. */
function referenced(reference: string | undefined, type: string): string | undefined {
  const m = reference ? new RegExp(`(?:^|/)${type}/([^/]+)$`).exec(reference) : null;
  return m && isUuid(m[1]!) ? m[1] : undefined;
}

const invalid = (detail: string, en: string) => fhirErrors.invalidResource(detail, { en });

/**
 * Books a FHIR Appointment (`status` proposed or booked, `slot[0]` our Slot, a Patient participant) through
 * [2/6]'s booking service, for exactly that token: the same rules and refusal codes as
 * `POST /api/v1/appointments` (REAL_NAME_REQUIRED, NOT_YOUR_PATIENT, SLOT_FULL, DUPLICATE_BOOKING, …),
 * audited and notified the same way. Answers the booked Appointment as read back.
 */
export const bookFromFhir: BookFromFhir = async (env, auth, actor, appointment) => {
  if (appointment.resourceType !== 'Appointment' || !['proposed', 'booked'].includes(appointment.status)) {
    throw invalid(
      '只能提交 status 为 proposed 或 booked 的 Appointment 进行预约。',
      'Only an Appointment with status proposed or booked can be booked',
    );
  }
  if ((appointment.slot ?? []).length !== 1) {
    throw invalid(
      'Appointment.slot 须恰好引用一个号源（Slot）。',
      'Appointment.slot must reference exactly one Slot',
    );
  }
  const slotId = referenced(appointment.slot?.[0]?.reference, 'Slot');
  const actors = (appointment.participant ?? []).map((p) => p.actor?.reference);
  const patientIds = actors.map((r) => referenced(r, 'Patient')).filter((id) => id !== undefined);
  const practitionerIds = actors.map((r) => referenced(r, 'Practitioner')).filter((id) => id !== undefined);
  if (!slotId) throw invalid('Appointment.slot[0] 应为 Slot/编号。', 'Appointment.slot[0] must be Slot/id');
  if (patientIds.length !== 1) {
    throw invalid(
      'Appointment.participant 须有且只有一个就诊人（Patient/编号）。',
      'Appointment.participant must name exactly one Patient',
    );
  }
  const token = await env.db
    .selectFrom('token as t')
    .innerJoin('schedule as s', 's.id', 't.schedule_id')
    .select(['t.id', 't.schedule_id', 't.channel', 's.practitioner_id'])
    .where('t.id', '=', slotId)
    .executeTakeFirst();
  if (!token) throw invalid(`Slot/${slotId} 不存在。`, `Slot/${slotId} does not exist`);
  if (practitionerIds.some((id) => id !== token.practitioner_id)) {
    throw invalid(
      'Appointment 中的医生与所约号源的出诊医生不一致。',
      'The Practitioner participant is not the practitioner of the Slot',
    );
  }
  const { body: booked } = await book(
    env.ctx,
    auth,
    {
      scheduleId: token.schedule_id,
      patientId: patientIds[0]!,
      channel: token.channel as Channel,
      tokenId: token.id,
    },
    actor,
  );
  const found = await readAppointment(env, booked.id);
  if (!found) throw new Error(`booked appointment ${booked.id} not found`);
  return found;
};
