/**
 * The prescribing rules, pure (issue §3): the service feeds them the visit, the patient, the formulary,
 * the catalogue rows and the interaction table, on every save and again on signing. Each rule that ran
 * leaves a RuleCheck (pass, fail, or an interaction the doctor overrode with a written reason) so the
 * pharmacist sees what the pre-check found (RX-10). No database, no clock: `now` comes in.
 */
import type { DrugSeed, SpecialFlag } from './drug.types.js';
import {
  about,
  blank,
  fail,
  GUARDIAN_BELOW_YEARS,
  type KnownItem,
  MAX_ITEMS,
  MAX_LONG_TERM_DAYS,
  MAX_NORMAL_DAYS,
  MAX_VALID_DAYS,
  orPass,
  pass,
  REOPEN_MS,
  type RuleCheck,
  type RuleInput,
} from './prescription.checks.js';
import { isFrequency, requiredPackages } from './prescription.dose.js';
import {
  allergyChecks,
  doseChecks,
  duplicateIngredientChecks,
  interactionChecks,
} from './prescription.safety.js';

export {
  failures,
  RULE_CODES,
  type RuleCheck,
  type RuleCode,
  type RuleInput,
  type RuleItem,
  ruleViolation,
} from './prescription.checks.js';
export { dailyDose, FREQUENCIES, type FrequencyCode, requiredPackages } from './prescription.dose.js';

export function checkPrescription(input: RuleInput): RuleCheck[] {
  const known = input.items.filter((i): i is KnownItem => i.drug !== undefined);
  return [
    ...visitChecks(input),
    ...patientChecks(input),
    ...listChecks(input, known),
    ...daysChecks(input, known),
    ...usageChecks(known),
    ...doseChecks(input, known),
    ...allergyChecks(input, known),
    ...duplicateIngredientChecks(known),
    ...interactionChecks(input, known),
  ];
}

/** VISIT-6, PILOT-4, RX-1: which visit, whose, when, with a diagnosis. */
function visitChecks({ visit, now, prescriberPractitionerId, diagnoses }: RuleInput): RuleCheck[] {
  const code = 'RX_VISIT_TYPE_NOT_ALLOWED';
  const type =
    visit.type === 'follow_up'
      ? pass('VISIT-6', code, '复诊可开具处方', 'a follow-up visit may prescribe')
      : visit.type === 'first_visit'
        ? visit.pilotInScope
          ? pass('PILOT-4', code, '试点范围内的首诊可开具处方', 'an in-scope pilot first visit may prescribe')
          : fail(
              'PILOT-4',
              code,
              '该首诊不在互联网首诊试点范围内，不能开具处方',
              'this first visit is outside the pilot scope: no prescription',
            )
        : fail(
            'VISIT-6',
            code,
            '咨询只提供建议，不能开具处方',
            'a consultation gives advice only: no prescription',
          );

  // RX-1: the visit's own doctor writes it personally.
  const mine = visit.practitionerId !== null && visit.practitionerId === prescriberPractitionerId;
  const prescriber = mine
    ? pass('RX-1', 'RX_NOT_PRESCRIBER', '由接诊医生本人开具', 'written by the visit’s doctor')
    : fail(
        'RX-1',
        'RX_NOT_PRESCRIBER',
        '只有本次问诊的接诊医生可以开具处方',
        'only the visit’s doctor may prescribe',
      );

  // While the visit is in progress, or within 24 h of completing it (issue §3).
  const sinceCompleted = visit.completedAt ? now.getTime() - visit.completedAt.getTime() : null;
  const open =
    visit.status === 'in_progress' ||
    (visit.status === 'completed' && sinceCompleted !== null && sinceCompleted <= REOPEN_MS);
  const openCheck = open
    ? pass(
        'VISIT-6',
        'RX_VISIT_NOT_OPEN',
        '问诊进行中或结束未满 24 小时',
        'the visit is in progress or ended < 24 h ago',
      )
    : fail(
        'VISIT-6',
        'RX_VISIT_NOT_OPEN',
        '问诊未在进行中，或已结束超过 24 小时',
        'the visit is not in progress or ended over 24 h ago',
      );

  const diagnosed = diagnoses.some((d) => !blank(d.icd10) || !blank(d.name));
  const diagnosis = diagnosed
    ? pass('VISIT-6', 'RX_DIAGNOSIS_REQUIRED', '已有诊断', 'a diagnosis is recorded')
    : fail(
        'VISIT-6',
        'RX_DIAGNOSIS_REQUIRED',
        '开具处方前须至少有一项诊断',
        'a prescription needs at least one diagnosis',
      );
  return [type, prescriber, openCheck, diagnosis];
}

/** RX-5 (guardian for a child under 6) and RX-6 (validity). */
function patientChecks({ patient, visit, validDays = 1, validityReason }: RuleInput): RuleCheck[] {
  const code = 'RX_GUARDIAN_REQUIRED';
  const guardian =
    patient.ageYears >= GUARDIAN_BELOW_YEARS
      ? pass('RX-5', code, '患者已满 6 岁', 'the patient is 6 or older')
      : visit.guardianConfirmed
        ? pass('RX-5', code, '6 岁以下儿童，监护人已确认在场', 'child under 6, guardian confirmed present')
        : fail(
            'RX-5',
            code,
            '6 岁以下儿童须确认监护人在场方可开具处方',
            'a child under 6 needs the guardian confirmed present',
          );

  const v = 'RX_VALIDITY_EXCEEDED';
  const validity =
    !Number.isInteger(validDays) || validDays < 1 || validDays > MAX_VALID_DAYS
      ? fail(
          'RX-6',
          v,
          `处方有效期须为 1 至 3 天（当前 ${validDays} 天）`,
          `validity must be 1 to 3 days (got ${validDays})`,
        )
      : validDays > 1 && blank(validityReason)
        ? fail('RX-6', v, '有效期超过当日须注明理由', 'a validity beyond the day of issue needs a reason')
        : pass('RX-6', v, `处方有效期 ${validDays} 天`, `valid for ${validDays} day(s)`);
  return [guardian, validity];
}

/** RX-1 (catalogue, formulary), RX-4 (special drugs), RX-8 (count, kinds, one line per drug). */
function listChecks({ items, formulary }: RuleInput, known: KnownItem[]): RuleCheck[] {
  const out: RuleCheck[] = [];
  const unknown = items
    .filter((i) => i.drug === undefined)
    .map((i) => ({
      ...fail(
        'RX-1',
        'RX_UNKNOWN_DRUG',
        `药品 ${i.drugId} 不在药品目录中`,
        `drug ${i.drugId} is not in the catalogue`,
      ),
      drugId: i.drugId,
    }));
  out.push(
    ...orPass(unknown, pass('RX-1', 'RX_UNKNOWN_DRUG', '药品均在目录中', 'every drug is in the catalogue')),
  );

  // RX-4: no specially managed drug, no 特殊使用级 antimicrobial online.
  const special = known
    .filter((i) => i.drug.specialFlags.length > 0 || i.drug.antimicrobial === 'special')
    .map((i) =>
      about(
        'RX-4',
        'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN',
        i.drug,
        specialWhy(i.drug),
        'may not be prescribed online',
      ),
    );
  out.push(
    ...orPass(
      special,
      pass('RX-4', 'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN', '无特殊管理药品', 'no specially managed drug'),
    ),
  );

  // RX-1: the institution's online formulary (checked after RX-4, so a specially managed drug — which
  // is never in a formulary — is refused under its own rule).
  if (formulary !== null) {
    const outside = known
      .filter((i) => !formulary.has(i.drugId))
      .map((i) =>
        about(
          'RX-1',
          'RX_NOT_IN_FORMULARY',
          i.drug,
          '不在本机构线上处方目录中',
          'not in the institution’s online formulary',
        ),
      );
    out.push(
      ...orPass(
        outside,
        pass('RX-1', 'RX_NOT_IN_FORMULARY', '药品均在本机构处方目录中', 'every drug is in the formulary'),
      ),
    );
  }

  // RX-8: ≤5 drugs on a Western / Chinese-patent prescription (herbal pieces are not counted this way).
  // An empty list cannot come through the HTTP schema (minItems 1); refused anyway, as a quantity problem.
  const herbalOnly = items.length > 0 && items.every((i) => i.drug?.kind === 'herbal');
  if (items.length === 0) {
    out.push(
      fail('RX-8', 'RX_QUANTITY_MISMATCH', '处方至少须有一种药品', 'a prescription needs at least one drug'),
    );
  } else if (!herbalOnly && items.length > MAX_ITEMS) {
    out.push(
      fail(
        'RX-8',
        'RX_TOO_MANY_ITEMS',
        `每张处方不得超过 5 种药品（当前 ${items.length} 种）`,
        `at most 5 drugs per prescription (got ${items.length})`,
      ),
    );
  } else {
    out.push(pass('RX-8', 'RX_TOO_MANY_ITEMS', `药品 ${items.length} 种`, `${items.length} drug(s)`));
  }

  // RX-8: herbal pieces on their own prescription. (One patient per prescription holds by construction.)
  const herbal = known.some((i) => i.drug.kind === 'herbal');
  const other = known.some((i) => i.drug.kind !== 'herbal');
  out.push(
    herbal && other
      ? fail(
          'RX-8',
          'RX_MIXED_KINDS',
          '中药饮片须单独开具处方，不能与西药、中成药混开',
          'herbal pieces need their own prescription, apart from Western and patent drugs',
        )
      : pass(
          'RX-8',
          'RX_MIXED_KINDS',
          '未混开中药饮片与西药、中成药',
          'herbal pieces are not mixed with other drugs',
        ),
  );

  // RX-8: one line per drug (每一种药品另起一行); a drug listed twice is a duplicate.
  const seen = new Set<string>();
  const twice: RuleCheck[] = [];
  for (const i of known) {
    if (seen.has(i.drugId))
      twice.push(about('RX-8', 'RX_DUPLICATE_INGREDIENT', i.drug, '在处方中重复出现', 'is listed twice'));
    seen.add(i.drugId);
  }
  out.push(
    ...orPass(twice, pass('RX-8', 'RX_DUPLICATE_INGREDIENT', '没有重复的药品', 'no drug listed twice')),
  );
  return out;
}

const SPECIAL_ZH: Record<SpecialFlag, string> = {
  narcotic: '麻醉药品',
  psychotropic_1: '第一类精神药品',
  psychotropic_2: '第二类精神药品',
  toxic: '医疗用毒性药品',
  radioactive: '放射性药品',
  precursor: '易制毒药品',
};

function specialWhy(drug: DrugSeed): string {
  const kinds = drug.specialFlags.map((f) => SPECIAL_ZH[f]);
  if (drug.antimicrobial === 'special') kinds.push('特殊使用级抗菌药物');
  return `属于${kinds.join('、')}，不能在线开具`;
}

/**
 * RX-7 (≤7 days) and RX-9 (long-term: ≤30 days online, a long-term drug of the catalogue, stable chronic
 * diagnosis, stated reason).
 */
function daysChecks({ chronicStable, longTermReason }: RuleInput, known: KnownItem[]): RuleCheck[] {
  const code = 'RX_DAYS_EXCEEDED';
  const found: RuleCheck[] = [];
  for (const { drug, days } of known) {
    if (days <= MAX_NORMAL_DAYS) continue;
    const say = (zh: string, en: string) => found.push(about('RX-9', code, drug, zh, en));
    if (days > MAX_LONG_TERM_DAYS)
      say(
        `用药 ${days} 天，超过线上长期处方上限 30 天`,
        `${days} days exceed the online long-term limit of 30`,
      );
    else if (drug.antimicrobial !== 'none')
      say('为抗菌药物，不能开具长期处方，用药不得超过 7 天', 'is an antimicrobial: at most 7 days');
    else if (drug.specialFlags.length > 0)
      say('为特殊管理药品，不能开具长期处方', 'is specially managed: no long-term prescription');
    // RX-9: a long-term prescription is for the chronic disease's own medicines (the catalogue's `chronic`
    // flag), not for any drug written at a chronic follow-up — 30 days of an NSAID is not 长期处方.
    else if (!drug.chronic)
      say(
        `不属于慢性病长期用药，用药不得超过 7 天（当前 ${days} 天）`,
        `is not a long-term (chronic) medicine: at most 7 days (${days} given)`,
      );
    else if (!chronicStable)
      say(
        `用药 ${days} 天：超过 7 天仅限病情稳定的慢性病复诊`,
        `${days} days: beyond 7 only for a stable chronic condition`,
      );
    else if (blank(longTermReason))
      say(`用药 ${days} 天：超过 7 天须注明长期处方理由`, `${days} days: beyond 7 needs a stated reason`);
  }
  return orPass(found, pass('RX-7', code, '用药天数在允许范围内', 'days supply within limits'));
}

/**
 * RX-7: a line's quantity is dose × frequency × days in whole packages, so the days limit holds for what
 * is handed over. A dose unit that fits neither the strength unit nor the unit, an unknown frequency, or
 * a non-positive dose or days cannot be checked and is refused with the same code.
 */
function usageChecks(known: KnownItem[]): RuleCheck[] {
  const code = 'RX_QUANTITY_MISMATCH';
  const found: RuleCheck[] = [];
  for (const item of known) {
    const { drug } = item;
    const say = (zh: string, en: string) => found.push(about('RX-7', code, drug, zh, en));
    if (!(Number.isFinite(item.dose) && item.dose > 0)) say('剂量须为正数', 'the dose must be positive');
    else if (!Number.isInteger(item.days) || item.days < 1)
      say('用药天数须为正整数', 'days must be a whole number ≥ 1');
    else if (!isFrequency(item.frequency))
      say(`用药频次 ${item.frequency} 无法识别`, `unknown frequency ${item.frequency}`);
    else if (item.frequency === 'st' && item.days !== 1)
      say('立即（st）用药的天数须为 1', 'st (once) needs days = 1');
    else {
      const expected = requiredPackages(drug, item);
      if (expected === null) {
        say(
          `剂量单位「${item.doseUnit}」与该药不符（应为 ${drug.strengthUnit} 或 ${drug.unit}）`,
          `dose unit "${item.doseUnit}" does not fit (use ${drug.strengthUnit} or ${drug.unit})`,
        );
      } else if (item.quantity !== expected) {
        say(
          `数量 ${item.quantity}${drug.packageUnit} 与用法用量不符，应为 ${expected}${drug.packageUnit}`,
          `quantity ${item.quantity} does not match dose × frequency × days: expected ${expected}`,
        );
      }
    }
  }
  return orPass(found, pass('RX-7', code, '数量与用法用量相符', 'quantities match dose × frequency × days'));
}
