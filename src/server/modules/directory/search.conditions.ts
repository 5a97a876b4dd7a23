/**
 * Conditions (common diseases and symptoms) the search knows, and the departments that treat them, by
 * the plain department names the region's hospitals use (the first is the usual first choice). Written
 * for the demo region from the departments' 诊疗科目 (《医疗机构诊疗科目名录》) and ordinary outpatient
 * practice — a directory aid, not a diagnosis; the smart triage (POST /triage) reads complaints.
 * A doctor "treats" a condition when their specialty text names it (or an alias), or when they work in
 * one of its departments (search.service.ts).
 */
import { pinyinKeys } from './search.keys.js';
import type { ReadQuery } from './search.rules.js';

export interface Condition {
  name: string;
  kind: 'disease' | 'symptom';
  /** Other words patients type for it (血压高, 拉肚子). */
  aliases: readonly string[];
  departments: readonly string[];
}

const d = (name: string, aliases: string[], departments: string[]): Condition => ({
  name,
  kind: 'disease',
  aliases,
  departments,
});
const s = (name: string, aliases: string[], departments: string[]): Condition => ({
  name,
  kind: 'symptom',
  aliases,
  departments,
});

const INTERNAL = ['全科医学科', '内科'];
const CHILD = ['普通儿科', '儿科'];

export const CONDITIONS: readonly Condition[] = [
  // Heart and vessels
  d('高血压', ['血压高', '原发性高血压'], ['心血管内科', '老年医学科', ...INTERNAL]),
  d('冠心病', ['冠状动脉粥样硬化性心脏病', '心绞痛'], ['心血管内科', '内科']),
  d('心律失常', ['心房颤动', '房颤', '早搏'], ['心血管内科']),
  d('心力衰竭', ['心衰'], ['心血管内科', '老年医学科']),
  d('高脂血症', ['血脂高', '血脂异常', '高血脂'], ['心血管内科', '内分泌科', ...INTERNAL]),
  s('心悸', ['心慌'], ['心血管内科', '内科']),
  s('胸闷', ['胸口闷'], ['心血管内科', '呼吸内科', '内科']),
  // Metabolism
  d('糖尿病', ['血糖高', '高血糖'], ['内分泌科', '老年医学科', ...INTERNAL]),
  d('甲状腺疾病', ['甲亢', '甲减', '甲状腺结节'], ['内分泌科']),
  d('痛风', ['尿酸高', '高尿酸血症'], ['内分泌科', '肾内科']),
  d('骨质疏松', [], ['内分泌科', '骨科', '老年医学科']),
  // Lungs, ear, nose and throat
  s('咳嗽', ['咳痰', '干咳'], ['呼吸内科', '小儿呼吸科', ...INTERNAL, ...CHILD]),
  s('发热', ['发烧', '高烧'], [...INTERNAL, '呼吸内科', ...CHILD, '急诊科']),
  d('感冒', ['上呼吸道感染'], [...INTERNAL, '呼吸内科', ...CHILD]),
  d('哮喘', ['支气管哮喘', '喘息'], ['呼吸内科', '小儿呼吸科']),
  d('慢阻肺', ['慢性阻塞性肺疾病', '慢性支气管炎'], ['呼吸内科']),
  d('肺炎', [], ['呼吸内科', '小儿呼吸科']),
  s('咽喉痛', ['嗓子疼', '咽痛', '咽炎'], ['耳鼻咽喉科', ...INTERNAL]),
  d('鼻炎', ['过敏性鼻炎', '鼻塞'], ['耳鼻咽喉科']),
  s('耳鸣', ['中耳炎', '听力下降'], ['耳鼻咽喉科']),
  // Digestion
  s('胃痛', ['胃疼', '胃胀'], ['消化内科', '中医内科', ...INTERNAL]),
  d('胃炎', ['胃溃疡', '反酸'], ['消化内科', '中医内科']),
  s('腹泻', ['拉肚子'], ['消化内科', ...CHILD, ...INTERNAL]),
  s('便秘', [], ['消化内科', '中医内科']),
  d('肝病', ['脂肪肝', '肝炎'], ['消化内科']),
  d('阑尾炎', [], ['普通外科', '外科', '急诊科']),
  d('疝气', ['腹股沟疝'], ['普通外科', '外科', '小儿外科']),
  // Brain and nerves
  s('头痛', ['头疼', '偏头痛'], ['神经内科', '内科']),
  s('头晕', ['眩晕'], ['神经内科', '耳鼻咽喉科', '心血管内科']),
  d('脑卒中', ['中风', '脑梗', '脑梗死', '脑出血'], ['神经内科', '急诊科', '康复医学科']),
  s('失眠', ['睡不着'], ['神经内科', '中医内科']),
  s('抽搐', ['惊厥', '癫痫'], ['神经内科', '小儿神经科']),
  // Bones and joints
  s('腰痛', ['腰疼', '腰椎间盘突出'], ['骨科', '中医骨伤科', '康复医学科', '推拿科']),
  d('颈椎病', ['脖子疼'], ['骨科', '推拿科', '针灸科', '康复医学科']),
  s('关节痛', ['关节炎', '膝盖疼'], ['骨科', '中医骨伤科', '康复医学科']),
  d('骨折', ['扭伤'], ['骨科', '急诊科', '中医骨伤科']),
  // Skin
  d('湿疹', ['特应性皮炎'], ['皮肤科', '儿童皮肤科']),
  d('荨麻疹', ['皮疹', '风团', '皮肤过敏'], ['皮肤科', '儿童皮肤科']),
  d('痤疮', ['青春痘', '粉刺'], ['皮肤科']),
  // Women, children
  s('月经不调', ['痛经', '月经'], ['妇产科', '中医妇科']),
  s('怀孕', ['产检', '孕检'], ['妇产科']),
  s('生长迟缓', ['矮小', '长不高', '身高'], ['儿童生长发育科', '小儿内分泌科']),
  s('营养不良', ['挑食', '肥胖', '儿童营养'], ['儿童营养科']),
  d('新生儿黄疸', ['黄疸'], ['新生儿科']),
  // Eyes, teeth, kidneys
  s('视力下降', ['近视', '眼睛痛', '眼睛干'], ['眼科']),
  d('白内障', [], ['眼科']),
  s('牙痛', ['牙疼', '龋齿', '蛀牙'], ['口腔科']),
  d('肾病', ['蛋白尿', '肾炎', '肾功能不全'], ['肾内科']),
  d('尿路感染', ['尿频', '尿急', '尿痛'], ['肾内科', ...INTERNAL]),
  // Prevention
  s('疫苗接种', ['打疫苗', '体检'], ['预防保健科']),
];

interface Indexed {
  condition: Condition;
  words: readonly string[];
  initials: readonly string[];
  full: readonly string[];
}

const INDEX: readonly Indexed[] = CONDITIONS.map((condition) => {
  const words = [condition.name, ...condition.aliases];
  const keys = words.map((w) => pinyinKeys(w, 'place'));
  return {
    condition,
    words,
    initials: keys.map((k) => k.pinyin_initials),
    full: keys.map((k) => k.pinyin_full),
  };
});

/**
 * Conditions the query names: a name or alias inside the query ("小孩湿疹" → 湿疹), or the query inside
 * one (two characters at least: "血压" → 高血压); for pinyin, initials or full pinyin starting with it
 * (two letters at least: "gxy" → 高血压). The best first: exact, then contained, then partial.
 */
export function matchConditions(query: ReadQuery, cap: number): Condition[] {
  const scored: { c: Condition; score: number; order: number }[] = [];
  INDEX.forEach((entry, order) => {
    let score = 0;
    if (query.kind === 'text') {
      const q = query.text;
      for (const w of entry.words) {
        if (w === q) score = Math.max(score, 3);
        else if (q.includes(w)) score = Math.max(score, 2);
        else if ([...q].length >= 2 && w.includes(q)) score = Math.max(score, 1);
      }
    } else if (query.text.length >= 2) {
      const q = query.text;
      if (entry.initials.includes(q) || entry.full.includes(q)) score = 3;
      else if (entry.initials.some((k) => k.startsWith(q)) || entry.full.some((k) => k.startsWith(q)))
        score = 1;
    }
    if (score > 0) scored.push({ c: entry.condition, score, order });
  });
  return scored
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, cap)
    .map((x) => x.c);
}

/** The words a condition is written with: its name and aliases (what a doctor's specialty may name). */
export function conditionWords(c: Condition): string[] {
  return [c.name, ...c.aliases];
}
