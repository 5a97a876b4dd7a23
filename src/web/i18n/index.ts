import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { enUS } from './en-US.js';
import { type Messages, zhCN } from './zh-CN.js';

export const LANGUAGES = ['zh-CN', 'en-US'] as const;
export type Language = (typeof LANGUAGES)[number];

const LANG_KEY = 'yunyi.lang';

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Messages };
  }
}

function storedLanguage(): Language {
  const saved = localStorage.getItem(LANG_KEY);
  return (LANGUAGES as readonly string[]).includes(saved ?? '') ? (saved as Language) : 'zh-CN';
}

function applyToDocument(lng: Language): void {
  document.documentElement.lang = lng;
  document.title = lng === 'en-US' ? enUS.app.brand : zhCN.app.brand;
}

export function initI18n(): typeof i18next {
  const lng = storedLanguage();
  applyToDocument(lng);
  void i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } },
    lng,
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false }, // React escapes already
    initAsync: false,
  });
  return i18next;
}

export function currentLanguage(): Language {
  return i18next.language === 'en-US' ? 'en-US' : 'zh-CN';
}

/** Switch the UI language and remember it on this device. */
export function setLanguage(lng: Language): void {
  localStorage.setItem(LANG_KEY, lng);
  applyToDocument(lng);
  void i18next.changeLanguage(lng);
}
