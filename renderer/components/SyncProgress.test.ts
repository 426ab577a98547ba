import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { en } from '../locales/en';
import { ru } from '../locales/ru';
import type { SyncView } from '../../sync/client/session/tillState';
import { pullFailure } from './SyncProgress';

const i18n = i18next.createInstance();
await i18n.init({
  resources: { ru: { translation: ru }, en: { translation: en } },
  lng: 'ru',
  interpolation: { escapeValue: false },
  showSupportNotice: false,
});

const view = (error: string | null, errorCode: string | null) => ({ error, errorCode }) as SyncView;
const failure = (sync: SyncView, lng: 'ru' | 'en') => {
  const t = i18n.getFixedT(lng);
  return pullFailure(
    sync,
    (k) => t(k),
    (k) => i18n.exists(k, { lng }),
  );
};

describe('why the customer load failed, as the cashier reads it', () => {
  it('says a full disk in the cashier language, not the English log message', () => {
    const full = view('The till ran out of disk space for the customer cache; pages stored so far are kept.', 'storage_full');
    expect(failure(full, 'ru')).toBe('на диске кассы закончилось место (уже загруженное сохранено)');
    expect(failure(full, 'en')).toBe('the till has run out of disk space (what was loaded is kept)');
  });

  it('leaves a failed push to the status bar, and shows nothing when all is well', () => {
    expect(failure(view('server said 500', 'push'), 'ru')).toBeNull();
    expect(failure(view(null, null), 'ru')).toBeNull();
  });

  it('falls back to the message itself for a failure it has no words for, without a doubled full stop', () => {
    expect(failure(view('Something new.', 'novel_code'), 'en')).toBe('Something new');
  });
});
