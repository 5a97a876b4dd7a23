/**
 * The home-service catalogue ([12/12], FD-5, FD-9): the family doctor's home visit (上门巡诊), the home
 * sick-bed round (家庭病床查床) and the home-nursing items of 互联网+护理服务 (the national pilot's list,
 * 国卫办医函〔2019〕80号, and the items pilot provinces added: about 45 in all). `itemFeeFen` is the item's own
 * fee — materials and the procedure — on top of the visit fee of FD-5 (nurse 50 yuan, doctor by title,
 * sick-bed round 80).
 *
 * This file is the catalogue's one source: `syncHomeServiceItems` writes it into `home_service_item` at
 * every start (server.ts, after the migrations) and in the demo seed, adding new items and updating the
 * name, fee, text and order of known ones; an item taken out of this list is left in the table (orders
 * point at it) — retire it with `status = 'retired'`.
 */
import type { Executor } from '../../platform/db/database.js';
import type { HomeItemCategory } from './home-service.rules.js';

export interface HomeItem {
  code: string;
  name: string;
  category: HomeItemCategory;
  itemFeeFen: number;
  description: string;
}

const yuan = (y: number) => Math.round(y * 100);

export const HOME_ITEMS: readonly HomeItem[] = [
  // --- Doctors (FD-5)
  {
    code: 'VISIT',
    name: '家庭医生上门巡诊',
    category: 'visit',
    itemFeeFen: 0,
    description: '签约家庭医生上门问诊、查体、慢病评估和用药指导，适合行动不便的签约居民。',
  },
  {
    code: 'SICKBED_ROUND',
    name: '家庭病床查床',
    category: 'sickbed',
    itemFeeFen: 0,
    description: '已建家庭病床的居民，由医生按计划上门查床、调整治疗方案并书写病程记录。',
  },
  // --- Home nursing: injections, infusions, specimens
  {
    code: 'VENOUS_BLOOD',
    name: '静脉采血',
    category: 'nursing',
    itemFeeFen: yuan(15),
    description: '上门静脉采血并送检，含一次性采血针、真空采血管和标本转运。',
  },
  {
    code: 'IM_INJECTION',
    name: '肌内注射',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '按医嘱肌内注射（限医嘱药品，不含首次使用和易过敏药品），注射后观察 15 分钟。',
  },
  {
    code: 'SC_INJECTION',
    name: '皮下注射',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '按医嘱皮下注射（如低分子肝素），注射后观察并指导注意事项。',
  },
  {
    code: 'INSULIN_INJECTION',
    name: '胰岛素注射及指导',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '胰岛素笔注射、注射部位轮换和低血糖识别指导。',
  },
  {
    code: 'IV_INFUSION',
    name: '静脉输液（限定药品）',
    category: 'nursing',
    itemFeeFen: yuan(30),
    description: '按医嘱静脉输液，限定为非首次使用、不易过敏的药品；护士全程在场观察。',
  },
  {
    code: 'PICC_CARE',
    name: 'PICC 维护',
    category: 'nursing',
    itemFeeFen: yuan(60),
    description: '经外周置入中心静脉导管的冲封管、更换敷料和接头，评估穿刺点及导管功能。',
  },
  {
    code: 'PERIPHERAL_CANNULA_CARE',
    name: '外周静脉留置针维护',
    category: 'nursing',
    itemFeeFen: yuan(20),
    description: '留置针冲封管、更换敷贴，观察静脉炎和渗漏。',
  },
  {
    code: 'SPECIMEN_COLLECTION',
    name: '标本采集（尿、便、痰）',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '指导并协助留取尿、便、痰标本，规范送检。',
  },
  // --- Wounds and skin
  {
    code: 'WOUND_DRESSING',
    name: '伤口换药',
    category: 'nursing',
    itemFeeFen: yuan(30),
    description: '清洁伤口换药，评估愈合情况，含无菌换药包和敷料。',
  },
  {
    code: 'PRESSURE_INJURY_CARE',
    name: '压疮护理',
    category: 'nursing',
    itemFeeFen: yuan(50),
    description: '压力性损伤分期评估、清创换药和减压措施指导。',
  },
  {
    code: 'DIABETIC_FOOT_CARE',
    name: '糖尿病足护理',
    category: 'nursing',
    itemFeeFen: yuan(50),
    description: '糖尿病足溃疡评估与换药，足部护理和鞋袜选择指导。',
  },
  {
    code: 'SUTURE_REMOVAL',
    name: '拆线',
    category: 'nursing',
    itemFeeFen: yuan(20),
    description: '手术切口或外伤缝合后拆线，评估切口愈合。',
  },
  {
    code: 'STOMA_CARE',
    name: '造口护理',
    category: 'nursing',
    itemFeeFen: yuan(40),
    description: '肠造口、尿路造口的评估、更换造口袋和造口周围皮肤护理指导。',
  },
  {
    code: 'INCONTINENCE_SKIN_CARE',
    name: '失禁性皮炎护理',
    category: 'nursing',
    itemFeeFen: yuan(20),
    description: '大小便失禁者的会阴及臀部皮肤清洁、保护和用品选择指导。',
  },
  // --- Tubes and drains
  {
    code: 'URINARY_CATHETERISATION',
    name: '留置导尿',
    category: 'nursing',
    itemFeeFen: yuan(40),
    description: '无菌导尿并留置尿管，含一次性导尿包。',
  },
  {
    code: 'CATHETER_CHANGE',
    name: '更换尿管',
    category: 'nursing',
    itemFeeFen: yuan(40),
    description: '按期更换留置尿管，评估尿液性状和尿道口情况。',
  },
  {
    code: 'CATHETER_CARE',
    name: '留置尿管护理',
    category: 'nursing',
    itemFeeFen: yuan(15),
    description: '尿道口清洁消毒、尿管固定和集尿袋更换，预防导尿管相关感染。',
  },
  {
    code: 'BLADDER_IRRIGATION',
    name: '膀胱冲洗',
    category: 'nursing',
    itemFeeFen: yuan(30),
    description: '按医嘱经尿管膀胱冲洗，观察冲洗液性状。',
  },
  {
    code: 'GASTRIC_TUBE',
    name: '胃管置入/更换',
    category: 'nursing',
    itemFeeFen: yuan(40),
    description: '留置或更换鼻胃管，确认胃管位置并妥善固定。',
  },
  {
    code: 'NASOGASTRIC_FEEDING',
    name: '鼻饲',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '经胃管注入营养液或药物，指导家属鼻饲方法和误吸预防。',
  },
  {
    code: 'ENTERAL_NUTRITION',
    name: '肠内营养（管饲）指导',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '经胃管或胃造瘘管饲的营养液配制、输注速度和管道维护指导。',
  },
  {
    code: 'DRAINAGE_BAG_CHANGE',
    name: '更换引流袋',
    category: 'nursing',
    itemFeeFen: yuan(15),
    description: '各类引流管更换引流袋，记录引流量和性状。',
  },
  {
    code: 'DRAIN_CARE',
    name: '引流管护理',
    category: 'nursing',
    itemFeeFen: yuan(20),
    description: '引流管固定、通畅性检查和穿刺点换药。',
  },
  {
    code: 'ENEMA',
    name: '灌肠',
    category: 'nursing',
    itemFeeFen: yuan(20),
    description: '按医嘱不保留灌肠或保留灌肠，缓解便秘。',
  },
  // --- Breathing
  {
    code: 'SUCTION',
    name: '吸痰',
    category: 'nursing',
    itemFeeFen: yuan(15),
    description: '经口、鼻或气管切开处吸痰，保持呼吸道通畅。',
  },
  {
    code: 'NEBULISATION',
    name: '雾化吸入',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '按医嘱雾化吸入治疗，指导有效咳嗽和排痰。',
  },
  {
    code: 'OXYGEN_THERAPY_GUIDANCE',
    name: '氧疗指导',
    category: 'nursing',
    itemFeeFen: 0,
    description: '家庭氧疗设备使用、氧流量和用氧安全指导。',
  },
  {
    code: 'TRACHEOSTOMY_CARE',
    name: '气管切开护理',
    category: 'nursing',
    itemFeeFen: yuan(40),
    description: '气切套管清洁消毒、切口换药和系带更换。',
  },
  {
    code: 'SPUTUM_CLEARANCE',
    name: '协助排痰（叩背）',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '体位引流、叩背排痰和有效咳嗽训练。',
  },
  // --- Basic care and monitoring
  {
    code: 'VITAL_SIGNS',
    name: '生命体征监测',
    category: 'nursing',
    itemFeeFen: 0,
    description: '测量体温、脉搏、呼吸、血压并评估，异常时联系家庭医生。',
  },
  {
    code: 'GLUCOSE_MONITORING',
    name: '血糖监测',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '指尖血糖测定（含试纸），指导居家血糖监测。',
  },
  {
    code: 'ORAL_CARE',
    name: '口腔护理',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '卧床、鼻饲等患者的口腔清洁和口腔黏膜评估。',
  },
  {
    code: 'PERINEAL_CARE',
    name: '会阴护理',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '会阴部清洁护理，预防感染。',
  },
  {
    code: 'PHYSICAL_COOLING',
    name: '物理降温',
    category: 'nursing',
    itemFeeFen: yuan(5),
    description: '温水擦浴、冰袋等物理降温并观察体温变化。',
  },
  {
    code: 'MEDICATION_GUIDANCE',
    name: '用药指导',
    category: 'nursing',
    itemFeeFen: 0,
    description: '核对居家用药，指导用法、用量、不良反应观察和药品保存。',
  },
  {
    code: 'REHAB_GUIDANCE',
    name: '康复训练指导',
    category: 'nursing',
    itemFeeFen: yuan(20),
    description: '卧床、脑卒中后等患者的肢体功能训练、翻身和转移训练指导。',
  },
  {
    code: 'FALL_RISK_ASSESSMENT',
    name: '跌倒风险与居家环境评估',
    category: 'nursing',
    itemFeeFen: 0,
    description: '评估老年人跌倒风险和居家环境安全，提出防跌倒改造建议。',
  },
  {
    code: 'HOSPICE_CARE',
    name: '安宁疗护',
    category: 'nursing',
    itemFeeFen: yuan(30),
    description: '终末期患者的症状护理、舒适照护和家属心理支持。',
  },
  // --- Mothers and newborns
  {
    code: 'NEWBORN_CARE',
    name: '新生儿护理',
    category: 'nursing',
    itemFeeFen: yuan(20),
    description: '新生儿沐浴、抚触、体重和喂养评估。',
  },
  {
    code: 'UMBILICAL_CARE',
    name: '新生儿脐部护理',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '脐部消毒护理，观察有无渗血、感染。',
  },
  {
    code: 'NEONATAL_JAUNDICE',
    name: '新生儿黄疸监测',
    category: 'nursing',
    itemFeeFen: yuan(10),
    description: '经皮胆红素测定，指导黄疸观察和复诊时机。',
  },
  {
    code: 'POSTPARTUM_BREAST_CARE',
    name: '产后乳房护理',
    category: 'nursing',
    itemFeeFen: yuan(30),
    description: '乳房胀痛、乳汁淤积的护理和母乳喂养姿势指导。',
  },
  {
    code: 'POSTPARTUM_CARE',
    name: '产褥期护理',
    category: 'nursing',
    itemFeeFen: yuan(20),
    description: '产妇子宫复旧、恶露和会阴伤口观察，产后康复指导。',
  },
  // --- Traditional Chinese medicine nursing
  {
    code: 'TCM_MOXIBUSTION',
    name: '中医护理（艾灸）',
    category: 'nursing',
    itemFeeFen: yuan(30),
    description: '按辨证选穴施灸，预防烫伤。',
  },
  {
    code: 'TCM_AURICULAR',
    name: '中医护理（耳穴贴压）',
    category: 'nursing',
    itemFeeFen: yuan(15),
    description: '耳穴贴压，辅助改善失眠、便秘等症状。',
  },
];

/** Writes the catalogue into `home_service_item`: new items added, known ones updated (idempotent). */
export async function syncHomeServiceItems(db: Executor): Promise<void> {
  await db
    .insertInto('home_service_item')
    .values(
      HOME_ITEMS.map((i, n) => ({
        code: i.code,
        name: i.name,
        category: i.category,
        item_fee_fen: i.itemFeeFen,
        description: i.description,
        sort: (n + 1) * 10,
      })),
    )
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        category: eb.ref('excluded.category'),
        item_fee_fen: eb.ref('excluded.item_fee_fen'),
        description: eb.ref('excluded.description'),
        sort: eb.ref('excluded.sort'),
      })),
    )
    .execute();
}
