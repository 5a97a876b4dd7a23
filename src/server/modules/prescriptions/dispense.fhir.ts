/**
 * MedicationDispense ([6/12]): one per line of a fulfilment — which pharmacy handed out the boxes of a
 * prescription line, when, and in what state the order is. Names only prescriptions' tables; pharmacy names
 * come from directory.api. Counted under `medications`; who may read is the facade's (SEC-1).
 */
import type { MedicationDispense } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { days, referenceLists, refIds } from '../../fhir/clinical.js';
import { ref, shanghaiDateTime, versionMeta } from '../../fhir/datatypes.js';
import { and, dateSql, instantText, patientScope, textIn, uuidIn } from '../../fhir/sql.js';
import type { FhirEnv, FhirProvider, Found } from '../../fhir/types.js';
import { institutionFacts } from '../directory/directory.api.js';
import {
  dirOf,
  dosage,
  drugCondition,
  lineAfter,
  lineId,
  lineIds,
  medicationConcept,
  ourStatuses,
} from './medication.fhir.js';

/**
 * Fulfilment states as MedicationDispense.status: ordered or paid, the pharmacy prepares (preparation);
 * boxes scanned out for delivery or on the way (in-progress); picked up, delivered or received
 * (completed); the parcel came back (stopped); the order cancelled (cancelled).
 */
const DISPENSE_STATUS: Record<string, MedicationDispense['status']> = {
  awaiting_payment: 'preparation',
  paid: 'preparation',
  dispensed: 'in-progress',
  shipping: 'in-progress',
  picked_up: 'completed',
  delivered: 'completed',
  received: 'completed',
  returned: 'stopped',
  cancelled: 'cancelled',
};

/** A fulfilment's last change: its own times, and its parcel's (a courier's update changes the status). */
const dispenseUpdated = sql<Date>`date_trunc('milliseconds', greatest(f.created_at, f.paid_at, f.dispensed_at,
  f.completed_at, f.cancelled_at, (select max(dl.updated_at) from delivery dl where dl.fulfilment_id = f.id)))`;

function dispenseRows(env: FhirEnv) {
  return env.db
    .selectFrom('fulfilment as f')
    .innerJoin('prescription_item as i', 'i.prescription_id', 'f.prescription_id')
    .innerJoin('drug as d', 'd.id', 'i.drug_id')
    .select([
      'f.id',
      'i.line',
      'f.prescription_id',
      'f.status',
      'f.patient_id',
      'f.pharmacy_id',
      'f.method',
      'f.dispensed_at',
      'f.completed_at',
      dispenseUpdated.as('updated'),
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
    ]);
}
type DispenseRow = Awaited<ReturnType<ReturnType<typeof dispenseRows>['execute']>>[number];

async function dispensesOf(env: FhirEnv, rows: DispenseRow[]) {
  const pharmacies = await institutionFacts(
    env.db,
    rows.map((r) => r.pharmacy_id),
  );
  return rows.map((r): MedicationDispense & { id: string } => {
    const status = DISPENSE_STATUS[r.status] ?? 'unknown';
    const handedOver = status === 'completed' ? (r.completed_at ?? r.dispensed_at) : null;
    return {
      resourceType: 'MedicationDispense',
      id: `${r.id}-${r.line}`,
      meta: versionMeta(r.updated),
      status,
      type: { text: r.method === 'pickup' ? '到店取药' : '配送到家' },
      medicationCodeableConcept: medicationConcept(r),
      subject: ref('Patient', r.patient_id),
      performer: [{ actor: ref('Organization', r.pharmacy_id, pharmacies.get(r.pharmacy_id)?.name) }],
      authorizingPrescription: [ref('MedicationRequest', `${r.prescription_id}-${r.line}`)],
      quantity: { value: r.quantity, unit: r.package_unit },
      daysSupply: days(r.days),
      ...(r.dispensed_at ? { whenPrepared: shanghaiDateTime(r.dispensed_at) } : {}),
      ...(handedOver ? { whenHandedOver: shanghaiDateTime(handedOver) } : {}),
      dosageInstruction: [dosage(r)],
    };
  });
}

export const medicationDispenseProvider: FhirProvider = {
  type: 'MedicationDispense',
  category: 'medications',
  common: ['patient', 'subject', 'status', 'code'],
  searchParams: [
    {
      name: 'prescription',
      type: 'reference',
      documentation: '所依据的处方行 (MedicationRequest/处方编号-行号)',
    },
    { name: 'performer', type: 'reference', documentation: '发药药房 (Organization/编号)' },
  ],
  sorts: ['-_lastUpdated'],
  includes: [
    { param: 'patient', target: 'Patient', ids: (r) => refIds((r as MedicationDispense).subject, 'Patient') },
    { param: 'subject', target: 'Patient', ids: (r) => refIds((r as MedicationDispense).subject, 'Patient') },
    {
      param: 'prescription',
      target: 'MedicationRequest',
      ids: (r) =>
        ((r as MedicationDispense).authorizingPrescription ?? []).flatMap((x) =>
          refIds(x, 'MedicationRequest'),
        ),
    },
    {
      param: 'performer',
      target: 'Organization',
      ids: (r) => ((r as MedicationDispense).performer ?? []).flatMap((p) => refIds(p.actor, 'Organization')),
    },
  ],
  async read(env, id) {
    const l = lineId(id);
    if (!l) return null;
    const r = await dispenseRows(env)
      .where('f.id', '=', l.id)
      .where('i.line', '=', l.line)
      .executeTakeFirst();
    if (!r) return null;
    const [resource] = await dispensesOf(env, [r]);
    return { resource: resource!, patientId: r.patient_id, sortValue: instantText(r.updated) };
  },
  async search(env, q) {
    const scope = patientScope(q.readable, q.patients);
    if (scope === null) return [];
    const conds: RawBuilder<SqlBool>[] = [
      ...q.lastUpdated.map((f) => dateSql(f, dispenseUpdated, undefined, env.now)),
      ...q.code.map(drugCondition),
      ...referenceLists(q.params.prescription, 'MedicationRequest').map((ids) =>
        lineIds(ids, 'f.prescription_id', 'i.line'),
      ),
      ...referenceLists(q.params.performer, 'Organization').map((ids) =>
        uuidIn(sql.ref('f.pharmacy_id'), ids),
      ),
      lineAfter(dispenseUpdated, 'f.id', 'i.line', q.after, q.sort.desc),
    ];
    if (scope !== 'any') conds.push(uuidIn(sql.ref('f.patient_id'), scope));
    if (q.ids) conds.push(lineIds(q.ids, 'f.id', 'i.line'));
    if (q.status) conds.push(textIn(sql.ref('f.status'), ourStatuses(q.status, DISPENSE_STATUS)));
    const rows = await dispenseRows(env)
      .where(and(conds))
      .orderBy(sql`${dispenseUpdated} ${dirOf(q)}`)
      .orderBy(sql`f.id ${dirOf(q)}`)
      .orderBy(sql`i.line ${dirOf(q)}`)
      .limit(q.limit)
      .execute();
    const resources = await dispensesOf(env, rows);
    return rows.map(
      (r, i): Found => ({
        resource: resources[i]!,
        patientId: r.patient_id,
        sortValue: instantText(r.updated),
      }),
    );
  },
};
