import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './App';
import { CustomerView } from './customer/CustomerView';
import { initI18n } from './i18n';
import './styles.css';

// The CSP forbids eval; tell zod not to probe for it.
z.config({ jitless: true });
initI18n();
// Ask the browser not to evict the till's data under storage pressure: it holds unsent sales.
void navigator.storage?.persist?.().catch(() => undefined);
// The host's new address typed into an open page changes only the fragment, which reloads
// nothing: reload, so the page takes the new session instead of keeping the one that expired.
addEventListener('hashchange', () => {
  if (/session=/.test(location.hash)) location.reload();
});
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* The customer-facing display: a second page (or Electron's second window) fed by the till page. */}
    {location.hash === '#/customer' ? <CustomerView /> : <App />}
  </StrictMode>,
);
