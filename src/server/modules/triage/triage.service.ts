/**
 * Smart triage over HTTP ([8/12]): the access check first (a patientId only for the patient themself or
 * an active family proxy, ID-6), then the pure rules (triage.rules.ts), then each suggested department
 * linked to a bookable department of the region through directory's exported `departmentsNamed`.
 * The complaint is not stored and not logged: the audit event says that a triage ran, for whom, and what
 * came out (red flag or not, the first department) — never the text (SEC-1: collect only what is needed).
 */
import { shanghaiDate } from '../../../shared/identity.js';
import { TRIAGE_MAX_CHARS, type TriageBody, type TriageResult } from '../../../shared/triage.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { departmentsNamed, type NamedDepartment } from '../directory/directory.api.js';
import { ownPatientId, patientProfiles, requirePatientAccess } from '../identity/identity.api.js';
import { REGION_NAMES } from './triage.data.js';
import { triageErrors } from './triage.errors.js';
import { type Sex, triage } from './triage.rules.js';

/**
 * Age in years on a date (YYYY-MM-DD), from a birth date: whole years by the calendar (a child is 14 on
 * the 14th birthday), and a fraction under one year (infants: the under-3-months red flag).
 */
export function ageOn(birthDate: string, today: string): number {
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const years = ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
  if (years >= 1) return years;
  return Math.max(0, (Date.parse(today) - Date.parse(birthDate)) / 86_400_000) / 365;
}

/** Where a suggested department can be booked: the region's best match (most bookable doctors, then grade). */
function pick(candidates: NamedDepartment[], name: string): NamedDepartment | undefined {
  const names = REGION_NAMES[name] ?? [name];
  const level = (l: string | null) => (l === 'tertiary' ? 2 : l === 'secondary' ? 1 : 0);
  for (const n of names) {
    const found = candidates
      .filter((c) => c.name === n)
      .sort(
        (a, b) =>
          Number(b.doctorsWithSessions > 0) - Number(a.doctorsWithSessions > 0) ||
          level(b.institutionLevel) - level(a.institutionLevel) ||
          b.doctorsWithSessions - a.doctorsWithSessions ||
          a.institutionName.localeCompare(b.institutionName, 'zh-CN'),
      )[0];
    if (found) return found;
  }
  return undefined;
}

export async function runTriage(
  ctx: AppContext,
  auth: AuthContext,
  body: TriageBody,
  actor: Actor,
): Promise<TriageResult> {
  const text = body.text.trim();
  if (text === '') throw triageErrors.textEmpty();
  if ([...text].length > TRIAGE_MAX_CHARS) throw triageErrors.textTooLong();

  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  // Whose complaint: the patient named (ID-6: self or active proxy only), else the caller's own record.
  let patientId: string | null = null;
  if (body.patientId) {
    await requirePatientAccess(ctx.db, auth, body.patientId);
    patientId = body.patientId;
  } else if (body.age === undefined && body.sex === undefined) {
    patientId = await ownPatientId(ctx.db, auth.accountId);
  }
  let age = body.age;
  let sex = body.sex as Sex | undefined;
  if (patientId) {
    const p = (await patientProfiles(ctx.db, [patientId])).get(patientId);
    if (p?.birthDate && age === undefined) age = ageOn(p.birthDate, today);
    if ((p?.sex === 'male' || p?.sex === 'female') && sex === undefined) sex = p.sex;
  }

  const result = triage({ text, age, sex });
  const wanted = result.departments.flatMap((d) => REGION_NAMES[d.name] ?? [d.name]);
  const candidates = await departmentsNamed(ctx.db, wanted, today);
  const departments = result.departments.map((d) => {
    const at = pick(candidates, d.name);
    return at
      ? {
          ...d,
          institutionId: at.institutionId,
          institutionName: at.institutionName,
          departmentId: at.departmentId,
        }
      : d;
  });

  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'triage.run',
      resourceType: 'Triage',
      patientId: patientId ?? undefined,
      details: {
        redFlag: result.redFlag,
        redFlags: result.redFlags.map((f) => f.id),
        first: departments[0]?.name ?? null,
      },
    },
    now,
  );
  return { redFlag: result.redFlag, redFlags: result.redFlags, advice: result.advice, departments };
}
