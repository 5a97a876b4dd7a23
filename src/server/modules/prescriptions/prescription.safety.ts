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

/** Names compared without blanks, case, and a trailing 类: allergy 青霉素 matches class 青霉素类. */
const normName = (s: string) => s.normalize('NFKC').trim().toLowerCase().replace(/类$/u, '');

/** Allergy conflicts (审方, RX-10): an ingredient or allergen class the patient is recorded allergic to. */
export function allergyChecks({ patient }: RuleInput, known: KnownItem[]): RuleCheck[] {
  const allergies = patient.allergies
    .map((a) => ({ text: a.trim(), norm: normName(a) }))
    .filter((a) => a.norm !== '');
  const found: RuleCheck[] = [];
  for (const { drug } of known) {
    const hit = [...drug.ingredients, ...drug.allergenClasses]
      .map((term) => ({ term, norm: normName(term) }))
      .filter((t) => t.norm !== '')
      .flatMap((t) =>
        allergies.filter((a) => a.norm === t.norm || a.norm.includes(t.norm)).map((a) => ({ t, a })),
      )[0];
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
 * written reason on either item; it stays in the checks as 'overridden' so the pharmacist sees it.
 */
export function interactionChecks({ interactions }: RuleInput, known: KnownItem[]): RuleCheck[] {
  const key = (x: string, y: string) => (x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`);
  const table = new Map(interactions.map((r) => [key(r.a, r.b), r]));
  const found: RuleCheck[] = [];
  known.forEach((later, j) => {
    for (const earlier of known.slice(0, j)) {
      const seen = new Set<SevereInteraction>();
      for (const x of earlier.drug.ingredients) {
        for (const y of later.drug.ingredients) {
          const row = table.get(key(x, y));
          if (!row || seen.has(row)) continue;
          seen.add(row);
          const reason = [later.interactionOverrideReason, earlier.interactionOverrideReason]
            .find((r) => !blank(r))
            ?.trim();
          const zh = `与「${earlier.drug.genericName}」存在严重相互作用（${x} + ${y}：${row.effect}）${reason ? `；医生理由：${reason}` : ''}`;
          const en = `severe interaction with ${earlier.drug.nameEn} (${row.effectEn})${reason ? `; doctor's reason: ${reason}` : ''}`;
          found.push(
            about('RX-10', 'RX_SEVERE_INTERACTION', later.drug, zh, en, reason ? 'overridden' : 'fail'),
          );
        }
      }
    }
  });
  return orPass(found, pass('RX-10', 'RX_SEVERE_INTERACTION', '未发现严重相互作用', 'no severe interaction'));
}
