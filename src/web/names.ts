/**
 * [8/12] Names and titles in the UI's language: in en-US an institution (department…) with an English
 * name is shown by it, and a professional title the directory stores in Chinese by its English word.
 * zh-CN, or no English name, shows the stored name. Pure: pass the language (currentLanguage()).
 */
import { namesEn } from './i18n/names.en-US.js';
import { namesZh } from './i18n/names.zh-CN.js';

/** The UI language (i18n.language); anything but en-US shows the stored Chinese. */
type Language = string;

/** Something with a Chinese name and, maybe, an English one (`nameEn` from the API). */
export interface Named {
  name: string;
  nameEn?: string | null;
  shortName?: string | null;
}

/** The name to show: `nameEn` in en-US when there is one; else the name (`short` prefers the short name). */
export function displayName(item: Named, language: Language, short = false): string {
  if (language === 'en-US' && item.nameEn) return item.nameEn;
  return (short && item.shortName) || item.name;
}

/** An institution named by `institutionName` / `institutionNameEn` (appointments, visits). */
export function institutionDisplayName(
  item: { institutionName?: string; institutionNameEn?: string | null },
  language: Language,
): string {
  return displayName({ name: item.institutionName ?? '', nameEn: item.institutionNameEn ?? null }, language);
}

const TITLE_CODE = new Map(Object.entries(namesZh.title).map(([code, zh]) => [zh, code]));

/** A professional title (职称) in the language: the English word for a known Chinese title, else as stored. */
export function displayTitle(title: string, language: Language): string {
  if (language !== 'en-US') return title;
  const code = TITLE_CODE.get(title.trim()) as keyof typeof namesEn.title | undefined;
  return code ? namesEn.title[code] : title;
}
