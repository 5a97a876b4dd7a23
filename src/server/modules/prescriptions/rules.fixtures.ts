/**
 * A small, hand-written drug list for the prescribing-rule tests (independent of the bundled catalogue in
 * drug-data.ts): one drug per situation the rules care about. Ids are 'YY9xxx' so they never collide with
 * catalogue codes. Strengths and limits are close to the labels, but these are test data, not references.
 */
import type { DrugSeed, SevereInteraction } from './drug.types.js';

const base: Omit<DrugSeed, 'id' | 'genericName' | 'nameEn' | 'strength' | 'ingredients'> = {
  brandName: null,
  kind: 'western',
  atc: null,
  dosageForm: '片剂',
  strengthUnit: 'mg',
  unit: '片',
  packageSize: 7,
  packageUnit: '盒',
  route: 'oral',
  usualDailyDose: 0,
  maxDailyDose: 0,
  maxDailyDosePerKg: null,
  minAgeYears: null,
  priceFen: 1000,
  insuranceCategory: 'A',
  otc: false,
  antimicrobial: 'none',
  specialFlags: [],
  allergenClasses: [],
  chronic: false,
};

export const amlodipine: DrugSeed = {
  ...base,
  id: 'YY9001',
  genericName: '苯磺酸氨氯地平片',
  brandName: '络活喜',
  nameEn: 'Amlodipine Besylate Tablets',
  atc: 'C08CA01',
  strength: 5,
  usualDailyDose: 5,
  maxDailyDose: 10,
  priceFen: 3500,
  ingredients: ['氨氯地平'],
  chronic: true,
};

export const nifedipine: DrugSeed = {
  ...base,
  id: 'YY9002',
  genericName: '硝苯地平控释片',
  nameEn: 'Nifedipine Controlled-release Tablets',
  atc: 'C08CA05',
  strength: 30,
  usualDailyDose: 30,
  maxDailyDose: 90,
  ingredients: ['硝苯地平'],
  chronic: true,
};

/** A compound tablet dosed in tablets (strength 1 片): shares 氨氯地平 with amlodipine. */
export const amlodipineBenazepril: DrugSeed = {
  ...base,
  id: 'YY9003',
  genericName: '氨氯地平贝那普利片',
  nameEn: 'Amlodipine and Benazepril Tablets',
  atc: 'C09BB03',
  strength: 1,
  strengthUnit: '片',
  usualDailyDose: 1,
  maxDailyDose: 2,
  ingredients: ['氨氯地平', '贝那普利'],
  chronic: true,
};

/** 非限制使用级 antimicrobial, penicillin class, children 40 mg/kg/day. */
export const amoxicillin: DrugSeed = {
  ...base,
  id: 'YY9004',
  genericName: '阿莫西林胶囊',
  nameEn: 'Amoxicillin Capsules',
  atc: 'J01CA04',
  dosageForm: '胶囊',
  strength: 250,
  unit: '粒',
  packageSize: 24,
  usualDailyDose: 1500,
  maxDailyDose: 4000,
  maxDailyDosePerKg: 40,
  antimicrobial: 'unrestricted',
  ingredients: ['阿莫西林'],
  allergenClasses: ['青霉素类'],
};

/** 20 mg/ml oral suspension, 100 ml a bottle; children 40 mg/kg/day, not below 6 months. */
export const ibuprofenSuspension: DrugSeed = {
  ...base,
  id: 'YY9005',
  genericName: '布洛芬混悬液',
  brandName: '美林',
  nameEn: 'Ibuprofen Suspension',
  atc: 'M01AE01',
  dosageForm: '口服混悬液',
  strength: 20,
  unit: 'ml',
  packageSize: 100,
  packageUnit: '瓶',
  usualDailyDose: 1200,
  maxDailyDose: 2400,
  maxDailyDosePerKg: 40,
  minAgeYears: 0.5,
  otc: true,
  ingredients: ['布洛芬'],
  allergenClasses: ['非甾体抗炎药'],
};

export const morphine: DrugSeed = {
  ...base,
  id: 'YY9006',
  genericName: '盐酸吗啡片',
  nameEn: 'Morphine Hydrochloride Tablets',
  strength: 10,
  packageSize: 10,
  usualDailyDose: 30,
  maxDailyDose: 100,
  specialFlags: ['narcotic'],
  ingredients: ['吗啡'],
};

/** 特殊使用级 antimicrobial. */
export const meropenem: DrugSeed = {
  ...base,
  id: 'YY9007',
  genericName: '注射用美罗培南',
  nameEn: 'Meropenem for Injection',
  dosageForm: '注射剂',
  strength: 500,
  unit: '支',
  packageSize: 1,
  packageUnit: '支',
  route: 'injection',
  usualDailyDose: 3000,
  maxDailyDose: 6000,
  antimicrobial: 'special',
  ingredients: ['美罗培南'],
  allergenClasses: ['碳青霉烯类'],
};

/** 限制使用级 antimicrobial, adults only. */
export const levofloxacin: DrugSeed = {
  ...base,
  id: 'YY9008',
  genericName: '左氧氟沙星片',
  nameEn: 'Levofloxacin Tablets',
  strength: 500,
  packageSize: 4,
  usualDailyDose: 500,
  maxDailyDose: 750,
  minAgeYears: 18,
  antimicrobial: 'restricted',
  ingredients: ['左氧氟沙星'],
  allergenClasses: ['喹诺酮类'],
};

export const warfarin: DrugSeed = {
  ...base,
  id: 'YY9009',
  genericName: '华法林钠片',
  nameEn: 'Warfarin Sodium Tablets',
  strength: 2.5,
  packageSize: 60,
  packageUnit: '瓶',
  usualDailyDose: 3,
  maxDailyDose: 10,
  ingredients: ['华法林'],
  chronic: true,
};

export const aspirin: DrugSeed = {
  ...base,
  id: 'YY9010',
  genericName: '阿司匹林肠溶片',
  brandName: '拜阿司匹灵',
  nameEn: 'Aspirin Enteric-coated Tablets',
  strength: 100,
  packageSize: 30,
  usualDailyDose: 100,
  maxDailyDose: 300,
  otc: true,
  ingredients: ['阿司匹林'],
  allergenClasses: ['非甾体抗炎药'],
  chronic: true,
};

/** 中成药, dosed in pills (strength 1 丸). */
export const danshenPills: DrugSeed = {
  ...base,
  id: 'YY9011',
  genericName: '复方丹参滴丸',
  nameEn: 'Compound Danshen Dripping Pills',
  kind: 'patent',
  dosageForm: '滴丸',
  strength: 1,
  strengthUnit: '丸',
  unit: '丸',
  packageSize: 180,
  packageUnit: '瓶',
  usualDailyDose: 30,
  maxDailyDose: 30,
  ingredients: ['丹参', '三七', '冰片'],
  chronic: true,
};

/** 中药饮片 in grams, 100 g a bag. */
export const astragalus: DrugSeed = {
  ...base,
  id: 'YY9012',
  genericName: '黄芪',
  nameEn: 'Astragali Radix',
  kind: 'herbal',
  dosageForm: '饮片',
  strength: 1,
  strengthUnit: 'g',
  unit: 'g',
  packageSize: 100,
  packageUnit: '袋',
  usualDailyDose: 15,
  maxDailyDose: 30,
  ingredients: ['黄芪'],
};

/** 第二类精神药品. */
export const diazepam: DrugSeed = {
  ...base,
  id: 'YY9013',
  genericName: '地西泮片',
  nameEn: 'Diazepam Tablets',
  strength: 2.5,
  packageSize: 20,
  usualDailyDose: 7.5,
  maxDailyDose: 30,
  specialFlags: ['psychotropic_2'],
  ingredients: ['地西泮'],
};

/** Another herbal piece, `n` apart: herbal-only prescriptions have many lines (RX-8). */
export const herb = (n: number): DrugSeed => ({
  ...astragalus,
  id: `YY98${String(n).padStart(2, '0')}`,
  genericName: `饮片${n}`,
  nameEn: `Herb ${n}`,
  ingredients: [`饮片成分${n}`],
});

export const FIXTURE_DRUGS: readonly DrugSeed[] = [
  amlodipine,
  nifedipine,
  amlodipineBenazepril,
  amoxicillin,
  ibuprofenSuspension,
  morphine,
  meropenem,
  levofloxacin,
  warfarin,
  aspirin,
  danshenPills,
  astragalus,
  diazepam,
];

export const FIXTURE_INTERACTIONS: readonly SevereInteraction[] = [
  { a: '华法林', b: '阿司匹林', effect: '出血风险显著增加', effectEn: 'markedly increased bleeding risk' },
];
