/**
 * Feeding the pure rules (prescription.rules.ts) from the database: the visit (visits.api), the patient's
 * age, sex and recorded allergies (identity.api), the institution's formulary, the catalogue rows and the
 * bundled severe-interaction table. The same evaluation runs on every save, on every dry run and again on
 * signing (RX-2), so what is signed has passed the rules at the moment of signing.
 */
import { ageOn, shanghaiDate } from '../../../shared/identity.js';
import type { PrescriptionBody } from '../../../shared/prescriptions.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { patientAllergies, patientProfiles } from '../identity/identity.api.js';
import type { PrescribingVisit } from '../visits/visits.api.js';
import { type DrugRow, formularyOf } from './catalogue.service.js';
import { SEVERE_INTERACTIONS } from './interactions-data.js';
import { checkPrescription, failures, type RuleCheck, type RuleInput } from './prescription.rules.js';
import { activeDrugs, drugSeedOf } from './prescription-store.js';
import { prescriptionErrors } from './prescriptions.errors.js';

export interface Evaluation {
  checks: RuleCheck[];
  failed: RuleCheck[];
  drugs: Map<string, DrugRow>;
  patient: { name: string; sex: string | null; ageYears: number; allergies: string[] };
}

/**
 * Age in years with the fraction since the last birthday, on the Asia/Shanghai calendar: whole years as
 * ageOn counts them (so a child turns 6 on their birthday, RX-5), plus the days since that birthday over
 * the days to the next one.
 */
export function ageYearsAt(birthDate: string, now: Date): number {
  const whole = ageOn(birthDate, now);
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const day = (y: number) => Date.UTC(y, bm - 1, bd);
  const today = Date.parse(`${shanghaiDate(now)}T00:00:00Z`);
  const last = day(by + whole);
  const next = day(by + whole + 1);
  const fraction = Math.min(Math.max((today - last) / (next - last), 0), 0.999);
  return Math.round((whole + fraction) * 1000) / 1000;
}

/**
 * RX-1: only the visit's own doctor prescribes for it (the access check, before the rules run; the rules
 * check it again on the data). 404 for a visit that does not exist.
 */
export function requirePrescriber(
  auth: AuthContext,
  visit: PrescribingVisit | undefined,
): asserts visit is PrescribingVisit {
  if (!visit) throw errors.notFound('问诊');
  if (!auth.roles.includes('doctor') || !auth.practitionerId || auth.practitionerId !== visit.practitionerId)
    throw prescriptionErrors.notPrescriber();
}

export async function evaluate(
  db: Executor,
  visit: PrescribingVisit,
  prescriberPractitionerId: string,
  body: PrescriptionBody,
  now: Date,
): Promise<Evaluation> {
  const profile = (await patientProfiles(db, [visit.patientId])).get(visit.patientId);
  if (!profile) throw errors.notFound('就诊人');
  // Without a birth date (not yet real-name verified) the patient is taken as an adult of unknown age;
  // visits require real-name verification (ID-1), so this does not happen in practice.
  const ageYears = profile.birthDate ? ageYearsAt(profile.birthDate, now) : 18;
  const allergies = (await patientAllergies(db, visit.patientId)).map((a) => a.substance);
  const ids = body.items.map((i) => i.drugId);
  const drugs = await activeDrugs(db, ids);
  // RX-1: the institution's online formulary (org_admin keeps it); an institution without one allows none.
  const formulary = await formularyOf(db, visit.institutionId, ids);
  const input: RuleInput = {
    now,
    visit: {
      type: visit.type,
      status: visit.status,
      completedAt: visit.completedAt,
      practitionerId: visit.practitionerId,
      pilotInScope: visit.pilotInScope,
      guardianConfirmed: visit.guardianConfirmedAt !== null,
    },
    prescriberPractitionerId,
    diagnoses: visit.diagnoses,
    patient: { ageYears, weightKg: body.patientWeightKg ?? null, allergies },
    chronicStable: visit.followsChronicDiagnosis,
    formulary,
    interactions: SEVERE_INTERACTIONS,
    items: body.items.map((i) => {
      const row = drugs.get(i.drugId);
      return {
        drug: row ? drugSeedOf(row) : undefined,
        drugId: i.drugId,
        dose: i.dose,
        doseUnit: i.doseUnit,
        frequency: i.frequency,
        days: i.days,
        quantity: i.quantity,
        route: i.route,
        ...(i.interactionOverrideReason ? { interactionOverrideReason: i.interactionOverrideReason } : {}),
      };
    }),
    ...(body.validDays !== undefined ? { validDays: body.validDays } : {}),
    ...(body.validityReason !== undefined ? { validityReason: body.validityReason } : {}),
    ...(body.longTermReason !== undefined ? { longTermReason: body.longTermReason } : {}),
  };
  const checks = checkPrescription(input);
  return {
    checks,
    failed: failures(checks),
    drugs,
    patient: { name: profile.name, sex: profile.sex, ageYears, allergies },
  };
}

const byCode = new Map(Object.values(prescriptionErrors).map((f) => [f.spec.code, f]));

/**
 * A save or a signing the rules refuse: the first failure's code (422), a detail naming the drug and the
 * rule id, and every failing check as `violations` (issue §3).
 */
export function ruleFailure(failed: RuleCheck[]): Error {
  const first = failed[0]!;
  const make = byCode.get(first.code);
  if (!make) throw new Error(`no error catalogued for rule code ${first.code}`);
  return make(first.message, { violations: failed });
}

/** Throws the rules' refusal when any check failed. */
export function requirePassed(e: Evaluation): void {
  if (e.failed.length > 0) throw ruleFailure(e.failed);
}

/** What a timeline entry says of the checks that ran: how many failed, how many were overridden. */
export const checkCounts = (checks: readonly RuleCheck[]) => ({
  failedChecks: checks.filter((c) => c.outcome === 'fail').length,
  overriddenChecks: checks.filter((c) => c.outcome === 'overridden').length,
});
