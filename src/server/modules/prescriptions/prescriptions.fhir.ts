/**
 * The prescriptions module's FHIR resources ([6/12]): MedicationRequest (one per prescription line; the
 * prescription is the group) and MedicationDispense (one per line of a fulfilment: where and when the
 * boxes were handed over; dispense.fhir.ts). Names only prescriptions' tables; doctors' and pharmacies' names come from
 * directory.api. Counted under `medications`; who may read is the facade's (SEC-1).
 *
 * Ids are `<prescription id>-<line>` and `<fulfilment id>-<line>` (a line has no id of its own).
 * A draft is the doctor's work in progress, not a prescription: never served.
 */
import type { MedicationRequest } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { coding, days, ICD10, referenceLists, refIds, TERMINOLOGY, tokenLists } from '../../fhir/clinical.js';
import { ref, shanghaiDateTime, versionMeta } from '../../fhir/datatypes.js';
import { and, dateSql, instantText, patientScope, textIn, uuidIn } from '../../fhir/sql.js';
import type { FhirEnv, FhirProvider, Found } from '../../fhir/types.js';
import { practitionerProfiles } from '../directory/directory.api.js';
import { medicationDispenseProvider } from './dispense.fhir.js';
import {
  dirOf,
  dosage,
  drugCondition,
  lineAfter,
  lineId,
  lineIds,
  medicationConcept,
  ourStatuses,
  PRESCRIPTION_LINE_SID,
  PRESCRIPTION_SID,
} from './medication.fhir.js';

// --- MedicationRequest ---------------------------------------------------------------------------------

/**
 * Prescription states as MedicationRequest.status: signed and awaiting the pharmacist's review (审方) is
 * not yet actionable (draft); approved is active; dispensed completed; past its validity unfilled, stopped
 * (RX-6); rejected, replaced by a revision, or cancelled: cancelled.
 */
const REQUEST_STATUS: Record<string, MedicationRequest['status']> = {
  pending_review: 'draft',
  approved: 'active',
  dispensed: 'completed',
  expired: 'stopped',
  rejected: 'cancelled',
  superseded: 'cancelled',
  cancelled: 'cancelled',
};
const REQUEST_REASON: Record<string, string> = {
  pending_review: '待药师审核',
  rejected: '审方未通过',
  superseded: '已由修改后的处方取代',
  cancelled: '已作废',
  expired: '超过处方有效期未取药',
};
const authoredSql = sql<Date>`coalesce(p.signed_at, p.created_at)`;

function requestRows(env: FhirEnv) {
  return env.db
    .selectFrom('prescription as p')
    .innerJoin('prescription_item as i', 'i.prescription_id', 'p.id')
    .innerJoin('drug as d', 'd.id', 'i.drug_id')
    .select([
      'p.id',
      'i.line',
      'p.status',
      'p.patient_id',
      'p.practitioner_id',
      'p.diagnoses',
      'p.long_term_reason',
      'p.signed_at',
      'p.valid_until',
      'p.updated_at',
      authoredSql.as('authored'),
      'i.drug_id',
      'i.dose',
      'i.dose_unit',
      'i.frequency',
      'i.days',
      'i.quantity',
      'i.route',
      'i.note',
      'd.generic_name',
      'd.brand_name',
      'd.atc',
      'd.strength',
      'd.strength_unit',
      'd.package_unit',
    ])
    .where('p.status', '<>', 'draft');
}
type RequestRow = Awaited<ReturnType<ReturnType<typeof requestRows>['execute']>>[number];

async function requestsOf(env: FhirEnv, rows: RequestRow[]) {
  const doctors = await practitionerProfiles(env.db, [...new Set(rows.map((r) => r.practitioner_id))]);
  return rows.map((r): MedicationRequest & { id: string } => {
    const id = `${r.id}-${r.line}`;
    const reason = REQUEST_REASON[r.status];
    return {
      resourceType: 'MedicationRequest',
      id,
      meta: versionMeta(r.updated_at),
      identifier: [{ system: PRESCRIPTION_LINE_SID, value: id }],
      status: REQUEST_STATUS[r.status] ?? 'unknown',
      ...(reason ? { statusReason: { text: reason } } : {}),
      intent: 'order',
      category: [
        {
          coding: [coding(`${TERMINOLOGY}/medicationrequest-category`, 'outpatient', 'Outpatient')],
          text: '互联网诊疗处方',
        },
      ],
      medicationCodeableConcept: medicationConcept(r),
      subject: ref('Patient', r.patient_id),
      authoredOn: shanghaiDateTime(r.authored),
      requester: ref('Practitioner', r.practitioner_id, doctors.get(r.practitioner_id)?.name),
      ...(r.diagnoses.length > 0
        ? {
            reasonCode: r.diagnoses.map((dx) => ({
              coding: [coding(ICD10, dx.icd10, dx.name)],
              text: dx.name,
            })),
          }
        : {}),
      groupIdentifier: { system: PRESCRIPTION_SID, value: r.id },
      courseOfTherapyType: {
        coding: [
          r.long_term_reason
            ? coding(
                `${TERMINOLOGY}/medicationrequest-course-of-therapy`,
                'continuous',
                'Continuous long term therapy',
              )
            : coding(
                `${TERMINOLOGY}/medicationrequest-course-of-therapy`,
                'acute',
                'Short course (acute) therapy',
              ),
        ],
        text: r.long_term_reason ? '长期处方' : '普通处方',
      },
      dosageInstruction: [dosage(r)],
      dispenseRequest: {
        ...(r.signed_at && r.valid_until
          ? {
              validityPeriod: { start: shanghaiDateTime(r.signed_at), end: shanghaiDateTime(r.valid_until) },
            }
          : {}),
        quantity: { value: r.quantity, unit: r.package_unit },
        expectedSupplyDuration: days(r.days),
      },
    };
  });
}

export const medicationRequestProvider: FhirProvider = {
  type: 'MedicationRequest',
  category: 'medications',
  common: ['patient', 'subject', 'date', 'status', 'code', 'identifier'],
  searchParams: [
    { name: 'intent', type: 'token', documentation: 'medicationrequest-intent：处方均为 order' },
    { name: 'requester', type: 'reference', documentation: '开方医师 (Practitioner/编号)' },
  ],
  sorts: ['-date', '_lastUpdated'],
  includes: [
    { param: 'patient', target: 'Patient', ids: (r) => refIds((r as MedicationRequest).subject, 'Patient') },
    { param: 'subject', target: 'Patient', ids: (r) => refIds((r as MedicationRequest).subject, 'Patient') },
    {
      param: 'requester',
      target: 'Practitioner',
      ids: (r) => refIds((r as MedicationRequest).requester, 'Practitioner'),
    },
  ],
  async read(env, id) {
    const l = lineId(id);
    if (!l) return null;
    const r = await requestRows(env).where('p.id', '=', l.id).where('i.line', '=', l.line).executeTakeFirst();
    if (!r) return null;
    const [resource] = await requestsOf(env, [r]);
    return { resource: resource!, patientId: r.patient_id, sortValue: instantText(r.authored) };
  },
  async search(env, q) {
    const scope = patientScope(q.readable, q.patients);
    if (scope === null) return [];
    const byUpdate = q.sort.param === '_lastUpdated';
    const key = byUpdate ? sql.ref('p.updated_at') : authoredSql;
    const conds: RawBuilder<SqlBool>[] = [
      ...q.lastUpdated.map((f) => dateSql(f, sql.ref('p.updated_at'), undefined, env.now)),
      // `date` is when it was written (MedicationRequest.authoredOn).
      ...q.date.map((f) => dateSql(f, authoredSql, undefined, env.now)),
      ...q.code.map(drugCondition),
      ...q.identifier.map((list) =>
        lineIds(
          list.filter((t) => t.system === undefined || t.system === PRESCRIPTION_LINE_SID).map((t) => t.code),
          'p.id',
          'i.line',
        ),
      ),
      ...tokenLists('intent', q.params.intent).map((list) =>
        list.some((t) => t.code === 'order') ? sql<SqlBool>`true` : sql<SqlBool>`false`,
      ),
      ...referenceLists(q.params.requester, 'Practitioner').map((ids) =>
        uuidIn(sql.ref('p.practitioner_id'), ids),
      ),
      lineAfter(key, 'p.id', 'i.line', q.after, q.sort.desc),
    ];
    if (scope !== 'any') conds.push(uuidIn(sql.ref('p.patient_id'), scope));
    if (q.ids) conds.push(lineIds(q.ids, 'p.id', 'i.line'));
    if (q.status) conds.push(textIn(sql.ref('p.status'), ourStatuses(q.status, REQUEST_STATUS)));
    const rows = await requestRows(env)
      .where(and(conds))
      .orderBy(sql`${key} ${dirOf(q)}`)
      .orderBy(sql`p.id ${dirOf(q)}`)
      .orderBy(sql`i.line ${dirOf(q)}`)
      .limit(q.limit)
      .execute();
    const resources = await requestsOf(env, rows);
    return rows.map(
      (r, i): Found => ({
        resource: resources[i]!,
        patientId: r.patient_id,
        sortValue: instantText(byUpdate ? r.updated_at : r.authored),
      }),
    );
  },
};

export const prescriptionsFhirProviders: FhirProvider[] = [
  medicationRequestProvider,
  medicationDispenseProvider,
];
