/**
 * Smart triage (智能导诊, [8/12]) as one pure function: a complaint in Chinese, with the patient's age and
 * sex when known, becomes red flags first, then ranked departments with reasons and scores. Transparent
 * rules over the data in triage.data.ts (docs/triage.md explains each step); the tokenizer is jieba
 * (@node-rs/jieba), with the lexicon's words added so "不舒服" or "说话不清" stay one token and "不停" is
 * not read as a negation. Not a diagnosis: it says where to go, never what it is.
 */
import { createRequire } from 'node:module';
import {
  ADULT_VARIANT,
  BODY_PARTS,
  CHILD_AGE_LIMIT,
  CHILD_WORDS,
  CONTRASTS,
  ELDER_WORDS,
  EMERGENCY_ADVICE,
  FEMALE_WORDS,
  MALE_WORDS,
  NEGATIONS,
  NEWBORN_AGE,
  PAEDIATRIC_VARIANT,
  RED_FLAGS,
  SENSATIONS,
  type Sensation,
  SUICIDE_ADVICE,
  SYMPTOMS,
  type Symptom,
} from './triage.data.js';

export type Sex = 'male' | 'female';

export interface TriageInput {
  text: string;
  /** Years (fractions for infants: 0.25 = 3 months). */
  age?: number;
  sex?: Sex;
}

export interface SuggestedDepartment {
  name: string;
  reason: string;
  /** The department's share of the evidence, 0–1 (a red flag's departments come first whatever it is). */
  score: number;
}

export interface TriageAssessment {
  redFlag: boolean;
  redFlags: { id: string; label: string }[];
  advice: string;
  departments: SuggestedDepartment[];
  /** What was recognised (for the docs and tests; never stored). */
  found: string[];
  age?: number;
  sex?: Sex;
}

const MAX_DEPARTMENTS = 5;
const CLAUSE_END = /[，。！？；,.!?;\n]/;
/** Tokens that may stand between a body part and its sensation ("头有点疼", "肚子一阵一阵地痛"). */
const PART_GAP = 4;

// --- The tokenizer: loaded once per process (about 150 ms), with every lexicon word added.
// createRequire: the package is CommonJS with native bindings.
interface JiebaLike {
  cut(text: string, hmm?: boolean): string[];
  loadDict(dict: Uint8Array): void;
}
let jieba: JiebaLike | undefined;
function tokenizer(): JiebaLike {
  if (jieba) return jieba;
  const require = createRequire(import.meta.url);
  const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): JiebaLike } };
  const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
  const j = Jieba.withDict(dict);
  const words = new Set<string>();
  for (const sy of SYMPTOMS) for (const t of sy.terms) if (t.length > 1) words.add(t);
  for (const p of BODY_PARTS) for (const t of p.terms) if (t.length > 1) words.add(t);
  for (const list of Object.values(SENSATIONS)) for (const t of list) if (t.length > 1) words.add(t);
  j.loadDict(Buffer.from([...words].map((w) => `${w} 200000`).join('\n')));
  jieba = j;
  return j;
}

/** Loads the tokenizer now (at start-up), so the first patient does not wait for it. */
export function warmTriage(): void {
  tokenizer();
}

// --- The lexicon, longest term first (a longer term wins over the shorter one inside it).
const TERMS: { term: string; symptom: Symptom }[] = SYMPTOMS.flatMap((symptom) =>
  symptom.terms.map((term) => ({ term, symptom })),
).sort((a, b) => b.term.length - a.term.length);
const BY_ID = new Map(SYMPTOMS.map((x) => [x.id, x]));
const PART_OF = new Map(BODY_PARTS.flatMap((p) => p.terms.map((t) => [t, p] as const)));
const SENSATION_OF = new Map(
  (Object.entries(SENSATIONS) as [Sensation, string[]][]).flatMap(([k, list]) =>
    list.map((t) => [t, k] as const),
  ),
);

interface Token {
  text: string;
  start: number;
  end: number;
}

interface Hit {
  symptom: string;
  start: number;
  end: number;
  /** 1 for a named symptom, 0.5 for a body part named without a sensation ("眼睛" alone). */
  weight: number;
  negated: boolean;
}

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  let at = 0;
  for (const t of tokenizer().cut(text, false)) {
    out.push({ text: t, start: at, end: at + t.length });
    at += t.length;
  }
  return out;
}

const CN_DIGITS: Record<string, number> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
  半: 0.5,
};
function number(raw: string): number {
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw.length === 2 && raw[0] === '十') return 10 + (CN_DIGITS[raw[1]!] ?? 0);
  if (raw.length === 2 && raw[1] === '十') return (CN_DIGITS[raw[0]!] ?? 0) * 10;
  if (raw.length === 3 && raw[1] === '十') return (CN_DIGITS[raw[0]!] ?? 0) * 10 + (CN_DIGITS[raw[2]!] ?? 0);
  return CN_DIGITS[raw] ?? Number.NaN;
}

/** An age the text states ("3个月大", "5岁", "出生10天", "七十岁"), in years. */
function statedAge(text: string): number | undefined {
  const n = '(\\d+(?:\\.\\d+)?|[一二两三四五六七八九十半]{1,3})';
  const month = text.match(new RegExp(`${n}个(?:多)?月`));
  const year = text.match(new RegExp(`${n}(?:周)?岁`));
  const day = text.match(new RegExp(`(?:出生|生下来|宝宝|婴儿|新生儿)[^，。]{0,3}?${n}天`));
  // "孕3个月" is the pregnancy's age, not the patient's.
  const pregnancyMonth = month && /孕|怀/.test(text.slice(Math.max(0, (month.index ?? 0) - 2), month.index));
  if (year) return number(year[1]!);
  if (month && !pregnancyMonth) return number(month[1]!) / 12;
  if (day) return number(day[1]!) / 365;
  return undefined;
}

function contextOf(text: string, input: TriageInput): { age?: number; sex?: Sex } {
  let age = statedAge(text);
  if (age === undefined) {
    const child = CHILD_WORDS.find(([w]) => text.includes(w));
    if (child) age = input.age !== undefined && input.age < CHILD_AGE_LIMIT ? input.age : child[1];
    else if (ELDER_WORDS.some((w) => text.includes(w)))
      age = input.age !== undefined && input.age >= 60 ? input.age : 75;
    else age = input.age;
  }
  let sex = input.sex;
  if (FEMALE_WORDS.some((w) => text.includes(w)) || /怀孕|孕期|孕妇|月经/.test(text)) sex = 'female';
  else if (MALE_WORDS.some((w) => text.includes(w))) sex = 'male';
  return { age, sex };
}

/** The lexicon's terms in the text (longest first, never overlapping), then body part + sensation pairs. */
function findHits(text: string, toks: Token[]): Hit[] {
  const claimed = new Array<boolean>(text.length).fill(false);
  const hits: Hit[] = [];
  for (const { term, symptom } of TERMS) {
    let from = 0;
    for (;;) {
      const at = text.indexOf(term, from);
      if (at < 0) break;
      from = at + 1;
      let free = true;
      for (let i = at; i < at + term.length; i++) if (claimed[i]) free = false;
      if (!free) continue;
      for (let i = at; i < at + term.length; i++) claimed[i] = true;
      hits.push({ symptom: symptom.id, start: at, end: at + term.length, weight: 1, negated: false });
    }
  }
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    const part = PART_OF.get(tok.text);
    if (!part || claimed[tok.start]) continue;
    let found: { symptom: string; end: number; between: Token[] } | undefined;
    const between: Token[] = [];
    for (let j = i + 1; j < toks.length && j <= i + PART_GAP + 1; j++) {
      const next = toks[j]!;
      if (CLAUSE_END.test(next.text)) break;
      const sensation = SENSATION_OF.get(next.text) ?? SENSATION_OF.get(next.text.slice(0, 1));
      const symptom = sensation ? (part.as[sensation] ?? part.as.any) : undefined;
      if (symptom) {
        found = { symptom, end: next.end, between: [...between] };
        break;
      }
      between.push(next);
    }
    if (found) {
      // "头不疼": a negation between the part and the feeling negates the pair.
      const negated = found.between.some((b) => NEGATIONS.has(b.text));
      hits.push({ symptom: found.symptom, start: tok.start, end: found.end, weight: 1, negated });
    } else if (part.as.any) {
      hits.push({ symptom: part.as.any, start: tok.start, end: tok.end, weight: 0.5, negated: false });
    }
  }
  return hits;
}

/** Negation: a cue token negates the hits after it up to the clause's end or a contrast word. */
function applyNegation(text: string, toks: Token[], hits: Hit[]): void {
  const inHit = (pos: number) => hits.some((h) => pos >= h.start && pos < h.end);
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (!NEGATIONS.has(tok.text) || inHit(tok.start)) continue;
    let end = text.length;
    for (let j = i + 1; j < toks.length; j++) {
      const t = toks[j]!;
      if (CLAUSE_END.test(t.text) || CONTRASTS.has(t.text)) {
        end = t.start;
        break;
      }
    }
    for (const h of hits) if (h.start >= tok.end && h.start < end) h.negated = true;
  }
}

/** A temperature in the text ("烧到39度", "38.5℃") at or above 37.3 °C is a fever. */
function temperature(text: string): number | undefined {
  const m = text.match(/(3[5-9]|4[0-2])(\.\d)?(?:度|°c|℃|°)/);
  return m ? Number(m[1]! + (m[2] ?? '')) : undefined;
}

function mapDepartment(name: string, age: number | undefined): string {
  if (age === undefined) return name;
  if (age < CHILD_AGE_LIMIT) {
    const child = PAEDIATRIC_VARIANT[name] ?? name;
    return age < NEWBORN_AGE && child === '儿科' ? '新生儿科' : child;
  }
  return ADULT_VARIANT[name] ?? name;
}

const INTERNAL = new Set([
  '心血管内科',
  '内分泌科',
  '呼吸内科',
  '消化内科',
  '神经内科',
  '肾内科',
  '全科医学科',
]);

export function triage(input: TriageInput): TriageAssessment {
  const text = normalise(input.text);
  const { age, sex } = contextOf(text, input);
  const toks = tokens(text);
  const hits = findHits(text, toks);
  applyNegation(text, toks, hits);

  const present = new Map<string, number>();
  for (const h of hits)
    if (!h.negated) present.set(h.symptom, Math.max(present.get(h.symptom) ?? 0, h.weight));
  const temp = temperature(text);
  if (temp !== undefined && temp >= 37.3) present.set('fever', 1);
  // "孕5个月", "孕30周": a pregnancy stated by its age.
  if (/孕\d|孕[一二两三四五六七八九十]/.test(text)) present.set('pregnancy', 1);

  // 1. Red flags first (any one is enough).
  const flags = RED_FLAGS.filter(
    (r) =>
      (r.maxAge === undefined || (age !== undefined && age < r.maxAge)) &&
      r.all.every((group) => group.some((id) => present.has(id))),
  );

  // 2. Departments: each present symptom adds its weights; reasons say which.
  const score = new Map<string, number>();
  const because = new Map<string, string[]>();
  const add = (dept: string, points: number, why: string) => {
    score.set(dept, (score.get(dept) ?? 0) + points);
    const list = because.get(dept) ?? [];
    if (!list.includes(why)) list.push(why);
    because.set(dept, list);
  };
  for (const [id, weight] of present) {
    const symptom = BY_ID.get(id)!;
    for (const [dept, w] of Object.entries(symptom.departments))
      add(mapDepartment(dept, age), w * weight, symptom.label);
  }
  // Sex: no gynaecology for a man; pregnancy sends everything else after obstetrics.
  if (sex === 'male') score.delete('妇产科');
  if (present.has('pregnancy')) add('妇产科', 3, '妊娠');

  const notes: Record<string, string> = {};
  const fixed = new Map<string, string>();
  const child = age !== undefined && age < CHILD_AGE_LIMIT;
  if (child) {
    for (const d of score.keys()) if (d !== '急诊科') notes[d] = age < NEWBORN_AGE ? '新生儿' : '患者为儿童';
  }
  const ranked = [...score.entries()].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const top = ranked[0];
  if (age !== undefined && age >= 65 && top && INTERNAL.has(top[0]) && !score.has('老年医学科')) {
    ranked.push(['老年医学科', top[1] * 0.5]);
    fixed.set('老年医学科', '老年患者多病共存时，也可就诊老年医学科');
  }
  if (ranked.length === 0) {
    const fallback = child ? (age < NEWBORN_AGE ? '新生儿科' : '儿科') : '全科医学科';
    ranked.push([fallback, 1]);
    fixed.set(fallback, '未识别到具体症状，建议先由医生初步判断');
  }

  // A red flag's departments lead: the emergency department, then the flag's own department.
  if (flags.length > 0) {
    const lead = ['急诊科', ...flags.map((f) => mapDepartment(f.department, age))];
    const max = Math.max(...ranked.map(([, v]) => v));
    for (const [i, d] of [...new Set(lead)].reverse().entries()) {
      const existing = ranked.findIndex(([n]) => n === d);
      if (existing >= 0) ranked.splice(existing, 1);
      ranked.unshift([d, max + 1 + i]);
      if (!because.has(d)) because.set(d, []);
    }
    because.get('急诊科')!.unshift(flags.map((f) => f.label).join('；'));
  }

  const total = ranked.reduce((a, [, v]) => a + v, 0);
  const departments = ranked.slice(0, MAX_DEPARTMENTS).map(([name, v]) => ({
    name,
    score: Math.round((v / total) * 100) / 100,
    reason: fixed.get(name) ?? reasonFor(name, because.get(name) ?? [], notes[name]),
  }));

  const suicidal = flags.some((f) => f.id === 'suicidal');
  const advice =
    flags.length > 0
      ? `${EMERGENCY_ADVICE}。${flags.map((f) => f.label).join('；')}。${suicidal ? SUICIDE_ADVICE : ''}`
      : `建议优先就诊${departments[0]!.name}。以上建议不能代替医生的诊断；症状加重或出现新的不适，请及时就医。`;
  return {
    redFlag: flags.length > 0,
    redFlags: flags.map((f) => ({ id: f.id, label: f.label })),
    advice,
    departments,
    found: [...present.keys()].map((id) => BY_ID.get(id)!.label),
    ...(age !== undefined ? { age } : {}),
    ...(sex ? { sex } : {}),
  };
}

function reasonFor(name: string, labels: string[], note: string | undefined): string {
  if (name === '急诊科' && labels.length > 0) return `${labels[0]}，需要急诊评估`;
  const what =
    labels.length > 0
      ? `${labels
          .slice(0, 3)
          .map((l) => `“${l}”`)
          .join('、')}常由${name}诊治`
      : `${name}可进一步诊治`;
  return note ? `${what}（${note}）` : what;
}
