/**
 * [12/12] The demo region's family-doctor data on the first start (config.familyDoctor.demoContracts,
 * YUNYI_DEMO_FAMILY_DOCTOR; docs/family-doctor.md "Demo"): 王秀英 signed by her daughter 陈静 to
 * 龙晓梅家庭医生团队 with the basic, elderly, hypertension and diabetes packages for 2 years from about 11 months
 * ago; a year of her home readings (blood pressure twice a week, fasting glucose weekly) with uncontrolled
 * stretches, her plans and quarterly follow-ups as the rules made them (demo-family-doctor-history.ts), an
 * upward referral to 云川医院 cardiology, a home-nursing visit by 白秀珍, ratings and read articles; and a few
 * fictional residents so the assessment has something to count (an overdue follow-up, a renewal, a lapse).
 *
 * Written straight into the tables in one transaction: backdated data cannot go through the API (a reading
 * older than a year, a contract signed last year). Skipped when 王秀英 already has a contract.
 */
import { sql } from 'kysely';
import { shanghaiDate } from '../../shared/identity.js';
import { agreementHash, agreementText } from '../modules/family-doctor/agreement.js';
import { termEnd } from '../modules/family-doctor/contract.rules.js';
import { addDays } from '../modules/family-doctor/followup.rules.js';
import { syncHomeServiceItems } from '../modules/family-doctor/home-items.data.js';
import { seedConsent } from '../modules/identity/consent.service.js';
import { checkIdNumber } from '../modules/identity/identity.rules.js';
import { insertVerifiedPatient } from '../modules/identity/people.service.js';
import { recordAudit, systemActor } from '../platform/audit/audit.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { FieldCipher } from '../platform/crypto/fields.js';
import type { Db } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import { at, type History, simulate } from './demo-family-doctor-history.js';
import { DUAN, LONG, seedFamilyDoctorServices } from './demo-family-doctor-services.js';
import { DEMO_PATIENTS } from './region-data.js';

/** Fictional residents (no demo login: their accounts have no password) for the assessment's numbers. */
const RESIDENTS = [
  { key: 'liu', phone: '18800000001', name: '刘桂兰', first17: '11010119500308062', dx: 'I10' },
  { key: 'zhao', phone: '18800000002', name: '赵德福', first17: '11010119481102071', dx: null },
  { key: 'sun', phone: '18800000003', name: '孙丽', first17: '11010119880417084', dx: null },
  { key: 'zhou', phone: '18800000004', name: '周海', first17: '11010119690923093', dx: 'E11.9' },
  { key: 'wu', phone: '18800000005', name: '吴秀兰', first17: '11010119560130046', dx: 'I10' },
] as const;
type ResidentKey = (typeof RESIDENTS)[number]['key'];

const DX_NAME: Record<string, string> = { I10: '原发性高血压', 'E11.9': '2型糖尿病不伴有并发症' };
const mask = (id: string) => `${id.slice(0, 6)}********${id.slice(14)}`;

/** GB 11643: the check character of the first 17 digits. */
function idNumberOf(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return `${first17}${'10X98765432'[sum % 11]}`;
}

export interface FamilyDoctorDemoResult {
  seeded: boolean;
  contracts: number;
  readings: number;
}

export async function seedFamilyDoctorContracts(
  db: Db,
  cipher: FieldCipher,
  config: Config,
  clock: Clock,
): Promise<FamilyDoctorDemoResult> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(7283012)`.execute(trx);
    const now = clock.now();
    const today = shanghaiDate(now);
    const accountOfPhone = async (phone: string) =>
      (
        await trx
          .selectFrom('account')
          .select('id')
          .where('phone_bidx', '=', cipher.blindIndex('phone', phone))
          .executeTakeFirstOrThrow()
      ).id;
    const wangAccount = await accountOfPhone('13800000003');
    const wang = await trx
      .selectFrom('patient')
      .select(['id', 'name'])
      .where('account_id', '=', wangAccount)
      .executeTakeFirstOrThrow();
    const already = await trx
      .selectFrom('family_contract')
      .select('id')
      .where('patient_id', '=', wang.id)
      .executeTakeFirst();
    if (already) return { seeded: false, contracts: 0, readings: 0 };
    await syncHomeServiceItems(trx); // the catalogue the nursing visit names (idempotent)
    const daughterAccount = await accountOfPhone('13800000004');

    const practitioners = new Map(
      (
        await trx
          .selectFrom('practitioner')
          .leftJoin('account', 'account.practitioner_id', 'practitioner.id')
          .select(['practitioner.id', 'practitioner.code', 'practitioner.name', 'account.id as account_id'])
          .where('practitioner.code', 'in', ['P001', 'P048', 'P050', 'P051'])
          .execute()
      ).map((p) => [p.code, p]),
    );
    const prac = (code: string) => practitioners.get(code)!;
    const institutions = new Map(
      (
        await trx
          .selectFrom('institution')
          .select(['id', 'code', 'name'])
          .where('code', 'in', ['YC-C01', 'YC-C02', 'YC-H01'])
          .execute()
      ).map((i) => [i.code, i]),
    );
    const inst = (code: string) => institutions.get(code)!;
    const deptOf = async (institution: string, code: string) =>
      (
        await trx
          .selectFrom('department')
          .select('id')
          .where('institution_id', '=', inst(institution).id)
          .where('code', '=', code)
          .executeTakeFirstOrThrow()
      ).id;
    const teams = new Map(
      (
        await trx
          .selectFrom('family_team')
          .select(['id', 'name', 'institution_id', 'lead_practitioner_id'])
          .where('name', 'in', [LONG, DUAN])
          .execute()
      ).map((t) => [t.name, t]),
    );
    const team = (name: string) => teams.get(name)!;
    const packages = new Map(
      (await trx.selectFrom('service_package').selectAll().where('institution_id', 'is', null).execute()).map(
        (p) => [p.code, p],
      ),
    );

    // --- Fictional residents: accounts without a password, verified patients, their diagnoses.
    const patientOf = new Map<
      ResidentKey,
      { id: string; accountId: string; name: string; idNumber: string }
    >();
    for (const r of RESIDENTS) {
      const accountId = newId();
      await trx
        .insertInto('account')
        .values({
          id: accountId,
          phone_enc: cipher.encrypt(r.phone),
          phone_bidx: cipher.blindIndex('phone', r.phone),
          password_hash: null,
          name: r.name,
          roles: ['patient'],
          institution_id: null,
          practitioner_id: null,
          created_at: now,
        })
        .execute();
      await seedConsent(trx, accountId, now);
      const idNumber = idNumberOf(r.first17);
      const check = checkIdNumber(idNumber, now);
      if (!check.ok) throw new Error(`seed: ID number of ${r.name} is invalid (${check.problem})`);
      const id = await insertVerifiedPatient(cipher, trx, accountId, r.name, check, now);
      patientOf.set(r.key, { id, accountId, name: r.name, idNumber });
      if (r.dx) {
        const site = r.key === 'liu' ? 'YC-C01' : 'YC-C02';
        await trx
          .insertInto('offline_diagnosis')
          .values({
            id: newId(),
            patient_id: id,
            institution_id: inst(site).id,
            department_id: await deptOf(site, 'GP'),
            practitioner_id: prac(site === 'YC-C01' ? 'P048' : 'P051').id,
            icd10: r.dx,
            name: DX_NAME[r.dx]!,
            diagnosed_at: addDays(today, -420),
            source: 'seed',
            created_at: now,
          })
          .execute();
      }
    }
    const resident = (key: ResidentKey) => patientOf.get(key)!;

    // --- Contracts (FD-1…FD-3): prices of the packages, split, agreement text and its SM3 hash.
    const contractNos = new Map<string, number>();
    const contract = async (c: {
      patientId: string;
      patientName: string;
      idNumber: string;
      signerAccountId: string;
      signerName: string;
      teamName: string;
      codes: string[];
      years: number;
      startsOn: string;
      status: 'active' | 'expired';
      previous?: { id: string; no: string };
    }) => {
      const t = team(c.teamName);
      const pkgs = c.codes.map((code) => packages.get(code)!);
      const sum = (k: 'fee_fen' | 'insurance_fen' | 'public_health_fen' | 'resident_fen') =>
        pkgs.reduce((s, p) => s + p[k], 0) * c.years;
      const endsOn = termEnd(c.startsOn, c.years);
      const day = c.startsOn.replaceAll('-', '');
      const seq = (contractNos.get(day) ?? 0) + 1;
      contractNos.set(day, seq);
      const contractNo = `FD${day}${String(seq).padStart(4, '0')}`;
      const totals = {
        feeFen: sum('fee_fen'),
        insuranceFen: sum('insurance_fen'),
        publicHealthFen: sum('public_health_fen'),
        residentFen: sum('resident_fen'),
      };
      const lead = [...practitioners.values()].find((p) => p.id === t.lead_practitioner_id)!;
      const text = agreementText({
        contractNo,
        residentName: c.patientName,
        residentIdMasked: mask(c.idNumber),
        signerName: c.signerName,
        signerIsProxy: c.signerName !== c.patientName,
        teamName: t.name,
        leadName: lead.name,
        institutionName: [...institutions.values()].find((i) => i.id === t.institution_id)!.name,
        packages: pkgs.map((p) => ({
          name: p.name,
          services: p.services,
          feeFen: p.fee_fen,
          insuranceFen: p.insurance_fen,
          publicHealthFen: p.public_health_fen,
          residentFen: p.resident_fen,
        })),
        years: c.years,
        startsOn: c.startsOn,
        endsOn,
        totals,
        previousContractNo: c.previous?.no ?? null,
      });
      const id = newId();
      const signedAt = at(c.startsOn, '09:05');
      await trx
        .insertInto('family_contract')
        .values({
          id,
          contract_no: contractNo,
          patient_id: c.patientId,
          team_id: t.id,
          institution_id: t.institution_id,
          signer_account_id: c.signerAccountId,
          years: c.years,
          starts_on: c.startsOn,
          ends_on: endsOn,
          status: c.status,
          previous_contract_id: c.previous?.id ?? null,
          fee_fen: totals.feeFen,
          insurance_fen: totals.insuranceFen,
          public_health_fen: totals.publicHealthFen,
          resident_fen: totals.residentFen,
          order_id: null,
          group_id: id,
          agreement_text: text,
          agreement_hash: agreementHash(text),
          signed_at: signedAt,
          paid_at: new Date(signedAt.getTime() + 3 * 60_000),
          terminated_at: null,
          terminate_reason: null,
          created_at: at(c.startsOn, '09:00'),
          updated_at: c.status === 'expired' ? at(addDays(endsOn, 1), '00:10') : signedAt,
        })
        .execute();
      await trx
        .insertInto('family_contract_package')
        .values(
          pkgs.map((p) => ({
            contract_id: id,
            package_id: p.id,
            fee_fen: p.fee_fen,
            insurance_fen: p.insurance_fen,
            public_health_fen: p.public_health_fen,
            resident_fen: p.resident_fen,
          })),
        )
        .execute();
      return { id, no: contractNo };
    };

    const wangId = DEMO_PATIENTS.find((p) => p.name === '王秀英')!.idNumber;
    const wangStart = addDays(today, -334);
    const wangContract = await contract({
      patientId: wang.id,
      patientName: wang.name,
      idNumber: wangId,
      signerAccountId: daughterAccount,
      signerName: '陈静',
      teamName: LONG,
      codes: ['BASIC', 'ELDERLY', 'HTN', 'T2DM'],
      years: 2,
      startsOn: wangStart,
      status: 'active',
    });
    const own = (key: ResidentKey) => ({
      patientId: resident(key).id,
      patientName: resident(key).name,
      idNumber: resident(key).idNumber,
      signerAccountId: resident(key).accountId,
      signerName: resident(key).name,
    });
    const liuStart = addDays(today, -190);
    await contract({
      ...own('liu'),
      teamName: LONG,
      codes: ['BASIC', 'ELDERLY', 'HTN'],
      years: 1,
      startsOn: liuStart,
      status: 'active',
    });
    // 赵德福 renewed with the team (FD-1): the first year ended three weeks ago, the second runs.
    const zhaoFirst = await contract({
      ...own('zhao'),
      teamName: LONG,
      codes: ['BASIC', 'ELDERLY'],
      years: 1,
      startsOn: addDays(today, -385),
      status: 'expired',
    });
    await contract({
      ...own('zhao'),
      teamName: LONG,
      codes: ['BASIC', 'ELDERLY'],
      years: 1,
      startsOn: addDays(termEnd(addDays(today, -385), 1), 1),
      status: 'active',
      previous: zhaoFirst,
    });
    // 孙丽's year ended without a renewal.
    await contract({
      ...own('sun'),
      teamName: LONG,
      codes: ['BASIC'],
      years: 1,
      startsOn: addDays(today, -400),
      status: 'expired',
    });
    const zhouStart = addDays(today, -120);
    await contract({
      ...own('zhou'),
      teamName: DUAN,
      codes: ['BASIC', 'T2DM'],
      years: 1,
      startsOn: zhouStart,
      status: 'active',
    });
    const wuStart = addDays(today, -260);
    const wuContract = await contract({
      ...own('wu'),
      teamName: DUAN,
      codes: ['BASIC', 'ELDERLY', 'HTN'],
      years: 2,
      startsOn: wuStart,
      status: 'active',
    });

    // --- A year of readings and follow-up (FD-7, FD-8), as the rules would have made them.
    const settings = config.familyDoctor;
    const long = { practitionerId: prac('P048').id, accountId: prac('P048').account_id! };
    const duan = { practitionerId: prac('P051').id, accountId: prac('P051').account_id! };
    const histories: History[] = [
      simulate(
        {
          patientId: wang.id,
          teamId: team(LONG).id,
          readerAccountIds: [wangAccount, daughterAccount],
          conditions: ['hypertension', 'diabetes'],
          startsOn: wangStart,
          readingsFrom: addDays(today, -364),
          bpHigh: [
            [addDays(today, -224), addDays(today, -210)],
            [addDays(today, -183), addDays(today, -180)], // a blip: one or two readings, an adjust
          ],
          glucoseHigh: [[addDays(today, -134), addDays(today, -124)]],
          lastBpHigh: 2,
          scheduledLate: { 1: 2 },
          doctor: long,
          seed: 20_260_003,
        },
        today,
        settings,
      ),
      simulate(
        {
          patientId: resident('liu').id,
          teamId: team(LONG).id,
          readerAccountIds: [resident('liu').accountId],
          conditions: ['hypertension'],
          startsOn: liuStart,
          readingsFrom: null,
          bpHigh: [],
          glucoseHigh: [],
          lastBpHigh: 0,
          scheduledLate: { 1: 'skip' }, // due 8 days ago, not done: overdue on 龙晓梅's worklist
          doctor: long,
          seed: 20_260_101,
        },
        today,
        settings,
      ),
      simulate(
        {
          patientId: resident('zhou').id,
          teamId: team(DUAN).id,
          readerAccountIds: [resident('zhou').accountId],
          conditions: ['diabetes'],
          startsOn: zhouStart,
          readingsFrom: null,
          bpHigh: [],
          glucoseHigh: [[addDays(today, -35), addDays(today, -25)]],
          lastBpHigh: 0,
          scheduledLate: {},
          doctor: duan,
          seed: 20_260_104,
        },
        today,
        settings,
      ),
      simulate(
        {
          patientId: resident('wu').id,
          teamId: team(DUAN).id,
          readerAccountIds: [resident('wu').accountId],
          conditions: ['hypertension'],
          startsOn: wuStart,
          readingsFrom: null,
          bpHigh: [],
          glucoseHigh: [],
          lastBpHigh: 0,
          scheduledLate: { 1: 3 },
          doctor: duan,
          seed: 20_260_105,
        },
        today,
        settings,
      ),
    ];
    let readings = 0;
    for (const h of histories) {
      await trx.insertInto('followup_plan').values(h.plans).execute();
      for (let i = 0; i < h.readings.length; i += 200)
        await trx
          .insertInto('home_reading')
          .values(h.readings.slice(i, i + 200))
          .execute();
      readings += h.readings.length;
      await trx
        .insertInto('followup')
        .values(h.followups.map((f) => ({ ...f, record: f.record ? JSON.stringify(f.record) : null })))
        .execute();
      if (h.alerts.length > 0) await trx.insertInto('reading_alert').values(h.alerts).execute();
    }

    await seedFamilyDoctorServices(trx, cipher, config, {
      today,
      wang,
      wangAccount,
      daughterAccount,
      wangContract,
      zhaoFirst,
      wuContract,
      wangStart,
      liuStart,
      wuStart,
      histories,
      inst,
      prac,
      deptOf,
      team,
      resident,
    });

    await recordAudit(
      trx,
      systemActor,
      {
        action: 'demo.seed_family_doctor',
        details: { contracts: 7, readings, residents: RESIDENTS.length },
      },
      now,
    );
    return { seeded: true, contracts: 7, readings };
  });
}
