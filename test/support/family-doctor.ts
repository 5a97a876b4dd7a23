/**
 * [12/12] Family-doctor test helpers: the demo's phones, teams and packages by name, and a contract fixture
 * for tests of the parts that need a contracted resident without going through signing (follow-up,
 * referral, home services). The contracts' own tests sign through the API.
 */

import { newId } from '../../src/server/platform/ids.js';
import { shanghaiDate } from '../../src/shared/identity.js';
import type { TestApp } from './app.js';

export const FD_PHONE = {
  zhang: '13800000001',
  wang: '13800000003',
  daughter: '13800000004',
  lina: '13800000002',
  gp: '13900000004', // 龙晓梅, lead of 龙晓梅家庭医生团队 (YC-C01)
  cardiologist: '13900000001', // 陈建国, YC-H01, specialist member of the same team
  otherGp: '13900000003', // 段志刚, lead at YC-C02
  nurse: '13900000008', // 白秀珍 护师 since 2016 (meets FD-9)
  juniorNurse: '13900000009', // 田雨 护士 since 2024 (below FD-9)
  hospitalAdmin: '13600000001', // org_admin of YC-H01
  regulator: '13500000001',
} as const;

export const TEAM = {
  long: '龙晓梅家庭医生团队',
  wan: '万家豪家庭医生团队',
  duan: '段志刚家庭医生团队',
} as const;

export async function teamIdOf(t: TestApp, name: string): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('family_team')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** District packages by code (BASIC, ELDERLY, HTN, T2DM, CHILD, MATERNAL, DISABILITY), in the order asked. */
export async function packageIdsOf(t: TestApp, codes: readonly string[]): Promise<string[]> {
  const rows = await t.ctx.db
    .selectFrom('service_package')
    .select(['id', 'code'])
    .where('code', 'in', [...codes])
    .execute();
  return codes.map((c) => {
    const row = rows.find((r) => r.code === c);
    if (!row) throw new Error(`no package ${c}`);
    return row.id;
  });
}

/**
 * An active contract written straight into the tables (a fixture, not the signing path): the resident with
 * the team, the packages' current prices, from `startsOn` (default today) for `years`.
 */
export async function contractFixture(
  t: TestApp,
  opts: {
    patientId: string;
    team: string;
    packages: string[];
    years?: number;
    startsOn?: string;
    signerPhone?: string;
  },
): Promise<string> {
  const db = t.ctx.db;
  const now = t.clock.now();
  const teamId = await teamIdOf(t, opts.team);
  const team = await db
    .selectFrom('family_team')
    .select('institution_id')
    .where('id', '=', teamId)
    .executeTakeFirstOrThrow();
  const pkgIds = await packageIdsOf(t, opts.packages);
  const pkgs = await db.selectFrom('service_package').selectAll().where('id', 'in', pkgIds).execute();
  const years = opts.years ?? 1;
  const startsOn = opts.startsOn ?? shanghaiDate(now);
  const end = new Date(`${startsOn}T00:00:00+08:00`);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  end.setUTCDate(end.getUTCDate() - 1);
  const endsOn = shanghaiDate(end);
  const sum = (k: 'fee_fen' | 'insurance_fen' | 'public_health_fen' | 'resident_fen') =>
    pkgs.reduce((s, p) => s + p[k], 0) * years;
  const signer = await db
    .selectFrom('patient')
    .select('account_id')
    .where('id', '=', opts.patientId)
    .executeTakeFirstOrThrow();
  const id = newId();
  await db
    .insertInto('family_contract')
    .values({
      id,
      // The id's random tail: its head is a UUIDv7 timestamp, the same for contracts made within a minute.
      contract_no: `FDT${id.replaceAll('-', '').slice(-12).toUpperCase()}`,
      patient_id: opts.patientId,
      team_id: teamId,
      institution_id: team.institution_id,
      signer_account_id: signer.account_id!,
      years,
      starts_on: startsOn,
      ends_on: endsOn,
      status: 'active',
      previous_contract_id: null,
      fee_fen: sum('fee_fen'),
      insurance_fen: sum('insurance_fen'),
      public_health_fen: sum('public_health_fen'),
      resident_fen: sum('resident_fen'),
      order_id: null,
      group_id: id,
      agreement_text: '（测试夹具）',
      agreement_hash: '0'.repeat(64),
      signed_at: now,
      paid_at: now,
      terminated_at: null,
      terminate_reason: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
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
  return id;
}
