import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { ru } from './locales/ru';

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Russian by default; the cashier's choice is remembered on this till. */
export function initI18n(): typeof i18next {
  const saved = localStorage.getItem('lt-language');
  const lng: Language = saved === 'en' ? 'en' : 'ru';
  void i18next.use(initReactI18next).init({
    resources: { ru: { translation: ru }, en: { translation: en } },
    lng,
    fallbackLng: 'ru',
    interpolation: { escapeValue: false },
    initImmediate: false,
    showSupportNotice: false,
  });
  document.documentElement.lang = lng;
  return i18next;
}

export function setLanguage(lng: Language): void {
  localStorage.setItem('lt-language', lng);
  document.documentElement.lang = lng;
  void i18next.changeLanguage(lng);
}

export function localeOf(lng: string): string {
  return lng === 'en' ? 'en-GB' : 'ru-RU';
}
