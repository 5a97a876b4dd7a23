/**
 * The catalogue of the chat's system lines ([8/12]): what the platform writes into a visit's chat ("张医生
 * 已接诊。"), by key, in zh-CN and en-US from the same params. `systemMessage(trx, id, systemLines.x(…))`
 * stores the zh-CN text (old clients, the supervision timeline) with the key and params; the messages API
 * and the visit socket render the key in the reader's language (Accept-Language, or the socket's `lang`).
 * Keys are stored: never rename one without keeping the old.
 */
import type { VisitMessage } from '../../../shared/visits.js';
import { type Rendering, renderStored, type TextLanguage, yuanText } from '../../platform/texts.js';

const line = <P>(r: Rendering<P, string>) => r;

const CATALOGUE = {
  guardianConfirmed: line<Record<string, never>>({
    'zh-CN': () => '监护人已确认全程陪同。',
    'en-US': () => 'The guardian has confirmed they will stay for the whole visit.',
  }),
  doctorStarted: line<{ doctorName: string }>({
    'zh-CN': (p) => `${p.doctorName}医生已接诊。`,
    'en-US': (p) => `Dr ${p.doctorName} has started the visit.`,
  }),
  visitCompleted: line<{ doctorName: string }>({
    'zh-CN': (p) => `${p.doctorName}医生已完成诊疗并签署病历。`,
    'en-US': (p) => `Dr ${p.doctorName} has finished the visit and signed the record.`,
  }),
  visitExpired: line<Record<string, never>>({
    'zh-CN': () => '医生未能在规定时间内接诊，问诊已关闭，费用全额退回。',
    'en-US': () => 'No doctor could see you in time, so the visit is closed and the fee refunded in full.',
  }),
  /** `reason` is the doctor's own words (kept as written); `refundFen` 0 when nothing goes back. */
  referredOffline: line<{
    institutionName?: string;
    departmentName?: string;
    reason: string;
    refundFen: number;
  }>({
    'zh-CN': (p) =>
      `医生建议您到${p.institutionName ? `${p.institutionName}${p.departmentName ?? ''}` : '线下医院'}线下就诊：${p.reason.replace(/[。.！!]+$/, '')}。${p.refundFen > 0 ? `问诊费 ${yuanText(p.refundFen)} 将原路退回。` : ''}`,
    'en-US': (p) =>
      `The doctor recommends seeing a doctor in person at ${p.institutionName ? `${p.institutionName}${p.departmentName ? ` (${p.departmentName})` : ''}` : 'a hospital'}: ${p.reason.replace(/[。.！!]+$/, '')}.${p.refundFen > 0 ? ` The visit fee of ${yuanText(p.refundFen)} will be refunded to where it came from.` : ''}`,
  }),
};

export type SystemLineKey = keyof typeof CATALOGUE;
type ParamsOf<K extends SystemLineKey> = Parameters<(typeof CATALOGUE)[K]['zh-CN']>[0];

/** A system line ready to store: its zh-CN text, key and params. */
export interface SystemLine {
  key: SystemLineKey;
  params: Record<string, unknown>;
  text: string;
}

/** `systemLines.doctorStarted({ doctorName })`: the line for `systemMessage`. */
export const systemLines = Object.fromEntries(
  (Object.keys(CATALOGUE) as SystemLineKey[]).map((key) => [
    key,
    (params: ParamsOf<typeof key>): SystemLine => ({
      key,
      params: params as Record<string, unknown>,
      text: (CATALOGUE[key]['zh-CN'] as (p: unknown) => string)(params),
    }),
  ]),
) as { [K in SystemLineKey]: (params: ParamsOf<K>) => SystemLine };

export const SYSTEM_SENDER: Record<TextLanguage, string> = { 'zh-CN': '系统', 'en-US': 'System' };

/** A stored line in `lang`, or undefined when it has no (known) key. */
export function renderSystemLine(key: string | null | undefined, params: unknown, lang: TextLanguage) {
  return renderStored(CATALOGUE as unknown as Record<string, Rendering<never, string>>, key, params, lang);
}

/** A message as `lang` reads it: a system line's text and sender name in that language; others unchanged. */
export function messageIn(m: VisitMessage, lang: TextLanguage): VisitMessage {
  if (m.senderRole !== 'system') return m;
  const text = renderSystemLine(m.textKey, m.textParams, lang);
  return { ...m, senderName: SYSTEM_SENDER[lang], ...(text !== undefined ? { text } : {}) };
}

/** Every key in both languages, for the catalogue test. */
export const systemLineCatalogue: Readonly<Record<SystemLineKey, Rendering<never, string>>> =
  CATALOGUE as never;
