/** The workstation's visit list and its refusal texts. */
import type { TFunction } from 'i18next';
import { ApiError } from '../../api.js';
import { errorText } from '../../errors.js';
import { currentLanguage } from '../../i18n/index.js';
import { workstationZh } from '../../i18n/workstation.zh-CN.js';

type VisitErrorCode = keyof typeof workstationZh.errors;

/**
 * A refusal of the visits API in words: the visit rules (GUARDIAN_REQUIRED, FIRST_VISIT_NOT_ALLOWED…)
 * get the workstation's own title, with the server's detail in Chinese; anything else as usual.
 */
export function visitError(error: unknown, t: TFunction): { title: string; detail?: string } {
  if (error instanceof ApiError && error.code in workstationZh.errors) {
    const title = t(`workstation.errors.${error.code as VisitErrorCode}`);
    const detail =
      currentLanguage() === 'zh-CN' && error.detail && error.detail !== title ? error.detail : undefined;
    return { title, detail };
  }
  return { title: errorText(error, t) };
}

export function visitErrorText(error: unknown, t: TFunction): string {
  const { title, detail } = visitError(error, t);
  if (!detail) return title;
  return currentLanguage() === 'zh-CN' ? `${title}：${detail}` : `${title}: ${detail}`;
}
