// Institutions of the fictional demo region 云川区 (see region-data.ts). Names, addresses, phone numbers
// and licence numbers are invented; the shape follows seed 000 (internet hospitals rely on physical
// institutions, mostly tertiary) and seed 001 (基层检查、上级诊断 through regional imaging, ECG and lab
// centres).
import type { SeedDepartment, SeedInstitution, SeedLicence } from './region-data.js';

const CITY_COMMISSION = '云澜市卫生健康委员会';
const DISTRICT_COMMISSION = '云川区卫生健康委员会';
const COUNTY_BUREAU = '云溪县卫生健康局';
const DISTRICT_MARKET_REGULATOR = '云川区市场监督管理局';

function dept(code: string, name: string, nameEn: string, specialty: string): SeedDepartment {
  return { code, name, nameEn, specialty };
}

// The pharmacy department and a retail pharmacy's dispensary are not clinical specialties, so they stay
// off a practice licence's scope (ORG-3 compares online specialties with this scope).
const NON_CLINICAL = new Set(['PHAR', 'DISP']);

function practiceLicence(
  number: string,
  issuedBy: string,
  validFrom: string,
  validTo: string,
  departments: SeedDepartment[],
): SeedLicence {
  const scope = [...new Set(departments.filter((d) => !NON_CLINICAL.has(d.code)).map((d) => d.specialty))];
  return { kind: 'practice', number, issuedBy, validFrom, validTo, scope };
}

const PHARMACY_DEPT = dept('PHAR', '药剂科', 'Pharmacy', '药事管理');
const RETAIL_SCOPE = [
  '处方药',
  '甲类非处方药',
  '乙类非处方药',
  '中成药',
  '化学药制剂',
  '抗生素制剂',
  '中药饮片',
];

const H01_DEPTS = [
  dept('CARD', '心血管内科', 'Cardiology', '心血管内科专业'),
  dept('ENDO', '内分泌科', 'Endocrinology', '内分泌专业'),
  dept('RESP', '呼吸内科', 'Respiratory Medicine', '呼吸内科专业'),
  dept('GAST', '消化内科', 'Gastroenterology', '消化内科专业'),
  dept('NEUR', '神经内科', 'Neurology', '神经内科专业'),
  dept('GER', '老年医学科', 'Geriatrics', '老年病专业'),
  dept('ORTH', '骨科', 'Orthopaedics', '骨科专业'),
  dept('DERM', '皮肤科', 'Dermatology', '皮肤病专业'),
  dept('GP', '全科医学科', 'General Practice', '全科医疗专业'),
  dept('RAD', '医学影像科', 'Medical Imaging', '医学影像科'),
  dept('LAB', '检验科', 'Clinical Laboratory', '医学检验科'),
  PHARMACY_DEPT,
];

const H02_DEPTS = [
  dept('CARD', '心血管内科', 'Cardiology', '心血管内科专业'),
  dept('ENDO', '内分泌科', 'Endocrinology', '内分泌专业'),
  dept('RESP', '呼吸内科', 'Respiratory Medicine', '呼吸内科专业'),
  dept('GAST', '消化内科', 'Gastroenterology', '消化内科专业'),
  dept('NEPH', '肾内科', 'Nephrology', '肾病学专业'),
  dept('NEUR', '神经内科', 'Neurology', '神经内科专业'),
  dept('GSUR', '普通外科', 'General Surgery', '普通外科专业'),
  dept('ORTH', '骨科', 'Orthopaedics', '骨科专业'),
  dept('OBGY', '妇产科', 'Obstetrics and Gynaecology', '妇产科专业'),
  dept('OPH', '眼科', 'Ophthalmology', '眼科专业'),
  dept('ENT', '耳鼻咽喉科', 'Otorhinolaryngology', '耳鼻咽喉科专业'),
  dept('EMER', '急诊科', 'Emergency Medicine', '急诊医学科'),
  dept('RAD', '医学影像科', 'Medical Imaging', '医学影像科'),
  PHARMACY_DEPT,
];

// The three pilot specialties use the wording of seed 004 (儿童生长发育专业、儿童营养专业、儿童皮肤疾病专业).
const H03_DEPTS = [
  dept('PAED', '普通儿科', 'General Paediatrics', '儿科'),
  dept('GROW', '儿童生长发育科', 'Child Growth and Development', '儿童生长发育专业'),
  dept('NUTR', '儿童营养科', 'Child Nutrition', '儿童营养专业'),
  dept('DERM', '儿童皮肤科', 'Paediatric Dermatology', '儿童皮肤疾病专业'),
  dept('PRES', '小儿呼吸科', 'Paediatric Respiratory Medicine', '小儿呼吸专业'),
  dept('PEND', '小儿内分泌科', 'Paediatric Endocrinology', '小儿内分泌专业'),
  dept('PNEU', '小儿神经科', 'Paediatric Neurology', '小儿神经病学专业'),
  dept('NEON', '新生儿科', 'Neonatology', '新生儿专业'),
  dept('PSUR', '小儿外科', 'Paediatric Surgery', '小儿外科专业'),
  dept('RAD', '医学影像科', 'Medical Imaging', '医学影像科'),
  PHARMACY_DEPT,
];

const H04_DEPTS = [
  dept('CARD', '心血管内科', 'Cardiology', '心血管内科专业'),
  dept('RESP', '呼吸内科', 'Respiratory Medicine', '呼吸内科专业'),
  dept('ENDO', '内分泌科', 'Endocrinology', '内分泌专业'),
  dept('GAST', '消化内科', 'Gastroenterology', '消化内科专业'),
  dept('GSUR', '普通外科', 'General Surgery', '普通外科专业'),
  dept('ORTH', '骨科', 'Orthopaedics', '骨科专业'),
  dept('OBGY', '妇产科', 'Obstetrics and Gynaecology', '妇产科专业'),
  dept('PAED', '儿科', 'Paediatrics', '儿科'),
  dept('REHAB', '康复医学科', 'Rehabilitation Medicine', '康复医学科'),
  dept('RAD', '医学影像科', 'Medical Imaging', '医学影像科'),
  dept('LAB', '检验科', 'Clinical Laboratory', '医学检验科'),
  PHARMACY_DEPT,
];

const H05_DEPTS = [
  dept('TCMI', '中医内科', 'TCM Internal Medicine', '中医内科专业'),
  dept('TCMG', '中医妇科', 'TCM Gynaecology', '中医妇产科专业'),
  dept('TCMP', '中医儿科', 'TCM Paediatrics', '中医儿科专业'),
  dept('TCMO', '中医骨伤科', 'TCM Orthopaedics and Traumatology', '中医骨伤科专业'),
  dept('ACU', '针灸科', 'Acupuncture and Moxibustion', '中医针灸科专业'),
  dept('TUINA', '推拿科', 'Tuina', '中医推拿科专业'),
  PHARMACY_DEPT,
];

const H06_DEPTS = [
  dept('IM', '内科', 'Internal Medicine', '内科'),
  dept('SURG', '外科', 'Surgery', '外科'),
  dept('PAED', '儿科', 'Paediatrics', '儿科'),
  dept('OBGY', '妇产科', 'Obstetrics and Gynaecology', '妇产科专业'),
  dept('RAD', '医学影像科', 'Medical Imaging', '医学影像科'),
  PHARMACY_DEPT,
];

const GP_DEPT = dept('GP', '全科医学科', 'General Practice', '全科医疗专业');
const CC_TCM = dept('TCM', '中医科', 'Traditional Chinese Medicine', '中医科');
const CC_PREV = dept('PREV', '预防保健科', 'Preventive Care', '预防保健科');
const CC_REHAB = dept('REHAB', '康复医学科', 'Rehabilitation Medicine', '康复医学科');
const CC_DENT = dept('DENT', '口腔科', 'Stomatology', '口腔科');

const C01_DEPTS = [GP_DEPT, CC_TCM, CC_PREV, CC_REHAB, PHARMACY_DEPT];
const C02_DEPTS = [GP_DEPT, CC_TCM, CC_PREV, PHARMACY_DEPT];
const C03_DEPTS = [GP_DEPT, CC_TCM, CC_PREV, CC_DENT, PHARMACY_DEPT];
const C04_DEPTS = [GP_DEPT, CC_TCM, CC_PREV, CC_REHAB, PHARMACY_DEPT];
const C05_DEPTS = [GP_DEPT, CC_TCM, CC_PREV, CC_DENT, PHARMACY_DEPT];
const C06_DEPTS = [GP_DEPT, CC_TCM, CC_PREV, PHARMACY_DEPT];
const STATION_DEPTS = [GP_DEPT];

const RETAIL_DEPTS = [dept('DISP', '处方调剂部', 'Dispensary', '药品零售与处方调剂')];

const I01_DEPTS = [
  dept('XRAY', 'X线诊断室', 'X-ray Diagnosis', 'X线诊断专业'),
  dept('CT', 'CT诊断室', 'CT Diagnosis', 'CT诊断专业'),
  dept('MRI', '磁共振诊断室', 'MRI Diagnosis', '磁共振成像诊断专业'),
  dept('US', '超声诊断室', 'Ultrasound Diagnosis', '超声诊断专业'),
];

const L01_DEPTS = [
  dept('CHEM', '临床化学检验室', 'Clinical Chemistry', '临床化学检验专业'),
  dept('HEMA', '临床血液体液检验室', 'Haematology and Body Fluids', '临床体液、血液专业'),
  dept('MICRO', '临床微生物检验室', 'Clinical Microbiology', '临床微生物学专业'),
  dept('IMMU', '临床免疫检验室', 'Clinical Immunology', '临床免疫、血清学专业'),
];

const E01_DEPTS = [dept('ECG', '心电诊断室', 'ECG Diagnosis', '心电诊断专业')];

export const INSTITUTIONS: SeedInstitution[] = [
  // --- Tertiary hospitals (their internet hospitals approved by the city commission, as in seed 000).
  {
    code: 'YC-H01',
    name: '云澜医科大学附属云川医院',
    nameEn: 'Yunchuan Hospital of Yunlan Medical University',
    shortName: '云川医院',
    type: 'hospital',
    level: 'tertiary',
    district: '云川区',
    address: '云澜市云川区望川路88号',
    phone: '010-64018800',
    internetHospital: {
      name: '云澜医科大学附属云川医院互联网医院',
      approvedAt: '2021-03-18',
      services: [
        'consultation',
        'follow_up',
        'prescription',
        'nursing_consultation',
        'remote_consultation',
        'remote_diagnosis',
      ],
    },
    licences: [
      practiceLicence('PDY11010112A1001', CITY_COMMISSION, '2023-07-01', '2028-06-30', H01_DEPTS),
      {
        kind: 'internet_hospital',
        number: 'HLWYY-110101-2021-001',
        issuedBy: CITY_COMMISSION,
        validFrom: '2021-03-18',
        validTo: '2028-06-30',
        scope: [
          '心血管内科专业',
          '内分泌专业',
          '呼吸内科专业',
          '消化内科专业',
          '神经内科专业',
          '老年病专业',
          '皮肤病专业',
          '全科医疗专业',
          '医学影像科',
        ],
      },
    ],
    departments: H01_DEPTS,
  },
  {
    code: 'YC-H02',
    name: '云澜市中心医院',
    nameEn: 'Yunlan Central Hospital',
    shortName: '市中心医院',
    type: 'hospital',
    level: 'tertiary',
    district: '云川区',
    address: '云澜市云川区云澜大道206号',
    phone: '010-65238000',
    internetHospital: {
      name: '云澜市中心医院互联网医院',
      approvedAt: '2021-09-06',
      services: [
        'consultation',
        'follow_up',
        'prescription',
        'nursing_consultation',
        'remote_consultation',
        'remote_diagnosis',
      ],
    },
    licences: [
      practiceLicence('PDY11010112A1002', CITY_COMMISSION, '2023-01-10', '2028-01-09', H02_DEPTS),
      {
        kind: 'internet_hospital',
        number: 'HLWYY-110101-2021-002',
        issuedBy: CITY_COMMISSION,
        validFrom: '2021-09-06',
        validTo: '2028-01-09',
        scope: [
          '心血管内科专业',
          '内分泌专业',
          '呼吸内科专业',
          '消化内科专业',
          '肾病学专业',
          '神经内科专业',
          '普通外科专业',
          '妇产科专业',
          '眼科专业',
          '医学影像科',
        ],
      },
    ],
    departments: H02_DEPTS,
  },
  {
    // Children's hospital in the 2026 online first-visit pilot (seed 004, PILOT-1).
    code: 'YC-H03',
    name: '云澜市儿童医院',
    nameEn: "Yunlan Children's Hospital",
    shortName: '市儿童医院',
    type: 'hospital',
    level: 'tertiary',
    isChildrens: true,
    district: '云川区',
    address: '云澜市云川区杏坛路35号',
    phone: '010-66127000',
    internetHospital: {
      name: '云澜市儿童医院互联网医院',
      approvedAt: '2021-06-22',
      services: [
        'consultation',
        'follow_up',
        'first_visit',
        'prescription',
        'nursing_consultation',
        'remote_consultation',
      ],
    },
    licences: [
      practiceLicence('PDY11010113A1003', CITY_COMMISSION, '2024-03-01', '2029-02-28', H03_DEPTS),
      {
        kind: 'internet_hospital',
        number: 'HLWYY-110101-2021-003',
        issuedBy: CITY_COMMISSION,
        validFrom: '2021-06-22',
        validTo: '2029-02-28',
        scope: [
          '儿科',
          '儿童生长发育专业',
          '儿童营养专业',
          '儿童皮肤疾病专业',
          '小儿呼吸专业',
          '小儿内分泌专业',
          '小儿神经病学专业',
        ],
      },
    ],
    departments: H03_DEPTS,
  },
  // --- Secondary hospitals (district-run ones approved by the district commission, as in seed 000).
  {
    code: 'YC-H04',
    name: '云川区人民医院',
    nameEn: "Yunchuan District People's Hospital",
    shortName: '区人民医院',
    type: 'hospital',
    level: 'secondary',
    district: '云川区',
    address: '云澜市云川区青石大街120号',
    phone: '010-67345000',
    internetHospital: {
      name: '云川区人民医院互联网医院',
      approvedAt: '2022-04-12',
      services: ['consultation', 'follow_up', 'prescription', 'remote_consultation'],
    },
    licences: [
      practiceLicence('PDY11010112A2004', DISTRICT_COMMISSION, '2023-12-20', '2028-12-19', H04_DEPTS),
      {
        kind: 'internet_hospital',
        number: 'HLWYY-110101-2022-004',
        issuedBy: DISTRICT_COMMISSION,
        validFrom: '2022-04-12',
        validTo: '2028-12-19',
        scope: ['心血管内科专业', '呼吸内科专业', '内分泌专业', '消化内科专业', '儿科', '康复医学科'],
      },
    ],
    departments: H04_DEPTS,
  },
  {
    code: 'YC-H05',
    name: '云川区中医医院',
    nameEn: 'Yunchuan District Hospital of Traditional Chinese Medicine',
    shortName: '区中医医院',
    type: 'hospital',
    level: 'secondary',
    district: '云川区',
    address: '云澜市云川区柳湾南路15号',
    phone: '010-68456000',
    internetHospital: {
      name: '云川区中医医院互联网医院',
      approvedAt: '2022-11-08',
      services: ['consultation', 'follow_up', 'prescription'],
    },
    licences: [
      practiceLicence('PDY11010121A2005', DISTRICT_COMMISSION, '2024-05-08', '2029-05-07', H05_DEPTS),
      {
        kind: 'internet_hospital',
        number: 'HLWYY-110101-2022-005',
        issuedBy: DISTRICT_COMMISSION,
        validFrom: '2022-11-08',
        validTo: '2029-05-07',
        scope: ['中医内科专业', '中医妇产科专业', '中医儿科专业', '中医针灸科专业'],
      },
    ],
    departments: H05_DEPTS,
  },
  {
    // County hospital of the outer county, linked to YC-H01 for remote consultation (seed 001).
    code: 'YC-H06',
    name: '云溪县人民医院',
    nameEn: "Yunxi County People's Hospital",
    shortName: '云溪县医院',
    type: 'hospital',
    level: 'secondary',
    district: '云溪县',
    address: '云澜市云溪县溪口镇滨河路9号',
    phone: '010-69871200',
    internetHospital: {
      name: '云溪县人民医院互联网医院',
      approvedAt: '2023-05-16',
      services: ['consultation', 'follow_up', 'remote_consultation'],
    },
    licences: [
      practiceLicence('PDY11012912A2006', COUNTY_BUREAU, '2023-04-01', '2028-03-31', H06_DEPTS),
      {
        kind: 'internet_hospital',
        number: 'HLWYY-110129-2023-001',
        issuedBy: COUNTY_BUREAU,
        validFrom: '2023-05-16',
        validTo: '2028-03-31',
        scope: ['内科', '儿科', '妇产科专业'],
      },
    ],
    departments: H06_DEPTS,
    allianceOf: 'YC-H01',
  },
  // --- Community health service centres, each in the medical alliance of a tertiary hospital.
  {
    code: 'YC-C01',
    name: '云川区青石街道社区卫生服务中心',
    nameEn: 'Qingshi Subdistrict Community Health Service Centre',
    shortName: '青石社区卫生服务中心',
    type: 'community_centre',
    level: 'primary',
    district: '云川区',
    address: '云澜市云川区青石街道石桥路12号',
    phone: '010-64213301',
    licences: [
      practiceLicence('PDY11010142B3011', DISTRICT_COMMISSION, '2025-01-15', '2030-01-14', C01_DEPTS),
    ],
    departments: C01_DEPTS,
    allianceOf: 'YC-H01',
  },
  {
    code: 'YC-C02',
    name: '云川区柳湾街道社区卫生服务中心',
    nameEn: 'Liuwan Subdistrict Community Health Service Centre',
    shortName: '柳湾社区卫生服务中心',
    type: 'community_centre',
    level: 'primary',
    district: '云川区',
    address: '云澜市云川区柳湾街道柳湾北路46号',
    phone: '010-64528702',
    licences: [
      practiceLicence('PDY11010142B3012', DISTRICT_COMMISSION, '2024-06-01', '2029-05-31', C02_DEPTS),
    ],
    departments: C02_DEPTS,
    allianceOf: 'YC-H01',
  },
  {
    code: 'YC-C03',
    name: '云川区望川街道社区卫生服务中心',
    nameEn: 'Wangchuan Subdistrict Community Health Service Centre',
    shortName: '望川社区卫生服务中心',
    type: 'community_centre',
    level: 'primary',
    district: '云川区',
    address: '云澜市云川区望川街道望川东路7号',
    phone: '010-64639103',
    licences: [
      practiceLicence('PDY11010142B3013', DISTRICT_COMMISSION, '2023-09-20', '2028-09-19', C03_DEPTS),
    ],
    departments: C03_DEPTS,
    allianceOf: 'YC-H01',
  },
  {
    code: 'YC-C04',
    name: '云川区枫林街道社区卫生服务中心',
    nameEn: 'Fenglin Subdistrict Community Health Service Centre',
    shortName: '枫林社区卫生服务中心',
    type: 'community_centre',
    level: 'primary',
    district: '云川区',
    address: '云澜市云川区枫林街道枫林路61号',
    phone: '010-65741204',
    licences: [
      practiceLicence('PDY11010142B3014', DISTRICT_COMMISSION, '2025-03-10', '2030-03-09', C04_DEPTS),
    ],
    departments: C04_DEPTS,
    allianceOf: 'YC-H02',
  },
  {
    code: 'YC-C05',
    name: '云川区云湖街道社区卫生服务中心',
    nameEn: 'Yunhu Subdistrict Community Health Service Centre',
    shortName: '云湖社区卫生服务中心',
    type: 'community_centre',
    level: 'primary',
    district: '云川区',
    address: '云澜市云川区云湖街道湖滨路23号',
    phone: '010-65852305',
    licences: [
      practiceLicence('PDY11010142B3015', DISTRICT_COMMISSION, '2024-11-01', '2029-10-31', C05_DEPTS),
    ],
    departments: C05_DEPTS,
    allianceOf: 'YC-H02',
  },
  {
    // Licence up for renewal at the end of 2026: a realistic case for licence-expiry reminders.
    code: 'YC-C06',
    name: '云川区杏坛街道社区卫生服务中心',
    nameEn: 'Xingtan Subdistrict Community Health Service Centre',
    shortName: '杏坛社区卫生服务中心',
    type: 'community_centre',
    level: 'primary',
    district: '云川区',
    address: '云澜市云川区杏坛街道书院街18号',
    phone: '010-65963406',
    licences: [
      practiceLicence('PDY11010142B3016', DISTRICT_COMMISSION, '2022-01-01', '2026-12-31', C06_DEPTS),
    ],
    departments: C06_DEPTS,
    allianceOf: 'YC-H02',
  },
  // --- Community health service stations (ungraded), run under a centre of the same alliance.
  {
    code: 'YC-S01',
    name: '云川区青石街道石桥社区卫生服务站',
    nameEn: 'Shiqiao Community Health Service Station',
    shortName: '石桥社区卫生服务站',
    type: 'community_station',
    level: null,
    district: '云川区',
    address: '云澜市云川区青石街道石桥东里3号楼1层',
    phone: '010-64213388',
    licences: [
      practiceLicence('PDY11010143B3021', DISTRICT_COMMISSION, '2025-01-15', '2030-01-14', STATION_DEPTS),
    ],
    departments: STATION_DEPTS,
    allianceOf: 'YC-H01',
  },
  {
    code: 'YC-S02',
    name: '云川区云湖街道湖畔社区卫生服务站',
    nameEn: 'Hupan Community Health Service Station',
    shortName: '湖畔社区卫生服务站',
    type: 'community_station',
    level: null,
    district: '云川区',
    address: '云澜市云川区云湖街道湖畔小区南门配套楼1层',
    phone: '010-65852377',
    licences: [
      practiceLicence('PDY11010143B3022', DISTRICT_COMMISSION, '2024-11-01', '2029-10-31', STATION_DEPTS),
    ],
    departments: STATION_DEPTS,
    allianceOf: 'YC-H02',
  },
  // --- Retail pharmacies receiving circulated prescriptions (RX-13).
  {
    code: 'YC-R01',
    name: '云川区益康大药房望川路店',
    nameEn: 'Yikang Pharmacy (Wangchuan Road)',
    shortName: '益康大药房',
    type: 'pharmacy',
    level: null,
    district: '云川区',
    address: '云澜市云川区望川路102号',
    phone: '010-64630011',
    licences: [
      {
        kind: 'pharmacy_business',
        number: 'YCAA1010001',
        issuedBy: DISTRICT_MARKET_REGULATOR,
        validFrom: '2024-08-01',
        validTo: '2029-07-31',
        scope: RETAIL_SCOPE,
      },
    ],
    departments: RETAIL_DEPTS,
  },
  {
    code: 'YC-R02',
    name: '云澜惠民大药房云湖店',
    nameEn: 'Huimin Pharmacy (Yunhu)',
    shortName: '惠民大药房',
    type: 'pharmacy',
    level: null,
    district: '云川区',
    address: '云澜市云川区湖滨路57号',
    phone: '010-65850022',
    licences: [
      {
        kind: 'pharmacy_business',
        number: 'YCAA1010002',
        issuedBy: DISTRICT_MARKET_REGULATOR,
        validFrom: '2023-05-20',
        validTo: '2028-05-19',
        scope: RETAIL_SCOPE,
      },
    ],
    departments: RETAIL_DEPTS,
  },
  {
    // Business licence expiring early in 2027: the second realistic renewal case.
    code: 'YC-R03',
    name: '云川区安和堂药店',
    nameEn: 'Anhetang Pharmacy',
    shortName: '安和堂药店',
    type: 'pharmacy',
    level: null,
    district: '云川区',
    address: '云澜市云川区杏坛街道书院街40号',
    phone: '010-65960033',
    licences: [
      {
        kind: 'pharmacy_business',
        number: 'YCAA1010003',
        issuedBy: DISTRICT_MARKET_REGULATOR,
        validFrom: '2022-01-16',
        validTo: '2027-01-15',
        scope: ['甲类非处方药', '乙类非处方药', '中成药', '中药饮片'],
      },
    ],
    departments: RETAIL_DEPTS,
  },
  // --- Regional diagnostic centres: 基层检查、上级诊断 (seed 001).
  {
    code: 'YC-I01',
    name: '云川区区域影像诊断中心',
    nameEn: 'Yunchuan Regional Imaging Diagnosis Centre',
    shortName: '区域影像中心',
    type: 'imaging_centre',
    level: null,
    district: '云川区',
    address: '云澜市云川区青石大街126号区域医疗服务楼1层',
    phone: '010-67340101',
    licences: [
      practiceLicence('PDY11010153D4031', DISTRICT_COMMISSION, '2024-02-01', '2029-01-31', I01_DEPTS),
    ],
    departments: I01_DEPTS,
  },
  {
    code: 'YC-L01',
    name: '云川区区域医学检验中心',
    nameEn: 'Yunchuan Regional Medical Laboratory Centre',
    shortName: '区域检验中心',
    type: 'lab_centre',
    level: null,
    district: '云川区',
    address: '云澜市云川区青石大街126号区域医疗服务楼2层',
    phone: '010-67340202',
    licences: [
      practiceLicence('PDY11010152D4032', DISTRICT_COMMISSION, '2024-02-01', '2029-01-31', L01_DEPTS),
    ],
    departments: L01_DEPTS,
  },
  {
    code: 'YC-E01',
    name: '云川区区域心电诊断中心',
    nameEn: 'Yunchuan Regional ECG Diagnosis Centre',
    shortName: '区域心电中心',
    type: 'ecg_centre',
    level: null,
    district: '云川区',
    address: '云澜市云川区青石大街126号区域医疗服务楼3层',
    phone: '010-67340303',
    licences: [
      practiceLicence('PDY11010154D4033', DISTRICT_COMMISSION, '2024-02-01', '2029-01-31', E01_DEPTS),
    ],
    departments: E01_DEPTS,
  },
];
