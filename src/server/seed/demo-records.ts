/**
 * The demo region's health archives ([6/12]): 张伟's hypertension story — health profile, vaccinations, the
 * cardiology visit his seeded offline diagnosis (I10 at YC-H01 by P001) came from and a community follow-up,
 * six months of blood pressure, three lipid panels, a renal panel, a signed ECG and a chest X-ray — and
 * 王秀英's diabetes: her E11.9 visit with fasting glucose and HbA1c series. Deterministic values; dates
 * relative to the seed clock so the charts stay recent. Every seeded visit with a doctor ended more than the
 * 30-day care window ago, so the seed gives no doctor a care relationship (SEC-1). Bulk inserts (the start-up
 * seed must stay fast).
 */
import type { Insertable } from 'kysely';
import { shanghaiDate } from '../../shared/identity.js';
import type { AbnormalFlag } from '../../shared/records.js';
import { effectiveFlag, isChronic } from '../modules/records/records.rules.js';
import type { FieldCipher } from '../platform/crypto/fields.js';
import type { Tx } from '../platform/db/database.js';
import type {
  DiagnosisTable,
  DiagnosticReportTable,
  EncounterTable,
  ObservationTable,
  ReportSignature,
} from '../platform/db/schema.js';
import { newId } from '../platform/ids.js';
import { signForPractitioner } from '../platform/signing/index.js';
import type { SeedIds } from './demo-prescriptions.js';
import { DEMO_PATIENTS, INSTITUTIONS, PRACTITIONERS } from './region-data.js';

export interface RecordSeedIds extends SeedIds {
  /** Department ids by `<institution code>/<department code>`. */
  departments: Map<string, string>;
}

const LOINC = 'http://loinc.org';
const DAY = 86_400_000;

/** A measure with its unit and the reference range Chinese laboratories print (WS/T 404, 中国血脂管理指南). */
interface Measure {
  code: string;
  name: string;
  unit: string;
  low: number | null;
  high: number | null;
  text?: string;
  category: 'laboratory' | 'vital-signs';
  /** Decimals the value is written with ('5.60' keeps its zero). */
  digits: number;
}

const M = {
  sbp: {
    code: '8480-6',
    name: '收缩压',
    unit: 'mmHg',
    low: 90,
    high: 139,
    category: 'vital-signs',
    digits: 0,
  },
  dbp: {
    code: '8462-4',
    name: '舒张压',
    unit: 'mmHg',
    low: 60,
    high: 89,
    category: 'vital-signs',
    digits: 0,
  },
  tc: {
    code: '2093-3',
    name: '总胆固醇',
    unit: 'mmol/L',
    low: 2.8,
    high: 5.2,
    category: 'laboratory',
    digits: 2,
  },
  tg: {
    code: '2571-8',
    name: '甘油三酯',
    unit: 'mmol/L',
    low: 0.56,
    high: 1.7,
    category: 'laboratory',
    digits: 2,
  },
  hdl: {
    code: '2085-9',
    name: '高密度脂蛋白胆固醇',
    unit: 'mmol/L',
    low: 1.04,
    high: null,
    text: '>1.04',
    category: 'laboratory',
    digits: 2,
  },
  ldl: {
    code: '13457-7',
    name: '低密度脂蛋白胆固醇',
    unit: 'mmol/L',
    low: null,
    high: 3.4,
    text: '<3.40',
    category: 'laboratory',
    digits: 2,
  },
  cr: { code: '2160-0', name: '肌酐', unit: 'µmol/L', low: 59, high: 104, category: 'laboratory', digits: 0 },
  urea: {
    code: '3094-0',
    name: '尿素',
    unit: 'mmol/L',
    low: 3.1,
    high: 8.0,
    category: 'laboratory',
    digits: 1,
  },
  k: { code: '2823-3', name: '钾', unit: 'mmol/L', low: 3.5, high: 5.3, category: 'laboratory', digits: 2 },
  glu: {
    code: '1558-6',
    name: '空腹血糖',
    unit: 'mmol/L',
    low: 3.9,
    high: 6.1,
    category: 'laboratory',
    digits: 1,
  },
  a1c: {
    code: '4548-4',
    name: '糖化血红蛋白',
    unit: '%',
    low: 4.0,
    high: 6.0,
    category: 'laboratory',
    digits: 1,
  },
} satisfies Record<string, Measure>;

/** 张伟's home and clinic blood pressure, oldest first, roughly every 15 days over six months. */
const BLOOD_PRESSURE: [number, number][] = [
  [152, 96],
  [148, 94],
  [150, 95],
  [145, 92],
  [142, 90],
  [138, 88],
  [141, 91],
  [136, 86],
  [134, 85],
  [132, 84],
  [130, 82],
  [128, 82],
];

/** Three lipid panels (days before the seed): improving on a statin and diet. */
const LIPIDS: { daysAgo: number; tc: number; tg: number; hdl: number; ldl: number }[] = [
  { daysAgo: 170, tc: 6.12, tg: 2.1, hdl: 0.98, ldl: 4.05 },
  { daysAgo: 95, tc: 5.64, tg: 1.86, hdl: 1.02, ldl: 3.62 },
  { daysAgo: 20, tc: 5.05, tg: 1.52, hdl: 1.08, ldl: 3.12 },
];

/** 王秀英's fasting glucose (six) and HbA1c (three), oldest first. */
const GLUCOSE: { daysAgo: number; value: number }[] = [
  { daysAgo: 175, value: 8.6 },
  { daysAgo: 145, value: 8.1 },
  { daysAgo: 115, value: 7.8 },
  { daysAgo: 85, value: 7.4 },
  { daysAgo: 55, value: 7.0 },
  { daysAgo: 25, value: 6.8 },
];
const HBA1C: { daysAgo: number; value: number }[] = [
  { daysAgo: 170, value: 8.2 },
  { daysAgo: 80, value: 7.6 },
  { daysAgo: 22, value: 7.1 },
];

export async function seedRecords(
  trx: Tx,
  cipher: FieldCipher,
  ids: RecordSeedIds,
  now: Date,
): Promise<void> {
  const today = shanghaiDate(now);
  /** `n` days before the seed's day, at hh:mm Beijing time (n ≥ 1, so always in the past). */
  const daysAgo = (n: number, hh = 9, mm = 0) =>
    new Date(
      Date.parse(`${today}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+08:00`) - n * DAY,
    );
  const dateOf = (at: Date) => shanghaiDate(at);
  /** A seeded offline diagnosis's day at 09:30, or 200 days ago if the seed clock is before it. */
  const diagnosedAt = (date: string) => {
    const at = new Date(`${date}T09:30:00+08:00`);
    return at.getTime() < now.getTime() - DAY ? at : daysAgo(200, 9, 30);
  };
  const inst = (code: string) => {
    const id = ids.institutions.get(code);
    if (!id) throw new Error(`seed: institution ${code} does not exist`);
    return id;
  };
  const prac = (code: string) => {
    const id = ids.practitioners.get(code);
    if (!id) throw new Error(`seed: practitioner ${code} does not exist`);
    return id;
  };
  const dept = (institution: string, code: string) => ids.departments.get(`${institution}/${code}`) ?? null;
  const zhang = ids.patients.get('张伟');
  const wang = ids.patients.get('王秀英');
  if (!zhang || !wang) return;

  const encounterRows: Insertable<EncounterTable>[] = [];
  const diagnoses: Insertable<DiagnosisTable>[] = [];
  const visit = (
    patientId: string,
    ref: string,
    where: { institution: string; department: string; doctor: string | null },
    startedAt: Date,
    reason: string,
    dx: { icd10: string; name: string }[],
  ) => {
    const id = newId();
    encounterRows.push({
      id,
      patient_id: patientId,
      class: 'AMB',
      status: 'finished',
      institution_id: inst(where.institution),
      department_id: dept(where.institution, where.department),
      practitioner_id: where.doctor ? prac(where.doctor) : null,
      started_at: startedAt,
      ended_at: new Date(startedAt.getTime() + 25 * 60_000),
      reason,
      source: 'seed',
      source_ref: ref,
      created_at: now,
      updated_at: now,
    });
    for (const d of dx)
      diagnoses.push({
        id: newId(),
        patient_id: patientId,
        encounter_id: id,
        icd10: d.icd10,
        name: d.name,
        category: 'encounter-diagnosis',
        clinical_status: 'active',
        chronic: isChronic(d.icd10),
        onset_date: dateOf(startedAt),
        recorded_at: new Date(startedAt.getTime() + 20 * 60_000),
        institution_id: inst(where.institution),
        practitioner_id: where.doctor ? prac(where.doctor) : null,
        source: 'seed',
        source_ref: ref,
        updated_at: now,
      });
    return id;
  };

  // The visits the seeded offline diagnoses came from (region-data.ts), and 张伟's community follow-up.
  for (const [name, patientId] of [
    ['张伟', zhang],
    ['王秀英', wang],
  ] as const) {
    const person = DEMO_PATIENTS.find((p) => p.name === name);
    for (const [i, dx] of (person?.offlineDiagnoses ?? []).entries()) {
      visit(
        patientId,
        `SEED-${dx.institution}-${name}-${i + 1}`,
        { institution: dx.institution, department: dx.department, doctor: dx.doctor },
        diagnosedAt(dx.diagnosedAt),
        dx.icd10.startsWith('I10')
          ? '反复头晕、头胀两周，多次测血压偏高'
          : '口干、多饮、多尿三个月，体重下降',
        [{ icd10: dx.icd10, name: dx.name }],
      );
    }
  }
  visit(
    zhang,
    'SEED-YC-C01-张伟-1',
    { institution: 'YC-C01', department: 'GP', doctor: 'P048' },
    daysAgo(45, 14, 30),
    '高血压社区随访，测血压、调整生活方式',
    [{ icd10: 'I10', name: '原发性高血压' }],
  );
  await trx.insertInto('encounter').values(encounterRows).execute();
  await trx.insertInto('diagnosis').values(diagnoses).execute();

  // Health profile and vaccinations (basic).
  await trx
    .insertInto('health_profile')
    .values({
      patient_id: zhang,
      blood_type: 'A',
      past_history: '原发性高血压，规律服用苯磺酸氨氯地平；血脂偏高，饮食控制中。否认糖尿病、冠心病史。',
      surgical_history: '2009 年阑尾切除术。',
      family_history: '父亲高血压，母亲体健。',
      lifestyle: JSON.stringify({
        smoking: 'former',
        drinking: 'occasional',
        exercise: '每周快走 3 次，每次 30 分钟',
        diet: '低盐低脂饮食',
      }),
      updated_at: daysAgo(45, 15, 0),
      updated_by: null,
    })
    .execute();
  const c01 = inst('YC-C01');
  await trx
    .insertInto('vaccination')
    .values([
      {
        id: newId(),
        patient_id: zhang,
        vaccine: '流感疫苗（四价）',
        dose: '第 1 剂',
        given_on: dateOf(daysAgo(60)),
        institution_id: c01,
        source: 'seed',
        created_at: now,
      },
      {
        id: newId(),
        patient_id: zhang,
        vaccine: '23 价肺炎球菌多糖疫苗',
        dose: '第 1 剂',
        given_on: dateOf(daysAgo(400)),
        institution_id: c01,
        source: 'seed',
        created_at: now,
      },
      {
        id: newId(),
        patient_id: zhang,
        vaccine: '乙型肝炎疫苗',
        dose: '第 3 剂',
        given_on: dateOf(daysAgo(365 * 12)),
        institution_id: null,
        source: 'seed',
        created_at: now,
      },
    ])
    .execute();

  // Reports with their results, and the blood-pressure series (no report).
  const h01 = inst('YC-H01');
  const reports: Insertable<DiagnosticReportTable>[] = [];
  const observations: Insertable<ObservationTable>[] = [];
  const result = (
    patientId: string,
    reportId: string | null,
    m: Measure,
    value: number,
    at: Date,
    flag: AbnormalFlag | null = null,
  ) => {
    observations.push({
      id: newId(),
      patient_id: patientId,
      report_id: reportId,
      category: m.category,
      code_system: LOINC,
      code: m.code,
      name: m.name,
      value_num: value,
      value_text: value.toFixed(m.digits),
      unit: m.unit,
      ref_low: m.low,
      ref_high: m.high,
      ref_text: m.text ?? null,
      flag: effectiveFlag(flag, value, m.low, m.high),
      status: 'final',
      effective_at: at,
      source: 'seed',
      created_at: now,
      updated_at: now,
    });
  };
  let serial = 0;
  const report = (
    patientId: string,
    r: {
      kind: 'lab' | 'ecg' | 'imaging';
      code: string;
      name: string;
      at: Date;
      performer: string;
      verifier: string;
      findings?: string;
      conclusion?: string;
      signature?: ReportSignature | null;
      sourceRef?: string;
    },
  ) => {
    const id = newId();
    serial += 1;
    reports.push({
      id,
      patient_id: patientId,
      encounter_id: null,
      kind: r.kind,
      code_system: LOINC,
      code: r.code,
      name: r.name,
      status: 'final',
      effective_at: r.at,
      issued_at: new Date(r.at.getTime() + (r.kind === 'lab' ? 4 : 2) * 3600_000),
      institution_id: h01,
      performer_name: r.performer,
      verifier_name: r.verifier,
      findings: r.findings ?? null,
      conclusion: r.conclusion ?? null,
      signature: r.signature ? JSON.stringify(r.signature) : null,
      source: 'seed',
      source_ref: r.sourceRef ?? `SEED-${String(serial).padStart(4, '0')}`,
      created_at: now,
      updated_at: now,
    });
    return id;
  };

  BLOOD_PRESSURE.forEach(([sbp, dbp], i) => {
    const at = daysAgo(180 - i * 15, 7, 30);
    result(zhang, null, M.sbp, sbp, at);
    result(zhang, null, M.dbp, dbp, at);
  });
  for (const l of LIPIDS) {
    const id = report(zhang, {
      kind: 'lab',
      code: '57698-3',
      name: '血脂四项',
      at: daysAgo(l.daysAgo, 8, 10),
      performer: '赵立群',
      verifier: '钱淑华',
    });
    const at = daysAgo(l.daysAgo, 8, 10);
    result(zhang, id, M.tc, l.tc, at);
    result(zhang, id, M.tg, l.tg, at);
    result(zhang, id, M.hdl, l.hdl, at);
    result(zhang, id, M.ldl, l.ldl, at);
  }
  {
    const at = daysAgo(95, 8, 10);
    const id = report(zhang, {
      kind: 'lab',
      code: '24362-6',
      name: '肾功能',
      at,
      performer: '赵立群',
      verifier: '钱淑华',
    });
    result(zhang, id, M.cr, 86, at);
    result(zhang, id, M.urea, 5.6, at);
    result(zhang, id, M.k, 4.21, at);
  }

  // The ECG, its conclusion signed by the verifying cardiologist with the platform's SM2 signing (SEC-4).
  const ecgAt = daysAgo(95, 9, 40);
  const ecgFindings =
    '窦性心律，心率 72 次/分；PR 间期 0.16 s，QRS 时限 0.09 s，QTc 0.41 s；SV1+RV5 = 4.1 mV；ST-T 未见明显异常。';
  const ecgConclusion = '窦性心律；左心室高电压（请结合临床）。';
  const verifier = PRACTITIONERS.find((p) => p.code === 'P002')!;
  const institution = INSTITUTIONS.find((i) => i.code === verifier.institution)!;
  const signedAt = new Date(ecgAt.getTime() + 2 * 3600_000);
  const ecgRef = 'SEED-ECG-0001';
  const { signed } = await signForPractitioner(
    trx,
    cipher,
    {
      practitionerId: prac(verifier.code),
      name: verifier.name,
      licenceNo: verifier.licenceNo,
      institution: institution.name,
    },
    signedAt,
    (certificate) => ({
      type: 'yunyi.report-conclusion',
      version: 1,
      institution: institution.code,
      sourceRef: ecgRef,
      kind: 'ecg',
      findings: ecgFindings,
      conclusion: ecgConclusion,
      verifier: verifier.name,
      signedAt: signedAt.toISOString(),
      certificateSerial: certificate.serial,
    }),
  );
  report(zhang, {
    kind: 'ecg',
    code: '11524-6',
    name: '常规十二导联心电图',
    at: ecgAt,
    performer: '周丽',
    verifier: verifier.name,
    findings: ecgFindings,
    conclusion: ecgConclusion,
    signature: {
      certSerial: signed.certificateSerial,
      sm3: signed.contentHash,
      signature: signed.signature,
      signedBy: verifier.name,
      signedAt: signedAt.toISOString(),
    },
    sourceRef: ecgRef,
  });
  report(zhang, {
    kind: 'imaging',
    code: '36643-5',
    name: '胸部正侧位 X 线片',
    at: daysAgo(94, 10, 20),
    performer: '王磊',
    verifier: '孙敏',
    findings: '双肺纹理清晰，未见明显实变影；心影大小、形态未见异常；双侧膈面光整，肋膈角锐利。',
    conclusion: '心肺膈未见明显异常。',
  });

  for (const g of GLUCOSE) {
    const at = daysAgo(g.daysAgo, 7, 50);
    const id = report(wang, {
      kind: 'lab',
      code: '1558-6',
      name: '空腹血糖',
      at,
      performer: '赵立群',
      verifier: '钱淑华',
    });
    result(wang, id, M.glu, g.value, at);
  }
  for (const a of HBA1C) {
    const at = daysAgo(a.daysAgo, 7, 55);
    const id = report(wang, {
      kind: 'lab',
      code: '4548-4',
      name: '糖化血红蛋白',
      at,
      performer: '赵立群',
      verifier: '钱淑华',
    });
    result(wang, id, M.a1c, a.value, at);
  }
  await trx.insertInto('diagnostic_report').values(reports).execute();
  await trx.insertInto('observation').values(observations).execute();
}
