/**
 * Medical-record templates for online visits (GET /record-templates?departmentId=): skeletons a doctor
 * picks and then edits, chosen by the department's licensed specialty (心血管内科专业, 内分泌专业,
 * 儿童生长发育专业…) and name. Blanks are written `__`; 有/无 marks a finding to keep or strike. A template
 * carries a diagnosis only when it is for one condition, and then with the catalogue's code and name.
 */
import type { RecordContent, RecordDiagnosis } from '../../../shared/visits.js';
import { icd10Name } from './icd10.js';

export interface RecordTemplate {
  id: string;
  name: string;
  content: Partial<RecordContent>;
}

/** A diagnosis as the catalogue names it; a code missing from the catalogue fails at module load. */
function diagnosis(code: string): RecordDiagnosis {
  const name = icd10Name(code);
  if (!name) throw new Error(`record template diagnosis ${code} is not in the ICD-10 catalogue`);
  return { icd10: code, name };
}

const lines = (...text: string[]) => text.join('\n');

const NO_ALLERGY = '否认药物及食物过敏史。（如有：过敏原__，表现__）';

const ADULT_OBSERVATION = lines(
  '视频/图文问诊：神志清楚，精神可，对答切题，言语流利，未见明显呼吸困难。',
  '线下诊断依据：__（医疗机构、诊断日期，已核验）。',
  '患者上传资料：__（检查项目、日期、主要结果）。',
);

const HYPERTENSION: RecordTemplate = {
  id: 'hypertension-follow-up',
  name: '高血压复诊',
  content: {
    chiefComplaint: '发现血压升高__年，规律服药，线上复诊续方。',
    presentIllness: lines(
      '血压控制情况：家庭自测血压 __/__ mmHg（近一周早晚各测一次，平均 __/__ mmHg），最高 __/__ mmHg。',
      '伴随症状：有/无头晕、头痛、胸闷、心悸、视物模糊、夜尿增多、下肢水肿。',
      '目前用药：__（药名、剂量、用法），服药依从性：规律/偶有漏服。',
      '不良反应：有/无干咳、踝部水肿、乏力、头晕（体位性）。',
      '生活方式：每日食盐约__ g，吸烟__支/日，饮酒__，每周运动__次。',
    ),
    pastHistory:
      '原发性高血压病史__年（__年__月于__医院确诊）。有/无糖尿病、血脂异常、冠心病、脑卒中、慢性肾脏病病史。家族史：__。',
    allergies: NO_ALLERGY,
    onlineObservation: ADULT_OBSERVATION,
    diagnoses: [diagnosis('I10')],
    advice: lines(
      '1. 继续目前降压方案：__。',
      '2. 低盐饮食（每日食盐<5 g），控制体重，戒烟限酒，每周至少5天、每次30分钟中等强度有氧运动。',
      '3. 每日早晚家庭自测血压并记录，目标血压<__/__ mmHg。',
      '4. 每3–6个月复查血钾、肾功能、血脂、血糖、尿常规；每年复查心电图。',
      '5. 如血压≥180/110 mmHg，或出现剧烈头痛、胸痛、肢体无力、言语不清，请立即线下急诊就医。',
      '6. __周后复诊。',
    ),
  },
};

const CORONARY: RecordTemplate = {
  id: 'coronary-follow-up',
  name: '冠心病复诊',
  content: {
    chiefComplaint: '冠心病病史__年（PCI术后__年），线上复诊续方。',
    presentIllness: lines(
      '胸痛：近期有/无胸闷、胸痛发作，诱因__，部位__，持续__分钟，休息/含服硝酸甘油后__缓解；发作频率较前增加/减少/不变。',
      '活动耐量：平地步行__米或连续上__层楼无不适。',
      '有/无心悸、气短、夜间阵发性呼吸困难、下肢水肿、黑矇、晕厥。',
      '目前用药：抗血小板__，调脂__，β受体阻滞剂__，其他__；依从性__。',
      '不良反应：有/无牙龈出血、皮下瘀斑、黑便、肌肉酸痛。',
      '家庭监测：血压__/__ mmHg，静息心率__次/分。',
    ),
    pastHistory:
      '冠心病病史__年，__年行冠脉造影/PCI（植入支架__枚）/冠脉搭桥。有/无高血压、糖尿病、血脂异常、吸烟史。',
    allergies: NO_ALLERGY,
    onlineObservation: ADULT_OBSERVATION,
    diagnoses: [diagnosis('I25.1')],
    advice: lines(
      '1. 继续抗血小板治疗：__（支架术后请勿自行停药，需停药或手术前先咨询心内科医生）。',
      '2. 长期服用调脂药，LDL-C目标<__ mmol/L；每3–6个月复查血脂、肝功能、肌酶。',
      '3. 控制血压、血糖，戒烟限酒，低盐低脂饮食，循序渐进运动。',
      '4. 随身携带硝酸甘油；胸痛持续超过15分钟或含服硝酸甘油不缓解，立即拨打120。',
      '5. __周后复诊。',
    ),
  },
};

const HEART_FAILURE: RecordTemplate = {
  id: 'heart-failure-follow-up',
  name: '心衰随访',
  content: {
    chiefComplaint: '心力衰竭病史__年，线上随访。',
    presentIllness: lines(
      '心功能：日常活动后有/无气短，目前可完成__活动，NYHA心功能__级。',
      '夜间能否平卧：__（需垫__个枕头），有/无夜间阵发性呼吸困难、咳粉红色泡沫痰。',
      '体重：今日晨起__ kg，近一周变化__ kg；下肢水肿：有/无，程度__。',
      '尿量约__ ml/日，每日饮水量约__ ml。',
      '家庭监测：血压__/__ mmHg，静息心率__次/分，心律齐/不齐。',
      '目前用药：__（ARNI/ACEI/ARB、β受体阻滞剂、醛固酮受体拮抗剂、SGLT2抑制剂、利尿剂），依从性__。',
      '不良反应：有/无头晕（低血压）、乏力、口干、尿量明显增多或减少。',
    ),
    pastHistory:
      '心力衰竭病因：__（冠心病/高血压/心肌病/瓣膜病）。最近一次心脏超声：LVEF __%（__年__月）。其他：__。',
    allergies: NO_ALLERGY,
    onlineObservation: lines(
      '视频下神志清楚，说话成句/需停顿换气，端坐/平卧，口唇颜色__，可见/未见下肢水肿。',
      '患者上传资料：__（BNP/NT-proBNP、肾功能、电解质、心电图，日期及结果）。',
    ),
    diagnoses: [diagnosis('I50.9')],
    advice: lines(
      '1. 继续目前药物治疗：__；不要自行停用或加减利尿剂以外的药物。',
      '2. 每日晨起排尿后、早餐前称体重并记录；3天内体重增加超过2 kg，按医嘱调整利尿剂并及时联系医生。',
      '3. 限盐（每日<__ g），液体摄入每日约__ ml；戒烟戒酒，病情稳定时适度活动。',
      '4. 定期复查肾功能、电解质、BNP/NT-proBNP；每6–12个月复查心脏超声。',
      '5. 如气短明显加重、不能平卧、胸痛或晕厥，请立即线下急诊就医。',
      '6. __周后随访。',
    ),
  },
};

const DIABETES: RecordTemplate = {
  id: 'diabetes-follow-up',
  name: '糖尿病复诊',
  content: {
    chiefComplaint: '2型糖尿病病史__年，线上复诊续方。',
    presentIllness: lines(
      '血糖控制情况：空腹血糖__ mmol/L，餐后2小时血糖__ mmol/L；最近一次糖化血红蛋白(HbA1c) __%（__年__月）。',
      '低血糖：有/无心慌、出汗、手抖、饥饿感，最低血糖__ mmol/L，发生时间__，处理__。',
      '有/无多饮、多尿、体重下降；有/无视物模糊、手足麻木、足部破溃、泡沫尿。',
      '目前用药：口服药__；胰岛素__（剂型、剂量、注射时间）；依从性__。',
      '饮食与运动：主食每餐约__ g，每周运动__次、每次__分钟。',
    ),
    pastHistory: lines(
      '2型糖尿病病史__年（__年于__医院确诊）。有/无高血压、血脂异常、冠心病、脑卒中。',
      '并发症筛查：眼底__（日期），尿白蛋白/肌酐比__，足部检查__。',
    ),
    allergies: NO_ALLERGY,
    onlineObservation: ADULT_OBSERVATION,
    diagnoses: [diagnosis('E11.9')],
    advice: lines(
      '1. 继续目前降糖方案：__。',
      '2. 控制目标：HbA1c<__%，空腹血糖__–__ mmol/L，非空腹血糖<__ mmol/L。',
      '3. 每周监测空腹及餐后2小时血糖至少__次并记录。',
      '4. 低血糖（血糖<3.9 mmol/L）时立即进食15 g葡萄糖或含糖饮料，15分钟后复测；随身携带糖果。',
      '5. 每3个月复查HbA1c；每年检查眼底、尿白蛋白/肌酐比、肾功能、血脂、足部。',
      '6. 血糖持续>16.7 mmol/L、反复低血糖，或出现恶心呕吐、腹痛、意识改变，请立即线下就医。',
      '7. __周后复诊。',
    ),
  },
};

const GUARDIAN_PRESENT = '监护人__（与患儿关系：__）全程在场陪同。';

const CHILD_GROWTH: RecordTemplate = {
  id: 'child-growth-first-visit',
  name: '儿童生长发育首诊',
  content: {
    chiefComplaint: '家长发现患儿身高增长缓慢/身材较同龄儿矮小__年。',
    presentIllness: lines(
      '现身高__ cm，体重__ kg（测量日期__，测量地点：家中/社区/医院）；近1年身高增长__ cm。',
      '在同年龄同性别儿童中身高约位于__（P3/P10/P50，或__SD）；既往身高记录：__。',
      '饮食：食欲__，有/无挑食、偏食；每日奶量__ ml。',
      '睡眠：每晚__小时，入睡时间__点；运动：每日户外活动__小时。',
      '有/无反复感染、慢性腹泻、多饮多尿、头痛、视力下降。',
      '青春期发育：有/无乳房发育、睾丸增大、阴毛、变声、月经初潮（时间__）。',
    ),
    pastHistory: lines(
      '出生史：胎龄__周，出生体重__ g，出生身长__ cm，小于胎龄儿：是/否；分娩方式__，有/无窒息。',
      '生长发育里程碑：抬头__月，独坐__月，独走__月，说话__月。既往疾病及用药：__。',
      '家族史：父亲身高__ cm，母亲身高__ cm，遗传靶身高__ cm；父母青春期发育时间__；家族矮小史__。',
    ),
    allergies: NO_ALLERGY,
    onlineObservation: lines(
      GUARDIAN_PRESENT,
      '视频下患儿神志清楚，精神反应好，体型匀称/不匀称，面容__，言语及互动与年龄相符。',
      '上传资料：生长曲线、既往体检身高记录、骨龄片（骨龄__岁，日期__）、其他检查__。',
    ),
    diagnoses: [],
    advice: lines(
      '1. 完善线下检查：左手腕骨龄片、血常规、肝肾功能、甲状腺功能、IGF-1、__；必要时线下门诊行生长激素激发试验。',
      '2. 每3个月在同一时间段、同一方式测量身高体重，记录在生长曲线上。',
      '3. 保证充足睡眠（学龄儿童每晚9–11小时，晚上10点前入睡），均衡营养，每日户外运动至少1小时。',
      '4. 未经医生评估，请勿自行使用生长激素或"增高"类保健品。',
      '5. __个月后携检查结果复诊。',
    ),
  },
};

const CHILD_NUTRITION: RecordTemplate = {
  id: 'child-nutrition',
  name: '儿童营养咨询',
  content: {
    chiefComplaint: '患儿挑食/食欲差/体重增长不理想__个月，家长咨询喂养与营养。',
    presentIllness: lines(
      '现体重__ kg，身高__ cm（测量日期__），BMI __ kg/m²；近3个月体重变化__ kg。',
      '喂养：母乳/配方奶/普食；每日奶量__ ml；早餐__，午餐__，晚餐__，加餐/零食__，含糖饮料__。',
      '挑食：不吃__；进餐时长约__分钟，有/无边吃边玩、看屏幕、追喂。',
      '有/无面色苍白、乏力、夜间多汗、便秘或腹泻、反复呼吸道感染。',
      '营养素补充：维生素D__，铁剂__，其他__。',
    ),
    pastHistory: '出生史：胎龄__周，出生体重__ g。既往贫血、食物过敏、消化道疾病：__。生长发育史：__。',
    allergies: '食物过敏：有/无（__）；药物过敏：有/无（__）。',
    onlineObservation: lines(
      GUARDIAN_PRESENT,
      '视频下患儿精神好，面色__，口唇及甲床颜色__，体型偏瘦/适中/偏胖。',
      '上传资料：生长曲线、血常规（Hb __ g/L，日期__）、__。',
    ),
    diagnoses: [],
    advice: lines(
      '1. 均衡膳食：每日谷薯类、蔬菜水果、鱼禽肉蛋、奶类及大豆搭配；每日奶量__ ml。',
      '2. 定时定量进餐，每餐20–30分钟，进餐时不看屏幕，不以食物作奖励或惩罚。',
      '3. 限制含糖饮料和零食；多吃富含铁的食物（红肉、动物肝脏、动物血）及富含维生素C的蔬果。',
      '4. 维生素D每日__ IU；如有贫血，铁剂__，用药__周后复查血常规。',
      '5. 每月测量身高体重并记录；必要时线下完善__。',
      '6. __周后复诊。',
    ),
  },
};

const DERMATOLOGY: RecordTemplate = {
  id: 'dermatology-follow-up',
  name: '皮肤科复诊',
  content: {
    chiefComplaint: '__部位皮疹伴瘙痒反复__（时间），经治疗后线上复诊。',
    presentIllness: lines(
      '皮损部位：__；形态：红斑/丘疹/水疱/渗出/鳞屑/苔藓样变/风团；范围较上次就诊扩大/缩小/无变化。',
      '瘙痒程度（0–10分）：__，是/否影响睡眠。',
      '诱因：__（季节、食物、接触物、出汗、情绪等）。',
      '目前用药：外用__（用法、部位、疗程），口服__；用药后改善情况__。',
      '不良反应：有/无用药部位刺痛、皮肤变薄、毛细血管扩张。',
    ),
    pastHistory:
      '初诊诊断：__（__年__月于__医院）。既往治疗及效果：__。有/无过敏性鼻炎、哮喘等特应性疾病史及家族史。',
    allergies: NO_ALLERGY,
    onlineObservation: lines(
      '患者上传皮损照片__张（拍摄日期__，自然光下）/视频下所见：__部位可见__，边界__，有/无渗出、结痂、脓疱等继发感染征象。',
      '线上观察受光线和分辨率限制，必要时线下复诊。',
    ),
    diagnoses: [],
    advice: lines(
      '1. 外用药：__，每日__次，连用__天后按医嘱减量。',
      '2. 口服药：__。',
      '3. 皮肤护理：温水短时沐浴（<10分钟），浴后3分钟内涂抹保湿剂，每日至少2次；穿宽松纯棉衣物，避免搔抓及已知诱因。',
      '4. 如皮损迅速扩大、出现脓疱、发热或大面积渗出，请及时线下就诊。',
      '5. __周后复诊，复诊前在相同光线下拍摄皮损照片。',
    ),
  },
};

const CHRONIC: RecordTemplate = {
  id: 'chronic-follow-up',
  name: '慢病复诊',
  content: {
    chiefComplaint: '__（慢性病）病史__年，病情稳定，线上复诊续方。',
    presentIllness: lines(
      '近期病情：__，与上次就诊相比好转/稳定/加重。',
      '目前用药：__（药名、剂量、用法），依从性__，有/无不良反应。',
      '自我监测：__。',
      '有/无新发症状：__。',
    ),
    pastHistory: '__（确诊时间、医疗机构、诊断依据）。其他慢性病：__。手术史：__。',
    allergies: NO_ALLERGY,
    onlineObservation: ADULT_OBSERVATION,
    diagnoses: [],
    advice: lines(
      '1. 继续目前治疗方案：__。',
      '2. 定期复查：__。',
      '3. 生活方式：__。',
      '4. 如病情变化或出现__，请及时线下就诊。',
      '5. __周后复诊。',
    ),
  },
};

const GENERAL_CONSULTATION: RecordTemplate = {
  id: 'general-consultation',
  name: '一般咨询',
  content: {
    chiefComplaint: '咨询__。',
    presentIllness: '咨询内容：__。相关症状及持续时间：__。已做检查及结果：__。目前用药：__。',
    pastHistory: '__',
    allergies: NO_ALLERGY,
    onlineObservation: '图文/视频咨询：__。患者上传资料：__。',
    diagnoses: [],
    advice: lines(
      '1. 健康指导：__。',
      '2. 本次为线上咨询，仅提供健康建议；如需明确诊断或用药，请到线下门诊就诊。',
      '3. 如症状持续或加重，或出现__，请及时线下就医。',
    ),
  },
};

// Matched on the department's specialty and name together (see the seeded departments in
// src/server/seed/region-institutions.ts: 心血管内科专业, 内分泌专业, 小儿内分泌专业, 儿童生长发育专业,
// 儿童营养专业, 儿科, 皮肤病专业, 儿童皮肤疾病专业, 全科医疗专业, 老年病专业, 内科…).
const PAEDIATRIC = /儿童|儿科|小儿|生长发育/;
const CARDIOLOGY = /心血管|心内/;
const ENDOCRINOLOGY = /内分泌/;
/** 全科, 老年病 and general 内科 (not a 内科 sub-specialty) follow up hypertension and diabetes the most. */
const GENERAL_MEDICINE = /全科|老年|(^|\s)内科(\s|$|专业)/;
const GROWTH = /生长发育|小儿内分泌|儿童保健|儿科/;
const CHILD_NUTRITION_DEPT = /营养|生长发育|儿童保健|儿科/;
const DERMATOLOGY_DEPT = /皮肤/;

/**
 * The templates offered for a department, most specific first; 慢病复诊 and 一般咨询 always come last.
 * Each call returns fresh copies, so a caller may edit what it gets.
 */
export function recordTemplatesFor(specialty: string, departmentName: string): RecordTemplate[] {
  const text = `${specialty} ${departmentName}`;
  const chosen: RecordTemplate[] = [];
  const paediatric = PAEDIATRIC.test(text);
  if (CARDIOLOGY.test(text)) chosen.push(HYPERTENSION, CORONARY, HEART_FAILURE);
  if (ENDOCRINOLOGY.test(text) && !paediatric) chosen.push(DIABETES);
  if (GENERAL_MEDICINE.test(text)) chosen.push(HYPERTENSION, DIABETES);
  if (paediatric && GROWTH.test(text)) chosen.push(CHILD_GROWTH);
  if (paediatric && CHILD_NUTRITION_DEPT.test(text)) chosen.push(CHILD_NUTRITION);
  if (DERMATOLOGY_DEPT.test(text)) chosen.push(DERMATOLOGY);
  chosen.push(CHRONIC, GENERAL_CONSULTATION);
  return structuredClone([...new Set(chosen)]);
}

/** Every template, for checks that each one is well-formed. */
export const ALL_RECORD_TEMPLATES: readonly RecordTemplate[] = [
  HYPERTENSION,
  CORONARY,
  HEART_FAILURE,
  DIABETES,
  CHILD_GROWTH,
  CHILD_NUTRITION,
  DERMATOLOGY,
  CHRONIC,
  GENERAL_CONSULTATION,
];
