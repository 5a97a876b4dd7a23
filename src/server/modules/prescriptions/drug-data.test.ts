import { pinyin } from 'pinyin-pro';
import { describe, expect, it } from 'vitest';
import type { AntimicrobialGrade, DrugKind, DrugSeed, SpecialFlag } from './drug.types.js';
import { DRUGS } from './drug-data.js';
import { nameKeys, searchKeys } from './drug-search.js';
import { SEVERE_INTERACTIONS } from './interactions-data.js';

const KINDS: DrugKind[] = ['western', 'patent', 'herbal'];
const GRADES: AntimicrobialGrade[] = ['none', 'unrestricted', 'restricted', 'special'];
const FLAGS: SpecialFlag[] = [
  'narcotic',
  'psychotropic_1',
  'psychotropic_2',
  'toxic',
  'radioactive',
  'precursor',
];
const ROUTES = ['oral', 'topical', 'inhalation', 'injection', 'ophthalmic', 'rectal', 'sublingual', 'nasal'];
/** Flags that forbid an online prescription outright; a precursor compound may still be sold OTC in a shop. */
const CONTROLLED: SpecialFlag[] = ['narcotic', 'psychotropic_1', 'psychotropic_2', 'toxic', 'radioactive'];
const CJK = /[\u3400-\u9fff]/;

const byId = new Map(DRUGS.map((d) => [d.id, d]));
const drug = (id: string): DrugSeed => {
  const d = byId.get(id);
  if (!d) throw new Error(`no drug ${id}`);
  return d;
};
const ingredientsInCatalogue = new Set(DRUGS.flatMap((d) => d.ingredients));
const isPositive = (n: number) => Number.isFinite(n) && n > 0;
const isPositiveInt = (n: number) => Number.isInteger(n) && n > 0;

describe('drug catalogue data', () => {
  it('has at least 300 drugs with unique, well-formed ids and unique generic names', () => {
    expect(DRUGS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(DRUGS.map((d) => d.id)).size).toBe(DRUGS.length);
    expect(DRUGS.filter((d) => !/^YY\d{4}$/.test(d.id)).map((d) => d.id)).toEqual([]);
    expect(new Set(DRUGS.map((d) => d.genericName)).size).toBe(DRUGS.length);
  });

  it('keeps every field in range', () => {
    const problems: string[] = [];
    const check = (d: DrugSeed, ok: boolean, what: string) => {
      if (!ok) problems.push(`${d.id} ${d.genericName}: ${what}`);
    };
    for (const d of DRUGS) {
      check(d, KINDS.includes(d.kind), `kind ${d.kind}`);
      check(d, CJK.test(d.genericName), 'generic name is not Chinese');
      check(d, d.brandName === null || d.brandName.trim().length > 0, 'empty brand name');
      check(d, d.nameEn.trim().length > 0 && !CJK.test(d.nameEn), `English name ${d.nameEn}`);
      check(d, d.atc === null || /^[A-Z]\d{2}([A-Z]{1,2}(\d{2})?)?$/.test(d.atc), `ATC ${d.atc}`);
      check(d, d.dosageForm.trim().length > 0, 'dosage form');
      check(d, isPositive(d.strength), `strength ${d.strength}`);
      check(d, d.strengthUnit.trim().length > 0 && d.unit.trim().length > 0, 'units');
      // Counted products (compounds, concentrated pills) are 1 unit per unit, or doses would not convert.
      check(d, d.strengthUnit !== d.unit || d.strength === 1, 'strengthUnit = unit needs strength 1');
      check(d, isPositiveInt(d.packageSize), `package size ${d.packageSize}`);
      check(d, d.packageUnit.trim().length > 0, 'package unit');
      check(d, ROUTES.includes(d.route), `route ${d.route}`);
      check(d, isPositive(d.usualDailyDose), `usual dose ${d.usualDailyDose}`);
      check(d, d.maxDailyDose >= d.usualDailyDose, `max ${d.maxDailyDose} < usual ${d.usualDailyDose}`);
      check(d, d.maxDailyDosePerKg === null || isPositive(d.maxDailyDosePerKg), 'per-kg dose');
      check(
        d,
        d.minAgeYears === null || (d.minAgeYears > 0 && d.minAgeYears <= 25),
        `min age ${d.minAgeYears}`,
      );
      check(d, isPositiveInt(d.priceFen), `price ${d.priceFen}`);
      check(d, ['A', 'B', 'C'].includes(d.insuranceCategory), `insurance ${d.insuranceCategory}`);
      check(d, GRADES.includes(d.antimicrobial), `antimicrobial ${d.antimicrobial}`);
      check(
        d,
        d.specialFlags.every((f) => FLAGS.includes(f)),
        `flags ${d.specialFlags.join()}`,
      );
      check(d, new Set(d.specialFlags).size === d.specialFlags.length, 'repeated flag');
      check(d, d.ingredients.length > 0, 'no ingredients');
      check(
        d,
        d.ingredients.every((i) => CJK.test(i) && i.trim() === i),
        'ingredient not a Chinese name',
      );
      check(d, new Set(d.ingredients).size === d.ingredients.length, 'repeated ingredient');
      check(
        d,
        d.allergenClasses.every((c) => c.endsWith('类') || c.endsWith('药')),
        'allergen class',
      );
    }
    expect(problems).toEqual([]);
  });

  it('shapes herbal pieces and patent medicines as the kind says (RX-8 keeps herbal pieces apart)', () => {
    const herbal = DRUGS.filter((d) => d.kind === 'herbal');
    for (const d of herbal) {
      expect(d, d.id).toMatchObject({ unit: 'g', strengthUnit: 'g', strength: 1, atc: null, otc: false });
    }
    // Neither herbal pieces nor patent medicines are graded antimicrobials, nor have ATC codes.
    for (const d of DRUGS.filter((x) => x.kind !== 'western')) {
      expect(d.antimicrobial, d.id).toBe('none');
      expect(d.atc, d.id).toBeNull();
    }
  });

  it('has at least one drug per kind, per antimicrobial grade and per special flag (RX-4)', () => {
    for (const kind of KINDS)
      expect(
        DRUGS.some((d) => d.kind === kind),
        kind,
      ).toBe(true);
    for (const grade of GRADES)
      expect(
        DRUGS.some((d) => d.antimicrobial === grade),
        grade,
      ).toBe(true);
    for (const flag of FLAGS)
      expect(
        DRUGS.some((d) => d.specialFlags.includes(flag)),
        flag,
      ).toBe(true);
    expect(DRUGS.filter((d) => d.kind === 'patent').length).toBeGreaterThanOrEqual(45);
    expect(DRUGS.filter((d) => d.kind === 'herbal').length).toBeGreaterThanOrEqual(15);
  });

  it('flags the specially managed drugs named by RX-4 and leaves SSRIs unflagged', () => {
    const flagsOf = (name: string) => DRUGS.find((d) => d.genericName === name)?.specialFlags;
    expect(flagsOf('硫酸吗啡缓释片')).toEqual(['narcotic']);
    expect(flagsOf('盐酸羟考酮缓释片')).toEqual(['narcotic']);
    expect(flagsOf('芬太尼透皮贴剂')).toEqual(['narcotic']);
    expect(flagsOf('盐酸哌甲酯缓释片')).toEqual(['psychotropic_1']);
    expect(flagsOf('三唑仑片')).toEqual(['psychotropic_1']);
    for (const name of ['地西泮片', '阿普唑仑片', '艾司唑仑片', '佐匹克隆片', '盐酸曲马多缓释片']) {
      expect(flagsOf(name), name).toEqual(['psychotropic_2']);
    }
    expect(flagsOf('复方盐酸伪麻黄碱缓释胶囊')).toEqual(['precursor']);
    expect(flagsOf('碘[131I]化钠口服溶液')).toEqual(['radioactive']);
    expect(flagsOf('亚砷酸注射液')).toEqual(['toxic']);
    expect(flagsOf('雄黄')).toEqual(['toxic']);
    for (const name of ['盐酸舍曲林片', '草酸艾司西酞普兰片', '盐酸氟西汀胶囊', '盐酸帕罗西汀片']) {
      expect(flagsOf(name), name).toEqual([]);
    }
  });

  it('never marks a controlled drug or an antimicrobial as a long-term drug (RX-9)', () => {
    const wrong = DRUGS.filter(
      (d) => d.chronic && (d.specialFlags.length > 0 || d.antimicrobial !== 'none'),
    ).map((d) => d.id);
    expect(wrong).toEqual([]);
  });

  it('sells no controlled drug and no restricted or special antimicrobial over the counter (RX-4)', () => {
    const wrong = DRUGS.filter(
      (d) =>
        d.otc &&
        (d.specialFlags.some((f) => CONTROLLED.includes(f)) ||
          d.antimicrobial === 'restricted' ||
          d.antimicrobial === 'special'),
    ).map((d) => d.id);
    expect(wrong).toEqual([]);
  });

  it('grades antimicrobials as the national classification does', () => {
    const gradeOf = (name: string) => DRUGS.find((d) => d.genericName === name)?.antimicrobial;
    expect(gradeOf('阿莫西林胶囊')).toBe('unrestricted');
    expect(gradeOf('头孢呋辛酯片')).toBe('unrestricted');
    expect(gradeOf('左氧氟沙星片')).toBe('restricted');
    expect(gradeOf('盐酸莫西沙星片')).toBe('restricted');
    expect(gradeOf('注射用头孢曲松钠')).toBe('restricted');
    for (const name of ['注射用美罗培南', '注射用盐酸万古霉素', '利奈唑胺片', '注射用替加环素']) {
      expect(gradeOf(name), name).toBe('special');
    }
    expect(gradeOf('磷酸奥司他韦胶囊')).toBe('none');
  });

  it('carries the allergy classes the allergy check needs (RX-10)', () => {
    const classesOf = (name: string) => DRUGS.find((d) => d.genericName === name)?.allergenClasses;
    expect(classesOf('阿莫西林胶囊')).toContain('青霉素类');
    expect(classesOf('头孢呋辛酯片')).toContain('头孢菌素类');
    expect(classesOf('复方磺胺甲噁唑片')).toContain('磺胺类');
    expect(classesOf('布洛芬缓释胶囊')).toContain('非甾体抗炎药');
    expect(classesOf('左氧氟沙星片')).toContain('喹诺酮类');
    expect(classesOf('阿奇霉素片')).toContain('大环内酯类');
    // Every penicillin names its class, or a penicillin allergy would miss it.
    const penicillins = DRUGS.filter((d) =>
      d.ingredients.some((i) => ['阿莫西林', '哌拉西林', '青霉素V'].includes(i)),
    );
    expect(penicillins.length).toBeGreaterThanOrEqual(4);
    for (const d of penicillins) expect(d.allergenClasses, d.id).toContain('青霉素类');
  });

  it('has genuine duplicate-ingredient pairs: a single-ingredient drug and a compound containing it (RX-10)', () => {
    for (const ingredient of [
      '氨氯地平',
      '对乙酰氨基酚',
      '二甲双胍',
      '氢氯噻嗪',
      '阿莫西林',
      '氯苯那敏',
      '缬沙坦',
    ]) {
      const single = DRUGS.filter((d) => d.ingredients.length === 1 && d.ingredients[0] === ingredient);
      const compound = DRUGS.filter(
        (d) => d.kind !== 'herbal' && d.ingredients.length > 1 && d.ingredients.includes(ingredient),
      );
      expect(single.length, ingredient).toBeGreaterThan(0);
      expect(compound.length, ingredient).toBeGreaterThan(0);
    }
    const containing = (ingredient: string) =>
      DRUGS.filter((d) => d.ingredients.includes(ingredient)).map((d) => d.genericName);
    expect(containing('氨氯地平')).toEqual(
      expect.arrayContaining(['苯磺酸氨氯地平片', '氨氯地平贝那普利片', '缬沙坦氨氯地平片']),
    );
    expect(containing('对乙酰氨基酚')).toEqual(
      expect.arrayContaining(['对乙酰氨基酚片', '复方氨酚烷胺片', '酚麻美敏片']),
    );
    // Across kinds that share a prescription: a patent medicine hiding a Western ingredient.
    expect(containing('格列本脲')).toEqual(expect.arrayContaining(['格列本脲片', '消渴丸']));
  });

  it('describes the ten drugs the demo names by id', () => {
    expect(drug('YY0001')).toMatchObject({
      genericName: '苯磺酸氨氯地平片',
      brandName: '络活喜',
      kind: 'western',
      strength: 5,
      strengthUnit: 'mg',
      unit: '片',
      packageSize: 7,
      packageUnit: '盒',
      usualDailyDose: 5,
      maxDailyDose: 10,
      chronic: true,
      insuranceCategory: 'A',
      otc: false,
      antimicrobial: 'none',
      specialFlags: [],
      ingredients: ['氨氯地平'],
    });
    expect(drug('YY0002')).toMatchObject({
      genericName: '硝苯地平控释片',
      brandName: '拜新同',
      strength: 30,
      strengthUnit: 'mg',
    });
    expect(drug('YY0003')).toMatchObject({
      genericName: '盐酸二甲双胍缓释片',
      strength: 500,
      strengthUnit: 'mg',
      ingredients: ['二甲双胍'],
    });
    expect(drug('YY0004')).toMatchObject({
      genericName: '阿莫西林胶囊',
      strength: 250,
      strengthUnit: 'mg',
      maxDailyDosePerKg: 90,
      antimicrobial: 'unrestricted',
      allergenClasses: ['青霉素类'],
      otc: false,
    });
    expect(drug('YY0005')).toMatchObject({
      genericName: '布洛芬混悬液',
      strength: 20,
      strengthUnit: 'mg',
      unit: 'ml',
      packageSize: 100,
      maxDailyDosePerKg: 40,
      minAgeYears: 0.5,
      allergenClasses: ['非甾体抗炎药'],
    });
    expect(drug('YY0006')).toMatchObject({
      genericName: '氨氯地平贝那普利片',
      ingredients: ['氨氯地平', '贝那普利'],
    });
    expect(drug('YY0007')).toMatchObject({ genericName: '硫酸吗啡缓释片', specialFlags: ['narcotic'] });
    expect(drug('YY0008')).toMatchObject({
      genericName: '注射用美罗培南',
      route: 'injection',
      antimicrobial: 'special',
    });
    expect(drug('YY0009')).toMatchObject({ genericName: '华法林钠片', ingredients: ['华法林'] });
    expect(drug('YY0010')).toMatchObject({
      genericName: '阿司匹林肠溶片',
      strength: 100,
      strengthUnit: 'mg',
      ingredients: ['阿司匹林'],
    });
  });
});

describe('severe interactions data (RX-10)', () => {
  const pairKey = (a: string, b: string) => [a, b].sort().join('+');
  const pairs = new Set(SEVERE_INTERACTIONS.map((i) => pairKey(i.a, i.b)));

  it('has at least 25 distinct pairs, each with zh and en effect text', () => {
    expect(SEVERE_INTERACTIONS.length).toBeGreaterThanOrEqual(25);
    expect(pairs.size).toBe(SEVERE_INTERACTIONS.length);
    for (const i of SEVERE_INTERACTIONS) {
      expect(i.a, pairKey(i.a, i.b)).not.toBe(i.b);
      expect(CJK.test(i.effect), i.effect).toBe(true);
      expect(i.effectEn.trim().length, i.effect).toBeGreaterThan(0);
      expect(CJK.test(i.effectEn), i.effectEn).toBe(false);
    }
  });

  it('names only ingredients some catalogue drug contains', () => {
    const missing = SEVERE_INTERACTIONS.flatMap((i) => [i.a, i.b]).filter(
      (x) => !ingredientsInCatalogue.has(x),
    );
    expect(missing).toEqual([]);
  });

  it('includes the classic dangerous pairs', () => {
    for (const [a, b] of [
      ['华法林', '阿司匹林'],
      ['华法林', '甲硝唑'],
      ['克拉霉素', '辛伐他汀'],
      ['西地那非', '硝酸甘油'],
      ['氯吡格雷', '奥美拉唑'],
      ['依那普利', '螺内酯'],
      ['左氧氟沙星', '胺碘酮'],
      ['甲氨蝶呤', '磺胺甲噁唑'],
      ['秋水仙碱', '克拉霉素'],
      ['别嘌醇', '硫唑嘌呤'],
      ['舍曲林', '曲马多'],
      ['艾司西酞普兰', '曲马多'],
      ['地高辛', '胺碘酮'],
      ['沙库巴曲', '依那普利'],
    ]) {
      expect(pairs.has(pairKey(a!, b!)), `${a}+${b}`).toBe(true);
    }
  });
});

describe('pinyin search keys', () => {
  it('pinyin-pro gives the initials of 苯磺酸氨氯地平片 as bhsaldpp', () => {
    const initials = pinyin('苯磺酸氨氯地平片', { pattern: 'first', toneType: 'none', type: 'array' }).join(
      '',
    );
    expect(initials).toBe('bhsaldpp');
  });

  it('joins the generic and brand keys with a space', () => {
    expect(searchKeys(drug('YY0001'))).toEqual({
      pinyinInitials: 'bhsaldpp lhx',
      pinyinFull: 'benhuangsuananlvdipingpian luohuoxi',
    });
    // No brand: the generic name's keys alone, no trailing space.
    expect(searchKeys(drug('YY0009'))).toEqual({ pinyinInitials: 'hflnp', pinyinFull: 'huafalinnapian' });
  });

  it('reads polyphonic characters as drug names use them', () => {
    expect(nameKeys('氨氯地平')).toEqual({ initials: 'aldp', full: 'anlvdiping' });
    expect(nameKeys('地高辛片').initials).toBe('dgxp');
    expect(nameKeys('复方丹参滴丸').full).toBe('fufangdanshendiwan');
    expect(nameKeys('参松养心胶囊').full).toBe('shensongyangxinjiaonang');
    expect(nameKeys('参苓白术散').full).toBe('shenlingbaizhusan');
    expect(nameKeys('信必可都保').full).toBe('xinbikedubao');
    expect(nameKeys('盐酸曲马多缓释片').initials).toBe('ysqmdhsp');
    expect(nameKeys('硫唑嘌呤片').full).toBe('liuzuopiaolingpian');
    expect(nameKeys('枸橼酸莫沙必利片').initials).toBe('jysmsblp');
    expect(nameKeys('枸杞子').full).toBe('gouqizi');
  });

  it('keeps letters and digits of mixed names, lowercased', () => {
    expect(nameKeys('维生素B1片')).toEqual({ initials: 'wssb1p', full: 'weishengsub1pian' });
    expect(nameKeys('碘[131I]化钠口服溶液').initials).toBe('d131ihnkfry');
    expect(nameKeys('复方α-酮酸片').initials).toBe('ffatsp');
  });

  it('gives every catalogue drug non-empty lowercase keys, one word per name', () => {
    const wellFormed = /^[a-z0-9]+( [a-z0-9]+)?$/;
    const bad = DRUGS.filter((d) => {
      const k = searchKeys(d);
      const words = d.brandName ? 2 : 1;
      return (
        !wellFormed.test(k.pinyinInitials) ||
        !wellFormed.test(k.pinyinFull) ||
        k.pinyinInitials.split(' ').length !== words ||
        k.pinyinFull.split(' ').length !== words
      );
    }).map((d) => d.id);
    expect(bad).toEqual([]);
  });
});
