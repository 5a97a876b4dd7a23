/**
 * Pinyin search keys of a directory name (institution, department, practitioner), stored with the row
 * (`pinyin_initials`, `pinyin_full`, 0024) when it is written, so that the search matches what patients
 * type: "cjg" or "chenjianguo" for 陈建国. A person's name is read with pinyin-pro's surname rules
 * (单 shàn, 曾 zēng, 解 xiè as surnames); other names as ordinary words.
 */
import { pinyin } from 'pinyin-pro';

export interface PinyinKeys {
  pinyin_initials: string;
  pinyin_full: string;
}

/** Lowercase ASCII letters and digits only; ü typed as v. */
const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/ü/g, 'v')
    .replace(/[^a-z0-9]/g, '');

export function pinyinKeys(name: string, kind: 'person' | 'place'): PinyinKeys {
  const syllables = pinyin(name, {
    type: 'all',
    toneType: 'none',
    v: true,
    ...(kind === 'person' ? { surname: 'head' as const } : {}),
  });
  return {
    pinyin_initials: syllables.map((s) => normalise(s.isZh ? s.pinyin.charAt(0) : s.origin)).join(''),
    pinyin_full: syllables.map((s) => normalise(s.isZh ? s.pinyin : s.origin)).join(''),
  };
}
