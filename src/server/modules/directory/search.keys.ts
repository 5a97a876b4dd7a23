/**
 * Pinyin search keys of a directory name (institution, department, practitioner), stored with the row
 * (`pinyin_initials`, `pinyin_full`, 0024) when it is written, so that the search matches what patients
 * type: "cjg" or "chenjianguo" for 陈建国. A person's name is read with pinyin-pro's surname rules
 * (单 shàn, 曾 zēng, 解 xiè as surnames); other names as ordinary words.
 */
import type { Kysely } from 'kysely';
import { pinyin } from 'pinyin-pro';
import type { DB } from '../../platform/db/schema.js';

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

/**
 * Fills the pinyin keys of rows written before 0024 (or by a path that did not set them), at start-up:
 * without them such a doctor is found by name but never by "cjg". Returns how many rows it filled.
 */
export async function fillMissingPinyinKeys(db: Kysely<DB>): Promise<number> {
  let filled = 0;
  for (const [table, kind] of [
    ['institution', 'place'],
    ['department', 'place'],
    ['practitioner', 'person'],
  ] as const) {
    const rows = await db
      .selectFrom(table)
      .select(['id', 'name'])
      .where('pinyin_full', '=', '')
      .where('name', '<>', '')
      .execute();
    for (const row of rows) {
      const keys = pinyinKeys(row.name, kind);
      if (keys.pinyin_full === '') continue;
      await db.updateTable(table).set(keys).where('id', '=', row.id).execute();
      filled += 1;
    }
  }
  return filled;
}
