/**
 * The drug catalogue's shape (modelled on the national insurance drug list, 国家医保药品目录): what the
 * prescribing rules (RX-4, RX-8, RX-9, dose limits) and the pharmacies need to know about a drug.
 */
export type DrugKind = 'western' | 'patent' | 'herbal'; // 西药 | 中成药 | 中药饮片
export type AntimicrobialGrade = 'none' | 'unrestricted' | 'restricted' | 'special'; // 非限制/限制/特殊使用级
export type SpecialFlag =
  | 'narcotic'
  | 'psychotropic_1'
  | 'psychotropic_2'
  | 'toxic'
  | 'radioactive'
  | 'precursor';
export type InsuranceCategory = 'A' | 'B' | 'C'; // 甲 | 乙 | 丙 (C: not covered)

export interface DrugSeed {
  /** Stable code, 'YY' + 4 digits. */
  id: string;
  /** 通用名, e.g. 苯磺酸氨氯地平片. */
  genericName: string;
  /** 商品名, e.g. 络活喜. */
  brandName: string | null;
  nameEn: string;
  kind: DrugKind;
  atc: string | null;
  /** 片剂, 胶囊, 颗粒, 注射液, 口服溶液, 软膏 … */
  dosageForm: string;
  /** Active ingredient per unit, in strengthUnit. */
  strength: number;
  strengthUnit: string;
  /** The smallest unit taken: 片, 粒, 袋, 支, ml, g. */
  unit: string;
  /** Units per package. */
  packageSize: number;
  packageUnit: string;
  route: string;
  /** Adult, strengthUnit per day. */
  usualDailyDose: number;
  /** Adult maximum, strengthUnit per day. */
  maxDailyDose: number;
  /** Children: strengthUnit per kg per day, where it applies. */
  maxDailyDosePerKg: number | null;
  /** Not for children below this age (null: no limit). */
  minAgeYears: number | null;
  /** Reference retail price per package, integer fen. */
  priceFen: number;
  insuranceCategory: InsuranceCategory;
  otc: boolean;
  antimicrobial: AntimicrobialGrade;
  specialFlags: SpecialFlag[];
  /** Normalised active ingredients (Chinese), for duplicate-ingredient and interaction checks. */
  ingredients: string[];
  /** Allergy classes (青霉素类, 头孢菌素类, 磺胺类, 非甾体抗炎药 …). */
  allergenClasses: string[];
  /** A typical long-term (长期处方) drug for a chronic disease. */
  chronic: boolean;
}

export interface SevereInteraction {
  /** Ingredients, unordered. */
  a: string;
  b: string;
  effect: string;
  effectEn: string;
}
