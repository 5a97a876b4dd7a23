/**
 * Server-made text in the reader's language ([8/12]). A module that writes text a person reads later (a
 * notification, a chat system line) stores the zh-CN text AND a key of its own catalogue with the facts
 * (params, JSON), and renders the key at read time in the reader's language. The catalogue is a plain
 * object in the module: every key has a zh-CN and an en-US rendering of the same params, so a missing
 * language is a type error. docs/architecture.md, "Server-made text".
 */
import type { FastifyRequest } from 'fastify';
import { prefersEnglish } from './errors.js';

export type TextLanguage = 'zh-CN' | 'en-US';
export const TEXT_LANGUAGES: readonly TextLanguage[] = ['zh-CN', 'en-US'];

/** The language server-made text is read in: en-US when Accept-Language prefers English, else zh-CN. */
export function languageOf(request: Pick<FastifyRequest, 'headers'>): TextLanguage {
  return prefersEnglish(request) ? 'en-US' : 'zh-CN';
}

/** One entry of a text catalogue: the same params rendered in each language. */
export type Rendering<P, T> = Record<TextLanguage, (p: P) => T>;

/**
 * A stored key rendered in `lang`; undefined when the key is unknown (renamed or removed since the row
 * was written) or its params no longer fit, so the caller shows the stored zh-CN text instead.
 */
export function renderStored<T>(
  catalogue: Record<string, Rendering<never, T>>,
  key: string | null | undefined,
  params: unknown,
  lang: TextLanguage,
): T | undefined {
  if (!key || !Object.hasOwn(catalogue, key)) return undefined;
  try {
    return (catalogue[key]![lang] as (p: unknown) => T)(params ?? {});
  } catch {
    return undefined;
  }
}

const WEEKDAYS: Record<TextLanguage, readonly string[]> = {
  'zh-CN': ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  'en-US': ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar date (YYYY-MM-DD) as the pages show it: 12月7日 周一 / Mon, Dec 7. */
export function dayText(date: string, lang: TextLanguage): string {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (!y || !m || !d) return date;
  const weekday = WEEKDAYS[lang][new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return lang === 'zh-CN' ? `${m}月${d}日 ${weekday}` : `${weekday}, ${MONTHS_EN[m - 1]} ${d}`;
}

/** Integer fen as money: ¥12.00. */
export const yuanText = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
