import type { TFunction } from 'i18next';
import { ApiError } from './api.js';
import { currentLanguage } from './i18n/index.js';
import { zhCN } from './i18n/zh-CN.js';

type ErrorCode = keyof typeof zhCN.errors;

function isKnownCode(code: string): code is ErrorCode {
  return code in zhCN.errors;
}

/**
 * What to tell a person about a failed call. In Chinese the server's own problem+json title and
 * detail are the most precise text; in English a known code is translated, else the server text is shown.
 */
export function describeError(error: unknown, t: TFunction): { title: string; detail?: string } {
  if (!(error instanceof ApiError)) return { title: t('common.networkError') };
  if (error.status === 0) return { title: t('common.networkError') };
  if (currentLanguage() !== 'zh-CN' && isKnownCode(error.code)) return { title: t(`errors.${error.code}`) };
  const detail = error.detail && error.detail !== error.title ? error.detail : undefined;
  return { title: error.title, detail };
}

/** One line, for toasts. */
export function errorText(error: unknown, t: TFunction): string {
  const { title, detail } = describeError(error, t);
  if (!detail) return title;
  return currentLanguage() === 'zh-CN' ? `${title}：${detail}` : `${title}: ${detail}`;
}
