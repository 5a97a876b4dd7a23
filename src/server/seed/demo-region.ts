import { sql } from 'kysely';
import { shanghaiDate } from '../../shared/identity.js';
import { pinyinKeys } from '../modules/directory/search.keys.js';
import { hashPassword } from '../modules/identity/auth.service.js';
import { seedConsent } from '../modules/identity/consent.service.js';
import { checkIdNumber } from '../modules/identity/identity.rules.js';
import { insertVerifiedPatient } from '../modules/identity/people.service.js';
import { recordAudit, systemActor } from '../platform/audit/audit.js';
import type { Clock } from '../platform/clock.js';
import type { FieldCipher } from '../platform/crypto/fields.js';
import type { Db, Tx } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import { seedFamilyDoctor } from './demo-family-doctor.js';
import { seedInsurance } from './demo-insurance.js';
import { seedPharmacy } from './demo-pharmacy.js';
import { seedPrescribing } from './demo-prescriptions.js';
import { seedRecords } from './demo-records.js';
import { seedRemote } from './demo-remote.js';
import {
  DEMO_FIRST_VISIT_WHITELIST,
  DEMO_PASSWORD,
  DEMO_PATIENTS,
  DEMO_PILOT_SCOPES,
  DEMO_STAFF,
  INSTITUTIONS,
  PRACTITIONERS,
} from './region-data.js';

export interface SeedResult {
  seeded: boolean;
  institutions: number;
  practitioners: number;
  accounts: number;
}

/**
 * Seeds the fictional 云川区 demo region once: institutions with licences and departments,
 * practitioners, and the demo accounts of the README (all with password Demo@2026). It runs in one
 * transaction and is skipped when the region is already there, so restarts and concurrent starts are safe.
 */
export async function seedDemoRegion(db: Db, cipher: FieldCipher, clock: Clock): Promise<SeedResult> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    // Serialise concurrent first starts of several nodes.
    await sql`select pg_advisory_xact_lock(7283003)`.execute(trx);
    const first = INSTITUTIONS[0]!;
    const existing = await trx
      .selectFrom('institution')
      .select('id')
      .where('code', '=', first.code)
      .executeTakeFirst();
    if (existing) return { seeded: false, institutions: 0, practitioners: 0, accounts: 0 };
    const now = clock.now();
    const inst = new Map<string, string>();
    const dept = new Map<string, string>();
    for (const i of INSTITUTIONS) inst.set(i.code, newId());
    for (const i of INSTITUTIONS) {
      await trx
        .insertInto('institution')
        .values({
          id: inst.get(i.code)!,
          code: i.code,
          name: i.name,
          name_en: i.nameEn,
          short_name: i.shortName,
          type: i.type,
          level: i.level,
          is_childrens: i.isChildrens ?? false,
          district: i.district,
          address: i.address,
          phone: i.phone,
          alliance_of: i.allianceOf ? inst.get(i.allianceOf)! : null,
          internet_hospital: JSON.stringify(i.internetHospital ?? null),
          ...pinyinKeys(i.name, 'place'),
        })
        .execute();
      for (const d of i.departments) {
        const id = newId();
        dept.set(`${i.code}/${d.code}`, id);
        await trx
          .insertInto('department')
          .values({
            id,
            institution_id: inst.get(i.code)!,
            code: d.code,
            name: d.name,
            name_en: d.nameEn,
            specialty: d.specialty,
            ...pinyinKeys(d.name, 'place'),
          })
          .execute();
      }
      for (const l of i.licences) {
        await trx
          .insertInto('licence')
          .values({
            id: newId(),
            institution_id: inst.get(i.code)!,
            practitioner_id: null,
            kind: l.kind,
            number: l.number,
            issued_by: l.issuedBy,
            valid_from: l.validFrom,
            valid_to: l.validTo,
            scope: JSON.stringify(l.scope ?? []),
          })
          .execute();
      }
    }
    const prac = new Map<string, string>();
    const deptId = (institution: string, department: string) => {
      const id = dept.get(`${institution}/${department}`);
      if (!id) throw new Error(`seed: department ${institution}/${department} does not exist`);
      return id;
    };
    for (const p of PRACTITIONERS) {
      const id = newId();
      prac.set(p.code, id);
      await trx
        .insertInto('practitioner')
        .values({
          id,
          code: p.code,
          name: p.name,
          sex: p.sex,
          kind: p.kind,
          title: p.title,
          professional_title: p.professionalTitle,
          institution_id: inst.get(p.institution)!,
          department_id: deptId(p.institution, p.department),
          specialty: p.specialty,
          bio: p.bio,
          licence_no: p.licenceNo,
          practice_since: p.practiceSince,
          online_follow_up_since: p.onlineFollowUpSince ?? null,
          offers_online: p.offersOnline,
          first_visit_trained: p.firstVisitTrained ?? false,
          ...pinyinKeys(p.name, 'person'),
        })
        .execute();
      await trx
        .insertInto('licence')
        .values({
          id: newId(),
          institution_id: null,
          practitioner_id: id,
          kind: 'practitioner',
          number: p.licenceNo,
          issued_by: '云川区卫生健康委员会',
          valid_from: `${p.practiceSince}-07-01`,
          valid_to: '2030-12-31',
          scope: JSON.stringify([p.specialty]),
        })
        .execute();
      for (const s of p.otherSites ?? []) {
        await trx
          .insertInto('practitioner_site')
          .values({
            practitioner_id: id,
            institution_id: inst.get(s.institution)!,
            department_id: deptId(s.institution, s.department),
          })
          .execute();
      }
    }

    let accounts = 0;
    const addAccount = async (
      trx: Tx,
      phone: string,
      name: string,
      roles: string[],
      institutionId: string | null,
      practitionerId: string | null,
    ) => {
      const id = newId();
      await trx
        .insertInto('account')
        .values({
          id,
          phone_enc: cipher.encrypt(phone),
          phone_bidx: cipher.blindIndex('phone', phone),
          password_hash: passwordHash,
          name,
          roles,
          institution_id: institutionId,
          practitioner_id: practitionerId,
          password_changed_at: now,
          created_at: now,
        })
        .execute();
      // SEC-1: demo accounts count as having agreed to the current texts (journeys log them in often).
      if (roles.includes('patient')) await seedConsent(trx, id, now);
      accounts += 1;
      return id;
    };
    const addPatient = async (trx: Tx, accountId: string | null, name: string, idNumber: string) => {
      const check = checkIdNumber(idNumber, now);
      if (!check.ok) throw new Error(`seed: ID number of ${name} is invalid (${check.problem})`);
      return insertVerifiedPatient(cipher, trx, accountId, name, check, now);
    };

    for (const s of DEMO_STAFF) {
      const practitioner = s.practitioner ? PRACTITIONERS.find((p) => p.code === s.practitioner) : undefined;
      const institution = s.institution ?? practitioner?.institution;
      await addAccount(
        trx,
        s.phone,
        s.name,
        [s.role],
        institution ? inst.get(institution)! : null,
        s.practitioner ? prac.get(s.practitioner)! : null,
      );
    }
    const patients = new Map<string, string>();
    for (const p of DEMO_PATIENTS) {
      const accountId = await addAccount(trx, p.phone, p.name, ['patient'], null, null);
      const patientId = await addPatient(trx, accountId, p.name, p.idNumber);
      patients.set(p.name, patientId);
      for (const d of p.dependents ?? []) {
        const dependentId = await addPatient(trx, null, d.name, d.idNumber);
        patients.set(d.name, dependentId);
        await trx
          .insertInto('family_proxy')
          .values({
            id: newId(),
            proxy_account_id: accountId,
            patient_id: dependentId,
            relationship: d.relationship,
            is_guardian: true,
            confirm_phone_enc: null,
            status: 'active',
            confirmed_at: now,
            created_at: now,
          })
          .execute();
      }
      for (const dx of p.offlineDiagnoses ?? []) {
        const doctor = PRACTITIONERS.find((x) => x.code === dx.doctor || x.phone === dx.doctor);
        await trx
          .insertInto('offline_diagnosis')
          .values({
            id: newId(),
            patient_id: patientId,
            institution_id: inst.get(dx.institution)!,
            department_id: deptId(dx.institution, dx.department),
            practitioner_id: doctor ? prac.get(doctor.code)! : null,
            icd10: dx.icd10,
            name: dx.name,
            diagnosed_at: dx.diagnosedAt,
            source: 'seed',
            created_at: now,
          })
          .execute();
      }
    }
    // Adult family proxies between demo accounts (陈静 for her mother 王秀英), confirmed as by SMS.
    for (const p of DEMO_PATIENTS) {
      for (const link of p.proxyFor ?? []) {
        const target = DEMO_PATIENTS.find((x) => x.phone === link.phone)!;
        const proxyAccount = await trx
          .selectFrom('account')
          .select('id')
          .where('phone_bidx', '=', cipher.blindIndex('phone', p.phone))
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('family_proxy')
          .values({
            id: newId(),
            proxy_account_id: proxyAccount.id,
            patient_id: patients.get(target.name)!,
            relationship: link.relationship,
            is_guardian: false,
            confirm_phone_enc: cipher.encrypt(target.phone),
            status: 'active',
            confirmed_at: now,
            created_at: now,
          })
          .execute();
      }
    }
    const year = shanghaiDate(now).slice(0, 4);
    for (const scope of DEMO_PILOT_SCOPES) {
      await trx
        .insertInto('pilot_scope')
        .values({
          id: newId(),
          institution_id: inst.get(scope.institution)!,
          specialty: scope.specialty,
          starts_on: `${year}-01-01`,
          ends_on: `${year}-12-31`,
          created_by: null,
          created_at: now,
        })
        .execute();
    }
    for (const w of DEMO_FIRST_VISIT_WHITELIST) {
      await trx
        .insertInto('first_visit_whitelist')
        .values({
          institution_id: inst.get(w.institution)!,
          practitioner_id: prac.get(w.practitioner)!,
          added_by: null,
          added_at: now,
        })
        .execute();
    }
    // [5/12]: the drug catalogue, formularies and allergies; pharmacies' sites and stock.
    await seedPrescribing(trx, { institutions: inst, practitioners: prac, patients }, now);
    await seedPharmacy(trx, { institutions: inst }, now);
    // [6/12]: the health archives of 张伟 and 王秀英 (encounters, history, results, reports).
    await seedRecords(
      trx,
      cipher,
      { institutions: inst, practitioners: prac, patients, departments: dept },
      now,
    );
    // [7/12]: the insurance bureau's policy and the designated institutions (INS-1).
    await seedInsurance(trx, { institutions: inst, practitioners: prac, patients }, now);
    // [11/12]: remote diagnosis — agreements between the community and the regional centres.
    await seedRemote(trx, { institutions: inst, practitioners: prac, patients }, now);
    // [12/12]: family-doctor teams, service packages and health-education articles.
    await seedFamilyDoctor(trx, { institutions: inst, practitioners: prac, patients }, now);
    await recordAudit(
      trx,
      systemActor,
      {
        action: 'demo.seed',
        details: { institutions: INSTITUTIONS.length, practitioners: PRACTITIONERS.length, accounts },
      },
      now,
    );
    return { seeded: true, institutions: INSTITUTIONS.length, practitioners: PRACTITIONERS.length, accounts };
  });
}
