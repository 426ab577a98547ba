import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { ru } from './locales/ru';

export type Language = 'ru' | 'en';
const KEY = 'lt-headoffice-language';

/** Russian by default, as at the till; the choice is remembered in this browser. */
export function initI18n(): typeof i18next {
  const lng: Language = localStorage.getItem(KEY) === 'en' ? 'en' : 'ru';
  void i18next.use(initReactI18next).init({
    resources: { ru: { translation: ru }, en: { translation: en } },
    lng,
    fallbackLng: 'ru',
    interpolation: { escapeValue: false },
    initImmediate: false,
    showSupportNotice: false,
    returnObjects: false,
  });
  document.documentElement.lang = lng;
  return i18next;
}

export function setLanguage(lng: Language): void {
  localStorage.setItem(KEY, lng);
  document.documentElement.lang = lng;
  void i18next.changeLanguage(lng);
}

export const localeOf = (lng: string): string => (lng === 'en' ? 'en-GB' : 'ru-RU');
