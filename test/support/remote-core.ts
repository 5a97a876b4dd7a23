/**
 * [11/12] Remote diagnosis's core in tests: the demo region's people, a request made the way the community
 * doctor makes it (the patient's health card scanned at the desk), the material's arrival without the ECG /
 * imaging / lab parts, and extra staff accounts (a second ECG reader, a junior doctor, an org_admin).
 */
import { createSession } from '../../src/server/modules/identity/session.service.js';
import { materialArrived, requestRow } from '../../src/server/modules/remote/request-access.js';
import { systemActor } from '../../src/server/platform/audit/audit.js';
import { runCommand } from '../../src/server/platform/command.js';
import { newId } from '../../src/server/platform/ids.js';
import type { DiagnosticRequestView } from '../../src/shared/remote.js';
import type { TestApp } from './app.js';

export const PHONE = {
  gp: '13900000004', // 龙晓梅, 青石社区卫生服务中心 YC-C01
  ecg: '13900000005', // 武建平, 区域心电诊断中心 YC-E01
  imaging: '13900000006', // 常卫东, YC-I01
  lab: '13900000007', // 乔慧, YC-L01
  stranger: '13900000003', // 段志刚, GP at YC-C02
  hospital: '13900000001', // 陈建国, 云川医院 (no agreement with any centre)
  zhang: '13800000001',
  lina: '13800000002',
  wang: '13800000003',
  regulator: '13500000001',
} as const;

export const CONSENT = { by: 'patient', method: 'written', confirmed: true } as const;

export async function patientIdOf(t: TestApp, name: string): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('patient')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function institutionIdOf(t: TestApp, code: string): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('institution')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The patient's health-card QR code of this minute (what the doctor scans). */
export async function cardCode(t: TestApp, patientToken: string): Promise<string> {
  const res = await t.request('GET', '/api/v1/health-cards/self', { token: patientToken });
  if (res.statusCode !== 200) throw new Error(`health card: ${res.statusCode} ${res.body}`);
  return res.json().qr as string;
}

/** An ECG request by the GP for a patient, identified by their health card. */
export async function ecgRequest(
  t: TestApp,
  gpToken: string,
  patientToken: string,
  patientId: string,
  centreId: string,
  extra: Record<string, unknown> = {},
): Promise<DiagnosticRequestView> {
  const res = await t.request('POST', '/api/v1/diagnostic-requests', {
    token: gpToken,
    body: {
      patientId,
      centreId,
      kind: 'ecg',
      urgency: 'routine',
      question: '胸闷 2 天，请判读心电图',
      consent: CONSENT,
      cardCode: await cardCode(t, patientToken),
      ...extra,
    },
  });
  if (res.statusCode !== 201) throw new Error(`create request: ${res.statusCode} ${res.body}`);
  return res.json() as DiagnosticRequestView;
}

/** The material reached the centre (what an ECG upload, a stored study or a received specimen does). */
export async function materialArrives(t: TestApp, requestId: string): Promise<void> {
  await runCommand(t.ctx, systemActor, async ({ trx, now }) => {
    const row = await requestRow(trx, requestId, true);
    await materialArrived(trx, row, row.kind, t.ctx.config.remote, now);
  });
}

let serial = 0;

/**
 * A staff account made straight in the database: a doctor copied from an existing practitioner's place
 * (same institution and department) with their own practice start, or an org_admin of an institution.
 */
export async function staffAccount(
  t: TestApp,
  opts:
    | { kind: 'doctor'; likePractitionerOfPhone: string; name: string; practiceSince: number }
    | { kind: 'org_admin'; institutionId: string; name: string },
): Promise<{ token: string; accountId: string; practitionerId: string | null }> {
  const now = t.clock.now();
  serial += 1;
  const phone = `136${String(90_000_000 + serial * 7919 + Math.floor(Math.random() * 1000)).padStart(8, '0')}`;
  let practitionerId: string | null = null;
  let institutionId: string;
  if (opts.kind === 'doctor') {
    const like = await t.ctx.db
      .selectFrom('account as a')
      .innerJoin('practitioner as p', 'p.id', 'a.practitioner_id')
      .select(['p.institution_id', 'p.department_id', 'p.title', 'p.professional_title', 'p.specialty'])
      .where('a.phone_bidx', '=', t.ctx.cipher.blindIndex('phone', opts.likePractitionerOfPhone))
      .executeTakeFirstOrThrow();
    practitionerId = newId();
    institutionId = like.institution_id;
    await t.ctx.db
      .insertInto('practitioner')
      .values({
        id: practitionerId,
        code: `PT${serial}${Date.now() % 100000}`,
        name: opts.name,
        sex: 'male',
        kind: 'doctor',
        title: like.title ?? 'resident',
        professional_title: like.professional_title,
        institution_id: like.institution_id,
        department_id: like.department_id,
        specialty: like.specialty,
        licence_no: `1111TEST${serial}${Date.now() % 1000000}`,
        practice_since: opts.practiceSince,
      })
      .execute();
  } else institutionId = opts.institutionId;
  const accountId = newId();
  const roles = [opts.kind];
  await t.ctx.db
    .insertInto('account')
    .values({
      id: accountId,
      phone_enc: t.ctx.cipher.encrypt(phone),
      phone_bidx: t.ctx.cipher.blindIndex('phone', phone),
      password_hash: null,
      name: opts.name,
      roles,
      institution_id: institutionId,
      practitioner_id: practitionerId,
      created_at: now,
    })
    .execute();
  const { token } = await createSession(t.ctx, t.ctx.db, { id: accountId, roles });
  return { token, accountId, practitionerId };
}
