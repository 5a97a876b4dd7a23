import { describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  DEMO_PATIENTS,
  DEMO_STAFF,
  INSTITUTIONS,
  PRACTITIONERS,
  type SeedInstitution,
  type SeedPractitioner,
  type Title,
} from './region-data.js';

// The reference day for ages and licence validity in the demo.
const TODAY = '2026-11-22';

// ID-2: GB 11643-1999 check, kept inline so this test does not depend on the identity module.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const date = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birth || birth > TODAY)
    return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + Number(id[i]) * w, 0);
  return '10X98765432'[sum % 11] === id[17];
}

function sexOf(id: string): 'male' | 'female' {
  return Number(id[16]) % 2 === 1 ? 'male' : 'female';
}

function ageOn(id: string, day: string): number {
  const born = { y: Number(id.slice(6, 10)), md: id.slice(10, 14) };
  const on = { y: Number(day.slice(0, 4)), md: day.slice(5, 7) + day.slice(8, 10) };
  return on.y - born.y - (on.md < born.md ? 1 : 0);
}

const byCode = new Map(INSTITUTIONS.map((i) => [i.code, i]));
const practitionerByCode = new Map(PRACTITIONERS.map((p) => [p.code, p]));
const count = (pred: (i: SeedInstitution) => boolean) => INSTITUTIONS.filter(pred).length;
const dept = (institution: string, department: string) =>
  byCode.get(institution)?.departments.find((d) => d.code === department);
const practitionerWithPhone = (phone: string): SeedPractitioner => {
  const found = PRACTITIONERS.filter((p) => p.phone === phone);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('demo region institutions', () => {
  it('has the required mix of institutions', () => {
    expect(count((i) => i.type === 'hospital' && i.level === 'tertiary')).toBeGreaterThanOrEqual(3);
    expect(count((i) => i.type === 'hospital' && i.level === 'secondary')).toBeGreaterThanOrEqual(2);
    expect(count((i) => i.type === 'community_centre')).toBe(6);
    expect(count((i) => i.type === 'pharmacy')).toBe(3);
    expect(count((i) => i.type === 'imaging_centre')).toBe(1);
    expect(count((i) => i.type === 'lab_centre')).toBe(1);
    expect(count((i) => i.type === 'ecg_centre')).toBe(1);
  });

  it('has unique institution codes and unique department codes within each institution', () => {
    expect(byCode.size).toBe(INSTITUTIONS.length);
    for (const i of INSTITUTIONS) {
      expect(new Set(i.departments.map((d) => d.code)).size, i.code).toBe(i.departments.length);
      expect(i.departments.length, i.code).toBeGreaterThan(0);
    }
  });

  it('has a tertiary children’s hospital with the three pilot departments and general paediatrics', () => {
    const childrens = INSTITUTIONS.filter((i) => i.isChildrens);
    expect(childrens).toHaveLength(1);
    const [h] = childrens;
    expect(h.type).toBe('hospital');
    expect(h.level).toBe('tertiary');
    const names = h.departments.map((d) => d.name);
    for (const name of ['儿童生长发育科', '儿童营养科', '儿童皮肤科', '普通儿科'])
      expect(names).toContain(name);
    expect(h.internetHospital?.services).toContain('first_visit');
  });

  it('gives every hospital an internet hospital, and only the children’s hospital first visits', () => {
    for (const h of INSTITUTIONS.filter((i) => i.type === 'hospital')) {
      expect(h.internetHospital, h.code).toBeDefined();
      expect(h.internetHospital?.services.includes('first_visit'), h.code).toBe(h.isChildrens === true);
    }
  });

  it('puts cardiology (CARD) in a tertiary hospital and general practice in every community centre', () => {
    expect(
      INSTITUTIONS.some((i) => i.level === 'tertiary' && dept(i.code, 'CARD')?.name === '心血管内科'),
    ).toBe(true);
    for (const c of INSTITUTIONS.filter((i) => i.type === 'community_centre')) {
      expect(c.level).toBe('primary');
      expect(c.departments.map((d) => d.name)).toContain('全科医学科');
      expect(byCode.get(c.allianceOf ?? '')?.level, c.code).toBe('tertiary');
    }
  });

  it('has licences of the right kind, with dates in order, and online scope within the practice scope', () => {
    for (const i of INSTITUTIONS) {
      const kinds = i.licences.map((l) => l.kind);
      expect(kinds, i.code).toContain(i.type === 'pharmacy' ? 'pharmacy_business' : 'practice');
      expect(kinds.includes('internet_hospital'), i.code).toBe(i.internetHospital !== undefined);
      for (const l of i.licences) {
        expect(l.validFrom < l.validTo, i.code).toBe(true);
        expect(l.validTo >= TODAY, `${i.code} ${l.kind}`).toBe(true);
      }
      const practiceScope = i.licences.find((l) => l.kind === 'practice')?.scope ?? [];
      for (const s of i.licences.find((l) => l.kind === 'internet_hospital')?.scope ?? []) {
        expect(practiceScope, `${i.code} ORG-3`).toContain(s);
      }
    }
    // Every hospital's practice scope lists its departments' specialties (pharmacy aside).
    for (const h of INSTITUTIONS.filter((i) => i.type === 'hospital')) {
      const scope = h.licences.find((l) => l.kind === 'practice')?.scope ?? [];
      for (const d of h.departments.filter((d) => d.code !== 'PHAR'))
        expect(scope, h.code).toContain(d.specialty);
    }
  });
});

describe('demo region practitioners', () => {
  it('has at least 44 practitioners with unique codes and licence numbers', () => {
    expect(PRACTITIONERS.length).toBeGreaterThanOrEqual(44);
    expect(practitionerByCode.size).toBe(PRACTITIONERS.length);
    expect(new Set(PRACTITIONERS.map((p) => p.licenceNo)).size).toBe(PRACTITIONERS.length);
    for (const p of PRACTITIONERS) expect(p.licenceNo, p.code).toMatch(/^\d{15}$/);
  });

  it('places every practitioner, and every other site, in an existing institution and department', () => {
    for (const p of PRACTITIONERS) {
      expect(dept(p.institution, p.department), `${p.code} ${p.institution}/${p.department}`).toBeDefined();
      for (const s of p.otherSites ?? []) {
        expect(s.institution, p.code).not.toBe(p.institution);
        expect(dept(s.institution, s.department), `${p.code} ${s.institution}/${s.department}`).toBeDefined();
      }
    }
    expect(PRACTITIONERS.filter((p) => (p.otherSites ?? []).length > 0).length).toBeGreaterThanOrEqual(3);
  });

  it('has every doctor title, nurses and pharmacists, with matching Chinese titles', () => {
    const prefix: Record<Title, string> = {
      resident: '住院',
      attending: '主治',
      associate_chief: '副主任',
      chief: '主任',
    };
    const doctors = PRACTITIONERS.filter((p) => p.kind === 'doctor');
    for (const t of Object.keys(prefix) as Title[])
      expect(
        doctors.some((d) => d.title === t),
        t,
      ).toBe(true);
    for (const d of doctors) {
      expect(d.title, d.code).not.toBeNull();
      expect(d.professionalTitle.startsWith(prefix[d.title as Title]), d.code).toBe(true);
    }
    for (const p of PRACTITIONERS.filter((p) => p.kind !== 'doctor')) expect(p.title, p.code).toBeNull();
    expect(PRACTITIONERS.filter((p) => p.kind === 'nurse').length).toBeGreaterThanOrEqual(3);
    expect(PRACTITIONERS.filter((p) => p.kind === 'pharmacist').length).toBeGreaterThanOrEqual(3);
  });

  it('has practitioners at every institution and general practitioners in every community centre', () => {
    const sites = (p: SeedPractitioner) => [p.institution, ...(p.otherSites ?? []).map((s) => s.institution)];
    for (const i of INSTITUTIONS)
      expect(
        PRACTITIONERS.some((p) => sites(p).includes(i.code)),
        i.code,
      ).toBe(true);
    for (const c of INSTITUTIONS.filter((i) => i.type === 'community_centre')) {
      expect(
        PRACTITIONERS.some((p) => p.kind === 'doctor' && p.institution === c.code && p.department === 'GP'),
        c.code,
      ).toBe(true);
    }
  });

  it('offers online care only with 3 years of independent practice (ORG-1)', () => {
    for (const p of PRACTITIONERS.filter((p) => p.offersOnline)) {
      expect(2026 - p.practiceSince, p.code).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('demo accounts', () => {
  it('has the demo cardiologist: chief, CARD at a tertiary hospital, online since 2021', () => {
    const p = practitionerWithPhone('13900000001');
    expect(p).toMatchObject({
      kind: 'doctor',
      title: 'chief',
      professionalTitle: '主任医师',
      department: 'CARD',
      offersOnline: true,
      onlineFollowUpSince: 2021,
    });
    expect(byCode.get(p.institution)?.level).toBe('tertiary');
  });

  it('has the demo paediatrician who meets the first-visit pilot bar (PILOT-2)', () => {
    const p = practitionerWithPhone('13900000002');
    expect(p).toMatchObject({ kind: 'doctor', title: 'attending', professionalTitle: '主治医师' });
    expect(byCode.get(p.institution)?.isChildrens).toBe(true);
    expect(dept(p.institution, p.department)?.name).toBe('儿童生长发育科');
    expect(p.practiceSince).toBeLessThanOrEqual(2020);
    expect(p.onlineFollowUpSince).toBeLessThanOrEqual(2024);
    expect(p.firstVisitTrained).toBe(true);
    expect(p.offersOnline).toBe(true);
  });

  it('has the demo pharmacist in a tertiary hospital’s 药剂科', () => {
    const p = practitionerWithPhone('13700000001');
    expect(p.kind).toBe('pharmacist');
    expect(byCode.get(p.institution)?.level).toBe('tertiary');
    expect(dept(p.institution, p.department)?.name).toBe('药剂科');
  });

  it('gives phones only to the demo practitioners', () => {
    const phones = PRACTITIONERS.flatMap((p) => (p.phone ? [p.phone] : [])).sort();
    expect(phones).toEqual([
      '13700000001',
      '13700000003',
      '13700000004',
      '13700000005',
      '13700000006',
      '13700000007',
      '13900000001',
      '13900000002',
      '13900000003',
      '13900000004',
      '13900000005',
      '13900000006',
      '13900000007',
      '13900000008',
      '13900000009',
    ]);
  });

  it('has the remote-diagnosis demo: a community GP and a reading doctor at each regional centre (REMOTE-5)', () => {
    expect(byCode.get(practitionerWithPhone('13900000004').institution)?.type).toBe('community_centre');
    expect(byCode.get(practitionerWithPhone('13900000005').institution)?.type).toBe('ecg_centre');
    expect(byCode.get(practitionerWithPhone('13900000006').institution)?.type).toBe('imaging_centre');
    expect(byCode.get(practitionerWithPhone('13900000007').institution)?.type).toBe('lab_centre');
  });

  it('has the second doctor of the authorisation demo: a community GP no demo patient has seen (SEC-1)', () => {
    const p = practitionerWithPhone('13900000003');
    expect(p).toMatchObject({ kind: 'doctor', department: 'GP' });
    expect(p.bio).toContain('全科');
    expect(byCode.get(p.institution)?.type).toBe('community_centre');
    for (const patient of DEMO_PATIENTS)
      for (const dx of patient.offlineDiagnoses ?? []) expect(dx.doctor, patient.name).not.toBe(p.code);
  });

  it('keeps the demo doctors’ institutions licensed beyond 2027', () => {
    for (const phone of ['13900000001', '13900000002', '13900000003']) {
      const i = byCode.get(practitionerWithPhone(phone).institution);
      for (const l of i?.licences ?? []) expect(l.validTo >= '2027-12-31', `${i?.code} ${l.kind}`).toBe(true);
    }
  });

  it('has valid GB 11643 ID numbers, matching sex and the stated ages (ID-2)', () => {
    const ids = DEMO_PATIENTS.flatMap((p) => [p.idNumber, ...(p.dependents ?? []).map((d) => d.idNumber)]);
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(isValidIdNumber(id), id).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);

    const patient = (phone: string) => DEMO_PATIENTS.find((p) => p.phone === phone);
    expect(patient('13800000001')?.name).toBe('张伟');
    expect(ageOn(patient('13800000001')?.idNumber ?? '', TODAY)).toBeGreaterThanOrEqual(18);
    expect(patient('13800000002')?.name).toBe('李娜');
    expect(ageOn(patient('13800000002')?.idNumber ?? '', TODAY)).toBeGreaterThanOrEqual(18);
    const child = patient('13800000002')?.dependents?.[0];
    expect(child).toMatchObject({ name: '李小宝', relationship: 'child' });
    expect(ageOn(child?.idNumber ?? '', TODAY)).toBe(7);
    expect(child?.idNumber.slice(6, 10)).toBe('2019');
    const elder = patient('13800000003');
    expect(elder?.name).toBe('王秀英');
    expect(sexOf(elder?.idNumber ?? '')).toBe('female');
    expect(ageOn(elder?.idNumber ?? '', TODAY)).toBe(72);
  });

  it('has a sanity check for the ID check itself', () => {
    expect(isValidIdNumber('11010119780315031X')).toBe(true);
    expect(isValidIdNumber('110101197803150310')).toBe(false); // wrong check character
    expect(isValidIdNumber('11010119780231031X')).toBe(false); // 31 February
  });

  it('gives 张伟 an offline hypertension diagnosis in 2026 by the demo cardiologist', () => {
    const [dx] = DEMO_PATIENTS.find((p) => p.phone === '13800000001')?.offlineDiagnoses ?? [];
    const doctor = practitionerWithPhone('13900000001');
    expect(dx).toMatchObject({ icd10: 'I10', name: '原发性高血压', department: 'CARD', doctor: doctor.code });
    expect(dx.institution).toBe(doctor.institution);
    expect(dx.diagnosedAt.startsWith('2026-')).toBe(true);
    for (const p of DEMO_PATIENTS) {
      for (const d of p.offlineDiagnoses ?? []) {
        expect(dept(d.institution, d.department), d.name).toBeDefined();
        expect(practitionerByCode.get(d.doctor)?.institution).toBe(d.institution);
      }
    }
  });

  it('has the staff accounts, pointing at existing institutions and practitioners', () => {
    const roleOf = Object.fromEntries(DEMO_STAFF.map((s) => [s.phone, s.role]));
    expect(roleOf).toEqual({
      '13900000001': 'doctor',
      '13900000002': 'doctor',
      '13900000003': 'doctor',
      // [11/12] remote diagnosis: the community GP and the three centres' reading doctors.
      '13900000004': 'doctor',
      '13900000005': 'doctor',
      '13900000006': 'doctor',
      '13900000007': 'doctor',
      // [12/12] family doctor: 龙晓梅's team nurses (白秀珍 meets the FD-9 bar, 田雨 does not).
      '13900000008': 'nurse',
      '13900000009': 'nurse',
      '13700000001': 'pharmacist',
      '13700000003': 'pharmacist',
      '13700000004': 'pharmacist',
      '13700000005': 'pharmacist',
      '13700000006': 'pharmacist',
      '13700000007': 'pharmacist',
      '13700000002': 'pharmacy_staff',
      '13700000012': 'pharmacy_staff',
      '13700000013': 'pharmacy_staff',
      '13600000001': 'org_admin',
      '13600000002': 'org_admin',
      '13600000003': 'org_admin',
      '13500000001': 'regulator',
      '13400000001': 'insurer',
      // DJ-8: the three separated administrators.
      '13300000001': 'system_admin',
      '13300000002': 'security_admin',
      '13300000003': 'audit_admin',
    });
    for (const s of DEMO_STAFF) {
      if (s.institution) expect(byCode.has(s.institution), s.phone).toBe(true);
      if (s.practitioner) {
        const p = practitionerByCode.get(s.practitioner);
        expect(p?.phone, s.phone).toBe(s.phone);
        expect(p?.name).toBe(s.name);
        expect(p?.institution).toBe(s.institution);
      }
    }
    const staff = (phone: string) => DEMO_STAFF.find((s) => s.phone === phone);
    expect(byCode.get(staff('13700000002')?.institution ?? '')?.type).toBe('pharmacy');
    expect(staff('13600000001')?.institution).toBe(practitionerWithPhone('13900000001').institution);
    // The children's hospital's admin manages its first-visit whitelist (PILOT-2).
    expect(byCode.get(staff('13600000002')?.institution ?? '')?.isChildrens).toBe(true);
    // [12/12] A community centre's admin manages its family-doctor teams and packages.
    expect(byCode.get(staff('13600000003')?.institution ?? '')?.type).toBe('community_centre');
    expect(staff('13500000001')?.institution).toBeUndefined();
    expect(staff('13400000001')?.institution).toBeUndefined();
    // ORG-4, RX-10: every hospital has a review pharmacist account.
    for (const h of INSTITUTIONS.filter((i) => i.type === 'hospital'))
      expect(
        DEMO_STAFF.some((s) => s.role === 'pharmacist' && s.institution === h.code),
        h.code,
      ).toBe(true);
    expect(DEMO_PASSWORD).toBe('Demo@2026');
  });
});
