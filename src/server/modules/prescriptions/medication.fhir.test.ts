/**
 * The dosage of every prescription frequency as FHIR ([6/12]): structured timing that passes the official R4
 * invariants (tim-1…tim-10: qn's `when` without a frequency, st once, prn as needed), the text a 处方笺
 * prints, and the composite line ids.
 */
import type { MedicationRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { validateFhir } from '../../../../test/support/fhir.js';
import { dosage, lineId, medicationConcept } from './medication.fhir.js';
import { FREQUENCIES } from './prescription.dose.js';

const DRUG = {
  drug_id: 'YY0001',
  generic_name: '苯磺酸氨氯地平片',
  brand_name: '络活喜',
  atc: 'C08CA01',
  strength: 5,
  strength_unit: 'mg',
  package_unit: '盒',
};

describe('dosage', () => {
  it.each(Object.keys(FREQUENCIES))(
    '%s: a MedicationRequest with it validates with zero errors',
    (frequency) => {
      const d = dosage({ dose: 1, dose_unit: '片', frequency, days: 7, route: 'oral', note: '餐后服用' });
      const mr: MedicationRequest = {
        resourceType: 'MedicationRequest',
        id: '00000000-0000-4000-8000-000000000000-1',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: medicationConcept(DRUG),
        subject: { reference: 'Patient/00000000-0000-4000-8000-000000000001' },
        dosageInstruction: [d],
      };
      expect(validateFhir(mr)).toEqual([]);
      expect(d.text).toContain(FREQUENCIES[frequency as keyof typeof FREQUENCIES].zh);
      expect(d.text).toContain('口服');
      expect(d.text).toContain('餐后服用');
    },
  );

  it('structured timing: bid twice a day for the days, qn at bedtime, st once, prn as needed', () => {
    const line = { dose: 5, dose_unit: 'mg', days: 14, route: 'oral', note: null };
    expect(dosage({ ...line, frequency: 'bid' }).timing?.repeat).toEqual({
      frequency: 2,
      period: 1,
      periodUnit: 'd',
      boundsDuration: { value: 14, unit: '天', system: 'http://unitsofmeasure.org', code: 'd' },
    });
    expect(dosage({ ...line, frequency: 'qn' }).timing?.repeat?.when).toEqual(['HS']);
    expect(dosage({ ...line, frequency: 'st' }).timing?.repeat).toEqual({ count: 1 });
    expect(dosage({ ...line, frequency: 'prn' }).asNeededBoolean).toBe(true);
    expect(dosage({ ...line, frequency: 'qd' }).doseAndRate?.[0]?.doseQuantity).toEqual({
      value: 5,
      unit: 'mg',
      system: 'http://unitsofmeasure.org',
      code: 'mg',
    });
    // A unit UCUM has no code for keeps its text only (a code without a system would be invalid).
    expect(dosage({ ...line, dose_unit: '片', frequency: 'qd' }).doseAndRate?.[0]?.doseQuantity).toEqual({
      value: 5,
      unit: '片',
    });
  });
});

describe('line ids', () => {
  it('`<uuid>-<line>` parses; anything else is no id', () => {
    expect(lineId('0195A3B4-0000-7000-8000-000000000001-12')).toEqual({
      id: '0195a3b4-0000-7000-8000-000000000001',
      line: 12,
    });
    for (const bad of [
      '0195a3b4-0000-7000-8000-000000000001',
      'x-1',
      '0195a3b4-0000-7000-8000-00000000000z-1',
      '',
    ])
      expect(lineId(bad)).toBeNull();
  });
});
