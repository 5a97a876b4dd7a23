/**
 * [12/12] The demo region's family doctors (家庭医生签约服务, seed 002): a team at every community centre
 * and station (a GP lead, doctors, nurses; 龙晓梅's team with a cardiologist of the alliance hospital), the
 * district's standard service packages (FD-2, FD-3 split) and a personalised one, and health-education
 * articles. Contracts, readings and the worklist are made on the first start (demo-family-doctor-contracts.ts).
 */
import { syncHomeServiceItems } from '../modules/family-doctor/home-items.data.js';
import type { Tx } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import type { SeedIds } from './demo-prescriptions.js';

type Role = 'lead' | 'doctor' | 'nurse' | 'public_health' | 'specialist';

/** Teams: institution, name, lead, other members (practitioner codes) and capacity. */
export const DEMO_TEAMS: {
  institution: string;
  name: string;
  lead: string;
  members: [string, Role][];
  capacity: number;
  intro: string;
}[] = [
  {
    institution: 'YC-C01',
    name: '龙晓梅家庭医生团队',
    lead: 'P048',
    members: [
      ['P049', 'doctor'],
      ['P050', 'nurse'],
      ['P067', 'nurse'],
      ['P001', 'specialist'],
    ],
    capacity: 2000,
    intro:
      '全科医生牵头，护士、公卫人员和云川医院心血管内科专家组成，擅长高血压、糖尿病社区管理和老年人健康服务。',
  },
  {
    institution: 'YC-C01',
    name: '万家豪家庭医生团队',
    lead: 'P049',
    members: [['P050', 'nurse']],
    capacity: 800,
    intro: '青石街道与石桥社区的全科团队，提供签约居民健康档案管理、预约转诊和健康教育。',
  },
  {
    institution: 'YC-C02',
    name: '段志刚家庭医生团队',
    lead: 'P051',
    members: [],
    capacity: 2000,
    intro: '柳湾街道全科团队，慢病管理与老年人上门服务。',
  },
  {
    institution: 'YC-C03',
    name: '雷芳家庭医生团队',
    lead: 'P052',
    members: [],
    capacity: 1500,
    intro: '望川街道全科团队，妇女儿童和慢病管理。',
  },
  {
    institution: 'YC-C04',
    name: '侯建新家庭医生团队',
    lead: 'P053',
    members: [['P054', 'doctor']],
    capacity: 1800,
    intro: '枫林街道全科与中医团队，提供中医药健康管理。',
  },
  {
    institution: 'YC-C05',
    name: '孟庆和家庭医生团队',
    lead: 'P055',
    members: [],
    capacity: 2000,
    intro: '云湖街道全科团队，慢病和康复管理。',
  },
  {
    institution: 'YC-C06',
    name: '熊婷家庭医生团队',
    lead: 'P056',
    members: [],
    capacity: 1500,
    intro: '杏坛街道全科团队。',
  },
  {
    institution: 'YC-S01',
    name: '姜美玲家庭医生团队',
    lead: 'P057',
    members: [],
    capacity: 1000,
    intro: '石桥社区卫生服务站全科团队。',
  },
];

type Group =
  | 'basic'
  | 'elderly'
  | 'children'
  | 'pregnancy'
  | 'disability'
  | 'hypertension'
  | 'diabetes'
  | 'personalised';

/** FD-2 packages: yearly fee per person split insurance / public health / resident (fen; FD-3 ≥ 100 yuan with the basic package). */
export const DEMO_PACKAGES: {
  institution: string | null;
  code: string;
  name: string;
  group: Group;
  description: string;
  services: string[];
  split: [number, number, number];
  minAge?: number;
  maxAge?: number;
  sex?: 'male' | 'female';
  conditions?: string[];
}[] = [
  {
    institution: null,
    code: 'BASIC',
    name: '基础服务包',
    group: 'basic',
    description: '签约居民均享有的基本医疗和基本公共卫生服务。',
    services: [
      '建立并管理健康档案',
      '常见病多发病诊疗',
      '线上健康咨询',
      '预约转诊（优先号源）',
      '长处方与延伸处方',
      '健康教育',
    ],
    split: [4_000, 6_000, 2_000],
  },
  {
    institution: null,
    code: 'ELDERLY',
    name: '老年人健康管理包',
    group: 'elderly',
    description: '65 岁及以上老年人：每年一次健康体检和中医体质辨识，跌倒与失能风险评估。',
    services: ['年度健康体检', '中医体质辨识', '跌倒风险评估', '用药指导', '上门服务优先'],
    split: [3_000, 2_000, 1_000],
    minAge: 65,
  },
  {
    institution: null,
    code: 'CHILD',
    name: '0–6 岁儿童健康管理包',
    group: 'children',
    description: '0–6 岁儿童：新生儿家庭访视、生长发育监测、预防接种提醒。',
    services: ['新生儿家庭访视', '生长发育监测', '预防接种提醒', '口腔与视力筛查'],
    split: [2_000, 2_000, 1_000],
    maxAge: 6,
  },
  {
    institution: null,
    code: 'MATERNAL',
    name: '孕产妇健康管理包',
    group: 'pregnancy',
    description: '孕产期保健：孕早期建册、产后访视和产后 42 天健康检查。',
    services: ['孕早期建册', '孕期健康指导', '产后家庭访视', '产后 42 天健康检查'],
    split: [2_000, 3_000, 1_000],
    minAge: 18,
    maxAge: 49,
    sex: 'female',
  },
  {
    institution: null,
    code: 'DISABILITY',
    name: '残疾人康复服务包',
    group: 'disability',
    description: '持证残疾人：康复评估、康复训练指导和辅具适配建议，居民个人不付费。',
    services: ['康复评估', '康复训练指导', '辅具适配建议', '上门服务优先'],
    split: [2_500, 2_500, 0],
  },
  {
    institution: null,
    code: 'HTN',
    name: '高血压管理包',
    group: 'hypertension',
    description:
      '35 岁及以上原发性高血压患者：每年不少于 4 次面对面随访和 1 次健康检查（FD-7），居家血压监测。',
    services: ['每年至少 4 次随访', '年度健康检查', '居家血压监测与预警', '长处方', '优先转诊'],
    split: [4_000, 2_000, 2_000],
    minAge: 35,
    conditions: ['I10', 'I11', 'I12', 'I13', 'I15'],
  },
  {
    institution: null,
    code: 'T2DM',
    name: '2型糖尿病管理包',
    group: 'diabetes',
    description: '35 岁及以上 2 型糖尿病患者：每年不少于 4 次空腹血糖和 4 次随访（FD-8），居家血糖监测。',
    services: [
      '每年至少 4 次空腹血糖',
      '每年至少 4 次随访',
      '居家血糖监测与预警',
      '足部与眼底筛查',
      '优先转诊',
    ],
    split: [4_000, 2_000, 2_000],
    minAge: 35,
    conditions: ['E11'],
  },
  {
    institution: 'YC-C01',
    code: 'REHAB-HOME',
    name: '居家康复护理个性化包',
    group: 'personalised',
    description: '青石社区卫生服务中心：出院后居家康复护理，每月一次上门评估（个性化服务包，机构定价）。',
    services: ['每月一次上门康复评估', '康复训练计划', '护理指导'],
    split: [0, 0, 36_000],
  },
];

export const DEMO_ARTICLES: { title: string; summary: string; body: string; audiences: string[] }[] = [
  {
    title: '在家怎样量血压才准',
    summary: '安静休息 5 分钟，坐位、上臂与心脏同高，早晚各测 2 次取平均值。',
    body: '测量前 30 分钟不吸烟、不喝咖啡和浓茶，排空膀胱。坐位，背部有支撑，上臂裸露，袖带下缘在肘窝上 2–3 厘米，与心脏同高。每次测 2 遍，间隔 1 分钟，记录平均值。早上起床后 1 小时内、晚上睡前各测一次。家庭自测血压 ≥135/85 mmHg 提示血压偏高，请告诉您的家庭医生。',
    audiences: ['hypertension', 'elderly'],
  },
  {
    title: '高血压患者的饮食：少盐是第一步',
    summary: '每人每天食盐不超过 5 克，少吃咸菜、酱料和加工肉。',
    body: '减少钠盐摄入可以使收缩压下降 2–8 mmHg。建议使用限盐勺，每人每天食盐不超过 5 克；少吃咸菜、腐乳、酱料、火腿等加工食品；多吃新鲜蔬菜水果和奶类。控制体重，戒烟限酒，每周至少 5 天、每天 30 分钟中等强度运动。',
    audiences: ['hypertension'],
  },
  {
    title: '低血糖的识别与处理',
    summary: '心慌、出汗、手抖、饥饿感：立即吃 15 克糖，15 分钟后复测。',
    body: '血糖 ≤3.9 mmol/L 为低血糖。出现心慌、出汗、手抖、头晕、饥饿感时，立即吃 15 克含糖食物（如 3–4 块方糖或半杯果汁），15 分钟后复测；仍低请再吃一次并联系家庭医生。意识不清时不要喂食，立即拨打 120。',
    audiences: ['diabetes', 'elderly'],
  },
  {
    title: '糖尿病足的日常护理',
    summary: '每天检查双脚，温水洗脚，选择合适的鞋袜。',
    body: '每天用镜子或请家人检查双脚有无破损、水疱、红肿；用不超过 37℃ 的温水洗脚并擦干趾缝；剪趾甲要平剪；穿透气、合脚的鞋和浅色棉袜。发现伤口不愈合请及时就诊。',
    audiences: ['diabetes'],
  },
  {
    title: '老年人预防跌倒',
    summary: '居家防滑、起身要慢、夜间留灯，定期评估用药。',
    body: '浴室和厨房铺防滑垫，卫生间装扶手；起床遵循“三个半分钟”：醒后躺半分钟、坐起半分钟、双腿下垂半分钟再站起；夜间留小夜灯；服用降压药、安眠药的老人，请家庭医生定期评估用药。',
    audiences: ['elderly'],
  },
];

export async function seedFamilyDoctor(trx: Tx, ids: SeedIds, now: Date): Promise<void> {
  for (const team of DEMO_TEAMS) {
    const id = newId();
    await trx
      .insertInto('family_team')
      .values({
        id,
        institution_id: ids.institutions.get(team.institution)!,
        name: team.name,
        lead_practitioner_id: ids.practitioners.get(team.lead)!,
        intro: team.intro,
        capacity: team.capacity,
        created_at: now,
      })
      .execute();
    const members: [string, Role][] = [[team.lead, 'lead'], ...team.members];
    await trx
      .insertInto('family_team_member')
      .values(
        members.map(([code, role]) => ({ team_id: id, practitioner_id: ids.practitioners.get(code)!, role })),
      )
      .execute();
  }
  for (const p of DEMO_PACKAGES) {
    const [insurance, publicHealth, resident] = p.split;
    await trx
      .insertInto('service_package')
      .values({
        id: newId(),
        institution_id: p.institution ? ids.institutions.get(p.institution)! : null,
        code: p.code,
        name: p.name,
        group_code: p.group,
        description: p.description,
        services: p.services,
        fee_fen: insurance + publicHealth + resident,
        insurance_fen: insurance,
        public_health_fen: publicHealth,
        resident_fen: resident,
        min_age: p.minAge ?? null,
        max_age: p.maxAge ?? null,
        sex: p.sex ?? null,
        conditions: p.conditions ?? [],
        created_at: now,
      })
      .execute();
  }
  // FD-9: the home-service catalogue (also written at every start, server.ts; idempotent).
  await syncHomeServiceItems(trx);
  for (const a of DEMO_ARTICLES) {
    await trx
      .insertInto('health_article')
      .values({
        id: newId(),
        title: a.title,
        summary: a.summary,
        body: a.body,
        audiences: a.audiences,
        author_practitioner_id: ids.practitioners.get('P048')!,
        published_at: now,
      })
      .execute();
  }
}
