/**
 * The patient a message names (PID), read and checked (ID-2). Pure.
 *
 * - PID-3 (CX, repeating): the resident ID number (居民身份证号) is the repetition whose identifier type
 *   code (CX.5) is `NNCHN` (HL7 table 0203 "national number" + ISO 3166 country code, as HL7 China's
 *   profiles write it) or `ID` (the type code many Chinese HIS send for 身份证). Other repetitions (the
 *   hospital's own patient number, PI/MR) are ignored. A resident ID that fails GB 11643 is an error, not
 *   "no ID": the sender has to correct it.
 * - PID-5 (XPN): family^given (张^三 → 张三); the legal name (XPN.7 = L) when several repeat.
 * - PID-7 birth date, PID-8 sex (M/F, or GB/T 2261.1 1/2; U/O/A/N/0/9 unknown). With a resident ID,
 *   both must agree with the number (it encodes them); they are taken from the number.
 * - PID-13 (phone) is not read: the platform keeps a person's phone with their own account (DJ-29).
 */
import { checkIdNumber, isPersonName, shanghaiDate } from '../../../shared/identity.js';
import { hl7Problem } from './hl7.errors.js';
import { comp, joinName, locationText, readDay, repetitions, type Seg, where } from './hl7.fields.js';

export const RESIDENT_ID_TYPES = new Set(['NNCHN', 'ID']);

export interface PatientFacts {
  /** The checked, upper-cased resident ID number, or null when PID-3 carries none. */
  idNumber: string | null;
  name: string | null;
  birthDate: string | null;
  sex: 'male' | 'female' | null;
}

const SEX: Record<string, 'male' | 'female' | null> = {
  M: 'male',
  F: 'female',
  '1': 'male',
  '2': 'female',
  U: null,
  O: null,
  A: null,
  N: null,
  '0': null,
  '9': null,
};

export function readPatient(pid: Seg | undefined, now: Date): PatientFacts {
  if (!pid) throw hl7Problem('patientMissing', '缺少 PID 段（患者信息）。', { segment: 'PID' });
  let idNumber: string | null = null;
  for (let r = 0; r < repetitions(pid, 3); r++) {
    if (!RESIDENT_ID_TYPES.has(comp(pid, 3, 5, r).toUpperCase())) continue;
    const check = checkIdNumber(comp(pid, 3, 1, r), now);
    if (!check.ok)
      throw hl7Problem(
        'badIdNumber',
        `PID-3 中的居民身份证号无效（${check.problem}）：须为 18 位且通过 GB 11643 校验。`,
        where(pid, 3),
      );
    idNumber = check.idNumber;
    break;
  }
  const name = readName(pid);
  const birthDate = readDay(pid, 7, shanghaiDate(now)) ?? null;
  const sexCode = comp(pid, 8).toUpperCase();
  if (sexCode && !(sexCode in SEX))
    throw hl7Problem(
      'unknownCode',
      `${locationText(where(pid, 8))} 性别代码须为 M、F、U（或 GB/T 2261.1 的 1、2、0、9）。`,
      where(pid, 8),
    );
  const sex = sexCode ? SEX[sexCode]! : null;
  if (!idNumber && !name) throw hl7Problem('patientMissing', undefined, where(pid, 3));
  if (idNumber) {
    const fromId = checkIdNumber(idNumber, now) as { birthDate: string; sex: 'male' | 'female' };
    if ((birthDate && birthDate !== fromId.birthDate) || (sex && sex !== fromId.sex))
      throw hl7Problem('idMismatch', undefined, where(pid, birthDate !== fromId.birthDate ? 7 : 8));
    return { idNumber, name, birthDate: fromId.birthDate, sex: fromId.sex };
  }
  return { idNumber, name, birthDate, sex };
}

function readName(pid: Seg): string | null {
  const count = repetitions(pid, 5);
  if (count === 0) return null;
  let rep = 0;
  for (let r = 0; r < count; r++) {
    if (comp(pid, 5, 7, r).toUpperCase() === 'L') {
      rep = r;
      break;
    }
  }
  const name = joinName(comp(pid, 5, 1, rep), comp(pid, 5, 2, rep));
  if (!name) return null;
  if (!isPersonName(name))
    throw hl7Problem(
      'badValue',
      'PID-5 姓名须为 2–30 个汉字、字母、间隔号或空格（与身份证一致）。',
      where(pid, 5),
    );
  return name;
}
