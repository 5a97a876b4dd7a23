/**
 * ICD-10 look-up for the doctor's record (GET /icd10?q=) and for matching a follow-up's condition to its
 * offline diagnosis on the 3-character category (VISIT-1). Everything is indexed once at module load; a
 * search is a binary search (code) or one pass over ~1,000 short strings (name), well under a millisecond.
 */
import type { IcdEntry } from '../../../shared/visits.js';
import { ICD10, ICD10_ALIASES, ICD10_COMMON } from './icd10-data.js';

interface Indexed {
  code: string;
  name: string;
  /** The code without its dot, upper case: what a code query is compared with. */
  key: string;
  /** Lower-cased name, for case-insensitive matching of the Latin letters some names carry. */
  lowerName: string;
  /** Lower-cased aliases (冠心病, 房颤…), each searched like the name. */
  aliases: readonly string[];
  /** One of the codes online follow-ups see most (ICD10_COMMON). */
  common: boolean;
}

/** A code query: one letter and at least one digit, dot optional (i10, E11.9, e119). */
const CODE_QUERY = /^[a-z]\d[\d.]*$/i;

function codeKey(code: string): string {
  return code.trim().toUpperCase().replace(/\./g, '');
}

function aliasesOf(code: string): string[] {
  const words = new Set<string>();
  for (const key of new Set([code.slice(0, 3), code])) {
    for (const word of (ICD10_ALIASES[key] ?? '').toLowerCase().split(/\s+/)) {
      if (word) words.add(word);
    }
  }
  return [...words];
}

const COMMON = new Set(ICD10_COMMON);

const INDEX: readonly Indexed[] = ICD10.map(([code, name]) => ({
  code,
  name,
  key: codeKey(code),
  lowerName: name.toLowerCase(),
  aliases: aliasesOf(code),
  common: COMMON.has(code),
})).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

const BY_KEY = new Map<string, Indexed>(INDEX.map((entry) => [entry.key, entry]));

function entry(item: Indexed): IcdEntry {
  return { code: item.code, name: item.name };
}

/** The 3-character category of a code: 'I10' for 'I10.x00', 'E11' for 'E11.9'. */
export function icd10Category(code: string): string {
  return codeKey(code).slice(0, 3);
}

/** The catalogue name of a code (with or without the dot, any case), or undefined if it is not listed. */
export function icd10Name(code: string): string | undefined {
  return BY_KEY.get(codeKey(code))?.name;
}

function searchByCode(prefix: string, limit: number): IcdEntry[] {
  // INDEX is sorted by key, so the codes sharing a prefix are one run starting at the lower bound.
  let low = 0;
  let high = INDEX.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (INDEX[mid].key < prefix) low = mid + 1;
    else high = mid;
  }
  const found: IcdEntry[] = [];
  for (let i = low; i < INDEX.length && found.length < limit && INDEX[i].key.startsWith(prefix); i++) {
    found.push(entry(INDEX[i]));
  }
  return found;
}

/**
 * How well an entry answers the (first) search word, lower is better: the exact name; then a common code
 * ('糖尿病' → E11.9); then a name that ends with the word, or an alias that is the word, because a Chinese
 * disease name ends with the disease itself (原发性高血压 is a 高血压, 高血压性心脏病 is a heart disease,
 * so '高血压' offers I10 before I11.x); then a name that starts with it; then any other match.
 */
function tier(item: Indexed, word: string): number {
  if (item.lowerName === word) return 0;
  if (item.common) return 1;
  if (item.lowerName.endsWith(word) || item.aliases.includes(word)) return 2;
  if (item.lowerName.startsWith(word)) return 3;
  return 4;
}

function matches(item: Indexed, word: string): boolean {
  return item.lowerName.includes(word) || item.aliases.some((alias) => alias.includes(word));
}

function searchByName(words: string[], limit: number): IcdEntry[] {
  const first = words[0];
  const hits: { item: Indexed; tier: number }[] = [];
  for (const item of INDEX) {
    if (words.every((word) => matches(item, word))) hits.push({ item, tier: tier(item, first) });
  }
  hits.sort(
    (a, b) =>
      a.tier - b.tier ||
      a.item.name.length - b.item.name.length ||
      (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0),
  );
  return hits.slice(0, limit).map((hit) => entry(hit.item));
}

/**
 * Search the catalogue: a code query (letter + digits, any case, dot optional) matches codes by prefix in
 * code order; anything else matches names (and common aliases) containing every space-separated word,
 * best first. An empty query finds nothing.
 */
export function searchIcd10(query: string, limit = 20): IcdEntry[] {
  const text = query.trim();
  const max = Math.max(0, Math.floor(limit));
  if (!text || max === 0) return [];
  if (CODE_QUERY.test(text)) return searchByCode(codeKey(text), max);
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return searchByName(words, max);
}
