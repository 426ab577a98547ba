import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatRoubles } from '../../core/money';
import { Api, type ApiError } from './api';
import { ExceptionsView } from './exceptions/ExceptionsView';
import { FiguresView } from './figures/FiguresView';
import { CustomersView } from './customers/CustomersView';
import { ExportPanel } from './import/ExportPanel';
import { ImportView } from './import/ImportView';
import { localeOf, setLanguage } from './i18n';
import { ListsView } from './lists/ListsView';
import { OffersView } from './offers/OffersView';
import { SegmentsView } from './segments/SegmentsView';
import { loadReference, type Reference } from './reference';

const TABS = ['offers', 'figures', 'segments', 'exceptions', 'lists', 'customers', 'import'] as const;
type Tab = (typeof TABS)[number];
const TOKEN_KEY = 'lt-headoffice-token';
const CHAIN_KEY = 'lt-headoffice-chain';

/** What every screen gets: the API with the signed-in key, the chain, the reference data, money in the UI's language. */
export interface Ctx {
  api: Api;
  chainId: number;
  ref: Reference;
  money: (kopecks: number) => string;
  locale: string;
}

const tabOf = (hash: string): Tab => ((TABS as readonly string[]).find((x) => hash === `#${x}`) as Tab | undefined) ?? 'offers';

export function App() {
  const { t, i18n } = useTranslation();
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [chainId, setChainId] = useState(() => Number(sessionStorage.getItem(CHAIN_KEY) ?? '1') || 1);
  const [ref, setRef] = useState<Reference | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tab, setTab] = useState<Tab>(() => tabOf(location.hash));
  const api = useMemo(() => (token ? new Api(token) : null), [token]);
  const locale = localeOf(i18n.language);

  useEffect(() => {
    const onHash = () => setTab(tabOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!api) return;
    let live = true;
    void loadReference(api, chainId).then((r) => {
      if (!live) return;
      if (r.ok) {
        setRef(r.value);
        setError(null);
      } else {
        setError(r.error);
        if (r.error.key === 'ho.errors.unauthorized') {
          sessionStorage.removeItem(TOKEN_KEY);
          setToken(null);
        }
      }
    });
    return () => {
      live = false;
    };
  }, [api, chainId]);

  const signIn = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const key = String(data.get('token') ?? '').trim();
    const chain = Number(data.get('chain') ?? '1') || 1;
    sessionStorage.setItem(TOKEN_KEY, key);
    sessionStorage.setItem(CHAIN_KEY, String(chain));
    setError(null);
    setChainId(chain);
    setToken(key);
  };
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setRef(null);
  };

  const languageSwitch = (
    <label className="lang">
      {t('ho.language')}{' '}
      <select value={i18n.language === 'en' ? 'en' : 'ru'} onChange={(e) => setLanguage(e.target.value === 'en' ? 'en' : 'ru')}>
        <option value="ru">Русский</option>
        <option value="en">English</option>
      </select>
    </label>
  );

  if (!api) {
    return (
      <>
        <header>
          <h1>{t('ho.app')}</h1>
          {languageSwitch}
        </header>
        <main>
          <form className="card signin" onSubmit={signIn} autoComplete="off">
            <h2>{t('ho.signIn.heading')}</h2>
            <label>
              {t('ho.signIn.token')}
              <input name="token" type="password" required minLength={24} spellCheck={false} autoFocus />
            </label>
            <label>
              {t('ho.signIn.chain')}
              <input name="chain" type="number" min={1} defaultValue={chainId} required />
            </label>
            <button type="submit">{t('ho.signIn.submit')}</button>
            <p className="hint">{t('ho.signIn.hint')}</p>
            {error && (
              <p role="alert" className="error">
                {t(error.key, error.params)}
              </p>
            )}
          </form>
        </main>
      </>
    );
  }

  const ctx: Ctx | null = ref ? { api, chainId, ref, locale, money: (k) => formatRoubles(k, locale) } : null;
  return (
    <>
      <header>
        <h1>{t('ho.app')}</h1>
        <nav aria-label={t('ho.title')}>
          {TABS.map((x) => (
            <a key={x} href={`#${x}`} aria-current={tab === x ? 'page' : undefined}>
              {t(`ho.tabs.${x}`)}
            </a>
          ))}
        </nav>
        {languageSwitch}
        <button type="button" className="secondary" onClick={signOut}>
          {t('ho.signIn.signOut')}
        </button>
      </header>
      <main>
        {error && (
          <p role="alert" className="error">
            {t(error.key, error.params)}
          </p>
        )}
        {!ctx && !error && <p>{t('ho.common.loading')}</p>}
        {ctx && tab === 'offers' && <OffersView ctx={ctx} />}
        {ctx && tab === 'figures' && <FiguresView ctx={ctx} />}
        {ctx && tab === 'segments' && <SegmentsView ctx={ctx} />}
        {ctx && tab === 'exceptions' && <ExceptionsView ctx={ctx} />}
        {ctx && tab === 'lists' && <ListsView ctx={ctx} />}
        {ctx && tab === 'customers' && <CustomersView ctx={ctx} />}
        {ctx && tab === 'import' && (
          <>
            <ImportView ctx={ctx} />
            <ExportPanel ctx={ctx} />
          </>
        )}
      </main>
    </>
  );
}
