/**
 * The clinical pre-screen of a prescription (审方 software pre-check, RX-10): dose for age and weight,
 * allergies, duplicate ingredients, severe interactions. Pure; called by prescription.rules.ts.
 */
import type { SevereInteraction } from './drug.types.js';
import {
  about,
  blank,
  CHILD_BELOW_YEARS,
  type KnownItem,
  orPass,
  pass,
  type RuleCheck,
  type RuleInput,
} from './prescription.checks.js';
import { dailyDose, withinLimit } from './prescription.dose.js';

/**
 * Dose limits for the patient's age and weight (审方 pre-screen, RX-10): adults the catalogue maximum;
 * children (< 14) also mg/kg × weight where the catalogue has it, never more than the adult maximum.
 */
export function doseChecks({ patient }: RuleInput, known: KnownItem[]): RuleCheck[] {
  const child = patient.ageYears < CHILD_BELOW_YEARS;
  const weight = patient.weightKg !== null && patient.weightKg > 0 ? patient.weightKg : null;
  const age: RuleCheck[] = [];
  const needWeight: RuleCheck[] = [];
  const dose: RuleCheck[] = [];
  let weighed = false;
  for (const item of known) {
    const { drug } = item;
    if (drug.minAgeYears !== null && patient.ageYears < drug.minAgeYears) {
      age.push(
        about(
          'RX-10',
          'RX_AGE_RESTRICTED',
          drug,
          `不适用于 ${drug.minAgeYears} 岁以下患者`,
          `not for patients under ${drug.minAgeYears}`,
        ),
      );
    }
    const daily = dailyDose(drug, item);
    if (daily === null) continue; // unit or frequency unusable: refused by RX-7 above
    const u = drug.strengthUnit;
    if (child && drug.maxDailyDosePerKg !== null) {
      weighed = true;
      if (weight === null) {
        needWeight.push(
          about(
            'RX-10',
            'RX_WEIGHT_REQUIRED',
            drug,
            '儿童用量按体重计算，须填写体重',
            'a child’s dose goes by weight: weight required',
          ),
        );
        continue;
      }
      const limit = Math.min(drug.maxDailyDosePerKg * weight, drug.maxDailyDose);
      if (!withinLimit(daily, limit)) {
        dose.push(
          about(
            'RX-10',
            'RX_DOSE_EXCEEDED',
            drug,
            `日剂量 ${fmt(daily)}${u} 超过儿童上限 ${fmt(limit)}${u}（${drug.maxDailyDosePerKg}${u}/kg × ${weight}kg）`,
            `daily dose ${fmt(daily)}${u} exceeds the child maximum ${fmt(limit)}${u}`,
          ),
        );
      }
    } else if (!withinLimit(daily, drug.maxDailyDose)) {
      dose.push(
        about(
          'RX-10',
          'RX_DOSE_EXCEEDED',
          drug,
          `日剂量 ${fmt(daily)}${u} 超过最大日剂量 ${drug.maxDailyDose}${u}`,
          `daily dose ${fmt(daily)}${u} exceeds the maximum ${drug.maxDailyDose}${u}`,
        ),
      );
    }
  }
  return [
    ...orPass(age, pass('RX-10', 'RX_AGE_RESTRICTED', '患者年龄符合药品要求', 'age fits every drug')),
    ...(weighed
      ? orPass(needWeight, pass('RX-10', 'RX_WEIGHT_REQUIRED', '已填写儿童体重', 'child’s weight given'))
      : []),
    ...orPass(dose, pass('RX-10', 'RX_DOSE_EXCEEDED', '日剂量在允许范围内', 'daily doses within limits')),
  ];
}

const fmt = (n: number) => String(Math.round(n * 1000) / 1000);

/** A drug's term compared without blanks, case, and a trailing 类: class 青霉素类 is compared as 青霉素. */
const normTerm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/gu, '').replace(/类$/u, '');

/**
 * A recorded allergy as the parts it names (RX-10): split at list marks (、,;/), blanks removed, and the
 * words around the substance dropped — 过敏(史), a leading 对, a trailing 药物 and a trailing 类 — so that
 * 「对头孢类药物过敏」 is compared as 头孢.
 */
function allergyParts(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[、,;/，；]+/u)
    .map((part) =>
      part
        .replace(/\s+/gu, '')
        .replace(/过敏史?/gu, '')
        .replace(/^对/u, '')
        .replace(/(药物|药品)$/u, '')
        .replace(/类$/u, ''),
    )
    .filter((part) => part !== '');
}

/** Shortest allergy text that may stand for a longer drug term (头孢 → 头孢菌素类); one character never does. */
const MIN_PARTIAL_ALLERGY = 2;

/**
 * RX-10: an allergy names a drug's term when it is the term, contains it (阿司匹林过敏 → 阿司匹林), or is a
 * part of it of at least two characters (头孢 → 头孢菌素类, 头孢呋辛). Matching both ways errs on the side of
 * the patient: a false alarm costs the doctor a look, a missed allergy can cost far more.
 */
const allergyNames = (allergy: string, term: string) =>
  allergy.includes(term) || (allergy.length >= MIN_PARTIAL_ALLERGY && term.includes(allergy));

/** Allergy conflicts (审方, RX-10): an ingredient or allergen class the patient is recorded allergic to. */
export function allergyChecks({ patient }: RuleInput, known: KnownItem[]): RuleCheck[] {
  const allergies = patient.allergies.flatMap((a) =>
    allergyParts(a).map((norm) => ({ text: a.trim(), norm })),
  );
  const found: RuleCheck[] = [];
  for (const { drug } of known) {
    const hit = [...drug.ingredients, ...drug.allergenClasses]
      .map((term) => ({ term, norm: normTerm(term) }))
      .filter((t) => t.norm !== '')
      .flatMap((t) => allergies.filter((a) => allergyNames(a.norm, t.norm)).map((a) => ({ t, a })))[0];
    if (hit) {
      found.push(
        about(
          'RX-10',
          'RX_ALLERGY_CONFLICT',
          drug,
          `含「${hit.t.term}」，患者有「${hit.a.text}」过敏史`,
          `contains ${hit.t.term}; the patient is allergic (${hit.a.text})`,
        ),
      );
    }
  }
  return orPass(
    found,
    pass('RX-10', 'RX_ALLERGY_CONFLICT', '未发现与过敏史冲突的药品', 'no allergy conflict'),
  );
}

/** Two different drugs sharing an active ingredient (重复用药, RX-10): amlodipine + amlodipine/benazepril. */
export function duplicateIngredientChecks(known: KnownItem[]): RuleCheck[] {
  const found: RuleCheck[] = [];
  known.forEach((later, j) => {
    for (const earlier of known.slice(0, j)) {
      if (earlier.drugId === later.drugId) continue; // the same drug twice: RX-8 above
      const shared = later.drug.ingredients.filter((x) => earlier.drug.ingredients.includes(x));
      if (shared.length > 0) {
        found.push(
          about(
            'RX-10',
            'RX_DUPLICATE_INGREDIENT',
            later.drug,
            `与「${earlier.drug.genericName}」含相同成分（${shared.join('、')}）`,
            `shares ${shared.join(', ')} with ${earlier.drug.nameEn}`,
          ),
        );
      }
    }
  });
  return orPass(found, pass('RX-10', 'RX_DUPLICATE_INGREDIENT', '没有重复成分', 'no duplicate ingredient'));
}

/**
 * Severe interactions between two items' ingredients (RX-10). The doctor may override one only with a
 * written reason on the LATER item of the pair, in list order — the drug they add despite the warning, and
 * the line the check names. A reason covers the pairs that drug closes with the drugs above it, never a
 * pair with a drug added below it. An override stays in the checks as 'overridden' so the pharmacist sees
 * it.
 */
export function interactionChecks({ interactions }: RuleInput, known: KnownItem[]): RuleCheck[] {
  const key = (x: string, y: string) => (x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`);
  const table = new Map(interactions.map((r) => [key(r.a, r.b), r]));
  const found: RuleCheck[] = [];
  known.forEach((later, j) => {
    const reason = blank(later.interactionOverrideReason)
      ? undefined
      : later.interactionOverrideReason!.trim();
    for (const earlier of known.slice(0, j)) {
      const seen = new Set<SevereInteraction>();
      for (const x of earlier.drug.ingredients) {
        for (const y of later.drug.ingredients) {
          const row = table.get(key(x, y));
          if (!row || seen.has(row)) continue;
          seen.add(row);
          const zh = `与「${earlier.drug.genericName}」存在严重相互作用（${x} + ${y}：${row.effect}）${reason ? `；医生理由：${reason}` : '；如确需合用，请在本药一行注明理由'}`;
          const en = `severe interaction with ${earlier.drug.nameEn} (${row.effectEn})${reason ? `; doctor's reason: ${reason}` : "; to prescribe both, state the reason on this drug's line"}`;
          found.push(
            about('RX-10', 'RX_SEVERE_INTERACTION', later.drug, zh, en, reason ? 'overridden' : 'fail'),
          );
        }
      }
    }
  });
  return orPass(found, pass('RX-10', 'RX_SEVERE_INTERACTION', '未发现严重相互作用', 'no severe interaction'));
}
