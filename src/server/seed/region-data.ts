// Demo region: the fictional 云川区 (Yunchuan District) of the fictional city 云澜市, modelled on the seed
// documents (docs: shared/seeds): internet hospitals tied to physical institutions (seed 000),
// community centres in medical alliances with remote imaging / ECG / lab diagnosis (seed 001), family
// doctors (seed 002) and the 2026 online first-visit pilot at a children's hospital (seed 004).
// Every institution, person, address, phone number and licence number here is invented.
//
// The data is split in three files; this one holds the types, the demo accounts and re-exports the rest.

export type InstitutionType =
  | 'hospital'
  | 'community_centre'
  | 'community_station'
  | 'pharmacy'
  | 'imaging_centre'
  | 'lab_centre'
  | 'ecg_centre';
export type InstitutionLevel = 'tertiary' | 'secondary' | 'primary' | null;
export type Title = 'resident' | 'attending' | 'associate_chief' | 'chief';
export type PractitionerKind = 'doctor' | 'nurse' | 'pharmacist';

export interface SeedLicence {
  kind: 'practice' | 'internet_hospital' | 'pharmacy_business';
  number: string;
  issuedBy: string;
  validFrom: string;
  validTo: string;
  scope?: string[];
}

export interface SeedDepartment {
  code: string; // unique within the institution, e.g. 'CARD'
  name: string;
  nameEn: string;
  specialty: string;
}

export interface SeedInstitution {
  code: string; // unique, e.g. 'YC-H01'
  name: string;
  nameEn: string;
  shortName: string;
  type: InstitutionType;
  level: InstitutionLevel;
  isChildrens?: boolean;
  district: string; // '云川区', or an outer district such as '云溪县' for a few partners
  address: string;
  phone: string; // switchboard, '010-6xxxxxxx'
  internetHospital?: {
    name: string;
    approvedAt: string;
    services: (
      | 'consultation'
      | 'follow_up'
      | 'first_visit'
      | 'nursing_consultation'
      | 'prescription'
      | 'remote_consultation'
      | 'remote_diagnosis'
    )[];
  };
  licences: SeedLicence[];
  departments: SeedDepartment[];
  allianceOf?: string; // code of the lead hospital of its medical alliance (医联体)
}

export interface SeedPractitioner {
  code: string; // unique, e.g. 'P001'
  name: string;
  sex: 'male' | 'female';
  kind: PractitionerKind;
  title: Title | null; // doctors only; nurses and pharmacists carry their title in professionalTitle
  professionalTitle: string; // e.g. '主任医师', '主管护师', '主管药师'
  institution: string;
  department: string;
  otherSites?: { institution: string; department: string }[]; // 多点执业
  specialty: string;
  bio: string;
  licenceNo: string;
  practiceSince: number; // year of first independent practice
  onlineFollowUpSince?: number; // year of first online follow-up practice
  offersOnline: boolean;
  firstVisitTrained?: boolean;
  phone?: string; // only for the demo accounts
}

export interface SeedPatient {
  phone: string;
  name: string;
  idNumber: string;
  /** Adults with their own account this one acts for (an adult family proxy, confirmed). */
  proxyFor?: { phone: string; relationship: 'parent' | 'spouse' | 'child' | 'sibling' }[];
  dependents?: {
    name: string;
    idNumber: string;
    relationship: 'child' | 'parent' | 'spouse' | 'grandchild' | 'grandparent' | 'sibling' | 'ward' | 'other';
  }[];
  offlineDiagnoses?: {
    institution: string;
    department: string;
    icd10: string;
    name: string;
    diagnosedAt: string;
    doctor: string;
  }[];
}

export interface SeedStaffAccount {
  phone: string;
  role:
    | 'doctor'
    | 'nurse'
    | 'pharmacist'
    | 'pharmacy_staff'
    | 'org_admin'
    | 'regulator'
    | 'insurer'
    | 'system_admin'
    | 'security_admin'
    | 'audit_admin';
  name: string;
  institution?: string;
  practitioner?: string;
}

export { INSTITUTIONS } from './region-institutions.js';
export { PRACTITIONERS } from './region-practitioners.js';

export const DEMO_PASSWORD = 'Demo@2026';

// The ID numbers below are FICTIONAL. They are well-formed GB 11643-1999 numbers (rule ID-2: region
// code 110101, birth date, sequence odd for men and even for women, check character) and belong to
// nobody we know of. Ages are as of 2026-11-22.
export const DEMO_PATIENTS: SeedPatient[] = [
  {
    // Adult man, hypertension diagnosed in the clinic, so he may be seen online for follow-up (VISIT-1).
    phone: '13800000001',
    name: '张伟',
    idNumber: '11010119780315031X', // male, born 1978-03-15
    offlineDiagnoses: [
      {
        institution: 'YC-H01',
        department: 'CARD',
        icd10: 'I10',
        name: '原发性高血压',
        diagnosedAt: '2026-03-12',
        doctor: 'P001',
      },
    ],
  },
  {
    // Mother acting for her son (family proxy, guardian: ID-6); the boy has no prior diagnosis, the
    // case for the growth-and-development first-visit pilot (PILOT-1, PILOT-3).
    phone: '13800000002',
    name: '李娜',
    idNumber: '11010119900608024X', // female, born 1990-06-08
    dependents: [
      {
        name: '李小宝',
        idNumber: '110101201905200153', // male, born 2019-05-20, aged 7
        relationship: 'child',
      },
    ],
  },
  {
    // Elderly woman for elderly mode, with a chronic condition followed up online.
    phone: '13800000003',
    name: '王秀英',
    idNumber: '110101195408160463', // female, born 1954-08-16, aged 72
    offlineDiagnoses: [
      {
        institution: 'YC-H01',
        department: 'ENDO',
        icd10: 'E11.9',
        name: '2型糖尿病不伴有并发症',
        diagnosedAt: '2025-09-10',
        doctor: 'P005',
      },
      {
        // [12/12] Hypertension found by her community's family doctor: the hypertension package (FD-7).
        institution: 'YC-C01',
        department: 'GP',
        icd10: 'I10',
        name: '原发性高血压',
        diagnosedAt: '2025-11-20',
        doctor: 'P048',
      },
    ],
  },
  {
    // [12/12] 王秀英's daughter: her family proxy (亲情账户, confirmed by 王秀英's SMS code), who signs her
    // mother to a family-doctor team and pays (FD-1).
    phone: '13800000004',
    name: '陈静',
    idNumber: '110101198005120284', // female, born 1980-05-12
    proxyFor: [{ phone: '13800000003', relationship: 'parent' }],
  },
];

export const DEMO_STAFF: SeedStaffAccount[] = [
  { phone: '13900000001', role: 'doctor', name: '陈建国', institution: 'YC-H01', practitioner: 'P001' },
  { phone: '13900000002', role: 'doctor', name: '苏晓雯', institution: 'YC-H03', practitioner: 'P029' },
  // A community GP with no visit with 张伟: the second doctor of the authorisation demo (授权调阅, SEC-1).
  { phone: '13900000003', role: 'doctor', name: '段志刚', institution: 'YC-C02', practitioner: 'P051' },
  // [11/12] Remote diagnosis (REMOTE-5): the community GP who requests, and a reading doctor at each centre.
  { phone: '13900000004', role: 'doctor', name: '龙晓梅', institution: 'YC-C01', practitioner: 'P048' },
  { phone: '13900000005', role: 'doctor', name: '武建平', institution: 'YC-E01', practitioner: 'P063' },
  { phone: '13900000006', role: 'doctor', name: '常卫东', institution: 'YC-I01', practitioner: 'P061' },
  { phone: '13900000007', role: 'doctor', name: '乔慧', institution: 'YC-L01', practitioner: 'P062' },
  // [12/12] Family doctor: 龙晓梅's team nurses — 白秀珍 takes home-nursing orders (FD-9), 田雨 may not.
  { phone: '13900000008', role: 'nurse', name: '白秀珍', institution: 'YC-C01', practitioner: 'P050' },
  { phone: '13900000009', role: 'nurse', name: '田雨', institution: 'YC-C01', practitioner: 'P067' },
  { phone: '13700000001', role: 'pharmacist', name: '郑雅琴', institution: 'YC-H01', practitioner: 'P015' },
  // A review pharmacist (审方药师, ORG-4, RX-10) at every other hospital.
  { phone: '13700000003', role: 'pharmacist', name: '谢文涛', institution: 'YC-H02', practitioner: 'P027' },
  { phone: '13700000004', role: 'pharmacist', name: '陆婷', institution: 'YC-H03', practitioner: 'P039' },
  { phone: '13700000005', role: 'pharmacist', name: '蒋慧敏', institution: 'YC-H04', practitioner: 'P064' },
  { phone: '13700000006', role: 'pharmacist', name: '韩立新', institution: 'YC-H05', practitioner: 'P065' },
  { phone: '13700000007', role: 'pharmacist', name: '彭雪梅', institution: 'YC-H06', practitioner: 'P066' },
  { phone: '13700000002', role: 'pharmacy_staff', name: '赵敏', institution: 'YC-R01' },
  // Counter staff of the other two retail pharmacies (RX-13: prescriptions flow to any of them).
  { phone: '13700000012', role: 'pharmacy_staff', name: '孙佳怡', institution: 'YC-R02' },
  { phone: '13700000013', role: 'pharmacy_staff', name: '钱志刚', institution: 'YC-R03' },
  { phone: '13600000001', role: 'org_admin', name: '吕芳', institution: 'YC-H01' },
  { phone: '13600000002', role: 'org_admin', name: '杜凤', institution: 'YC-H03' },
  // [12/12] Family doctor: 青石社区's administrator manages its teams and packages and reads its assessment.
  { phone: '13600000003', role: 'org_admin', name: '冯丽华', institution: 'YC-C01' },
  // 云川区卫生健康委员会 (district health commission), the regulator.
  { phone: '13500000001', role: 'regulator', name: '孙立' },
  // 云川区医疗保障局 (district healthcare security bureau), the insurer.
  { phone: '13400000001', role: 'insurer', name: '周强' },
  // DJ-8 三权分立: the platform's system, security and audit administrators (云川区卫健委信息中心).
  { phone: '13300000001', role: 'system_admin', name: '秦建华' },
  { phone: '13300000002', role: 'security_admin', name: '许文静' },
  { phone: '13300000003', role: 'audit_admin', name: '曹振宇' },
];

/**
 * PILOT-1: the first-visit pilot the regulator opened, modelled on Beijing's 2026 pilot (children's hospitals;
 * growth and development, nutrition, skin disease). The demo seeds it for the calendar year of the seed, so the
 * demo keeps working after 2026; no pilot is open at the general hospitals, which shows the refusal.
 */
export const DEMO_PILOT_SCOPES: { institution: string; specialty: string }[] = [
  { institution: 'YC-H03', specialty: '儿童生长发育专业' },
  { institution: 'YC-H03', specialty: '儿童营养专业' },
  { institution: 'YC-H03', specialty: '儿童皮肤疾病专业' },
];

/**
 * PILOT-2: YC-H03's first-visit whitelist. P033 (trained, meets the bar) is left off to show
 * `not_whitelisted`; P031 has not passed the training, so the whitelist refuses to add her.
 */
export const DEMO_FIRST_VISIT_WHITELIST: { institution: string; practitioner: string }[] = [
  { institution: 'YC-H03', practitioner: 'P028' },
  { institution: 'YC-H03', practitioner: 'P029' },
  { institution: 'YC-H03', practitioner: 'P030' },
  { institution: 'YC-H03', practitioner: 'P032' },
];
