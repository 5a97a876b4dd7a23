/**
 * ADT^A01 (admit), A03 (discharge), A04 (register an outpatient visit), A08 (update patient information)
 * read into the facts the platform applies. Pure: references (department, doctor) stay as the sender's
 * codes until the service resolves them.
 *
 * - PV1-2 patient class: O → AMB (outpatient), I → IMP (inpatient), E → EMER; empty → IMP for A01,
 *   AMB otherwise. PV1-3.1 the department (our department code or name at the institution), PV1-7 the
 *   attending doctor (XCN.1: licence number or our practitioner code), PV1-19 the visit number (the
 *   encounter's key at the hospital), PV1-44 admit and PV1-45 discharge time; EVN-2, then MSH-7, when
 *   they are empty.
 * - DG1-3 (CWE) the diagnosis, an ICD-10 code (the national clinical edition's extensions such as
 *   I10.x00 are accepted when their category is known); DG1-3.2 its name (the catalogue's name when
 *   empty); DG1-5 when it was made; DG1-6 A (admitting), W (working) or F (final).
 */
import { hl7Problem } from './hl7.errors.js';
import { comp, locationText, readTime, required, type Seg, where } from './hl7.fields.js';
import { firstSegment, type Parsed, segmentsOf } from './hl7.message.js';
import { type PatientFacts, readPatient } from './pid.js';

export type AdtEvent = 'A01' | 'A03' | 'A04' | 'A08';
export type EncounterClass = 'AMB' | 'IMP' | 'EMER';

export interface DiagnosisFacts {
  icd10: string;
  /** DG1-3.2, or null to take the catalogue's name. */
  name: string | null;
  type: 'A' | 'W' | 'F' | null;
  at: Date | null;
}

export interface VisitFacts {
  /** PV1-19. */
  number: string;
  class: EncounterClass;
  departmentRef: string | null;
  doctorRef: string | null;
  admitAt: Date | null;
  dischargeAt: Date | null;
}

export interface AdtFacts {
  event: AdtEvent;
  patient: PatientFacts;
  /** Null only for an A08 without a visit number. */
  visit: VisitFacts | null;
  diagnoses: DiagnosisFacts[];
  /** When the event happened: EVN-2, else MSH-7, else the time received. */
  eventAt: Date;
}

const CLASSES: Record<string, EncounterClass> = { O: 'AMB', I: 'IMP', E: 'EMER' };
/** An ICD-10 code: a letter, two digits, then an optional dotted extension (I10, E11.9, I10.x00x002). */
export const ICD10_SHAPE = /^[A-Z]\d{2}(\.[0-9A-Z]{1,8})?$/i;

export function readAdt(parsed: Parsed, event: AdtEvent, now: Date): AdtFacts {
  const { message } = parsed;
  const msh: Seg = { seg: message.header, seq: 1 };
  const evn = firstSegment(message, 'EVN');
  const eventAt = (evn && readTime(evn, 2, now)) || readTime(msh, 7, now) || now;
  const patient = readPatient(firstSegment(message, 'PID'), now);
  const pv1 = firstSegment(message, 'PV1');
  let visit: VisitFacts | null = null;
  if (pv1 && comp(pv1, 19)) visit = readVisit(pv1, event, now);
  else if (event !== 'A08') {
    if (!pv1)
      throw hl7Problem('requiredMissing', `缺少 PV1 段（就诊信息），${event} 必须有。`, { segment: 'PV1' });
    required(pv1, 19, 1, '就诊流水号');
  }
  const diagnoses = segmentsOf(message, 'DG1').map((dg1) => readDiagnosis(dg1, now));
  return { event, patient, visit, diagnoses, eventAt };
}

function readVisit(pv1: Seg, event: AdtEvent, now: Date): VisitFacts {
  const classCode = comp(pv1, 2).toUpperCase();
  let cls: EncounterClass;
  if (!classCode) cls = event === 'A01' ? 'IMP' : 'AMB';
  else if (CLASSES[classCode]) cls = CLASSES[classCode]!;
  else
    throw hl7Problem(
      'unknownCode',
      `${locationText(where(pv1, 2))} 患者类别须为 O（门诊）、I（住院）或 E（急诊）。`,
      where(pv1, 2),
    );
  return {
    number: required(pv1, 19, 1, '就诊流水号'),
    class: cls,
    departmentRef: comp(pv1, 3, 1) || null,
    doctorRef: comp(pv1, 7, 1) || null,
    admitAt: readTime(pv1, 44, now) ?? null,
    dischargeAt: readTime(pv1, 45, now) ?? null,
  };
}

function readDiagnosis(dg1: Seg, now: Date): DiagnosisFacts {
  const code = required(dg1, 3, 1, 'ICD-10 诊断编码').toUpperCase();
  if (!ICD10_SHAPE.test(code))
    throw hl7Problem(
      'unknownCode',
      `${locationText(where(dg1, 3))} 不是 ICD-10 编码（应如 I10、E11.9）。`,
      where(dg1, 3),
    );
  const type = comp(dg1, 6).toUpperCase();
  if (type && !['A', 'W', 'F'].includes(type))
    throw hl7Problem(
      'unknownCode',
      `${locationText(where(dg1, 6))} 诊断类型须为 A（入院）、W（工作）或 F（最终）。`,
      where(dg1, 6),
    );
  return {
    icd10: code,
    name: comp(dg1, 3, 2) || null,
    type: (type || null) as DiagnosisFacts['type'],
    at: readTime(dg1, 5, now) ?? null,
  };
}
