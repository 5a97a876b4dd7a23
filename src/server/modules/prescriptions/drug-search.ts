/**
 * Pinyin search keys of a catalogue drug, stored with it (drug.pinyin_initials, drug.pinyin_full) so that
 * the catalogue search can match what doctors type: initials ('bhsaldpp' for 苯磺酸氨氯地平片) or full
 * pinyin, of the generic name or the brand name.
 */
import { pinyin } from 'pinyin-pro';
import type { DrugSeed } from './drug.types.js';

/**
 * Readings pinyin-pro's context rules get wrong in drug names: they follow everyday text, not 中药 terms or
 * brand names. Longer words first, so that a word wins over its characters.
 */
const READINGS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['都保', ['du', 'bao']], // 信必可都保 (Turbuhaler), not dōu
  ['枳壳', ['zhi', 'qiao']],
  ['莪术', ['e', 'zhu']],
  ['重组', ['chong', 'zu']],
  ['枸橼', ['ju', 'yuan']], // 枸橼酸 (citrate), not gǒu as in 枸杞
  ['参', ['shen']], // 丹参, 人参, 参苓, 参松: never cān in a drug name
];

/** Greek letters in names (复方α-酮酸片) typed as their Latin look-alikes. */
const GREEK: Readonly<Record<string, string>> = { α: 'a', β: 'b', γ: 'g', δ: 'd', ω: 'w' };

/** One syllable of a Chinese character, or a run of other characters (B1, [131I], α-). */
interface Piece {
  text: string;
  chinese: boolean;
}

const READING_PATTERN = new RegExp(READINGS.map(([word]) => word).join('|'), 'g');
const READING_OF = new Map(READINGS);

function pieces(name: string): Piece[] {
  const out: Piece[] = [];
  const plain = (text: string) => {
    if (!text) return;
    for (const p of pinyin(text, { type: 'all', toneType: 'none', v: true })) {
      out.push(p.isZh ? { text: p.pinyin, chinese: true } : { text: p.origin, chinese: false });
    }
  };
  let from = 0;
  for (const match of name.matchAll(READING_PATTERN)) {
    plain(name.slice(from, match.index));
    for (const syllable of READING_OF.get(match[0]) ?? []) out.push({ text: syllable, chinese: true });
    from = match.index + match[0].length;
  }
  plain(name.slice(from));
  return out;
}

/** Lowercase ASCII letters and digits only: 'B1' → 'b1', '[131I]' → '131i', 'α-' → 'a'. */
const normalise = (text: string) =>
  [...text.toLowerCase()]
    .map((c) => GREEK[c] ?? c)
    .join('')
    .replace(/[^a-z0-9]/g, '');

/** Initials and full pinyin of one name, e.g. 络活喜 → {initials: 'lhx', full: 'luohuoxi'}. */
export function nameKeys(name: string): { initials: string; full: string } {
  const ps = pieces(name);
  return {
    initials: ps.map((p) => normalise(p.chinese ? p.text.charAt(0) : p.text)).join(''),
    full: ps.map((p) => normalise(p.text)).join(''),
  };
}

/**
 * The stored search keys of a drug: the generic name's keys, then the brand name's, separated by a space
 * (`'bhsaldpp lhx'`, `'benhuangsuananlvdipingpian luohuoxi'`). ü is written v, as typed on a keyboard.
 */
export function searchKeys(d: Pick<DrugSeed, 'genericName' | 'brandName'>): {
  pinyinInitials: string;
  pinyinFull: string;
} {
  const names = [d.genericName, d.brandName].filter((n): n is string => !!n).map(nameKeys);
  return {
    pinyinInitials: names
      .map((k) => k.initials)
      .filter(Boolean)
      .join(' '),
    pinyinFull: names
      .map((k) => k.full)
      .filter(Boolean)
      .join(' '),
  };
}
