import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './App';
import { initI18n } from './i18n';
import './headoffice.css';

// The CSP forbids eval; tell zod not to probe for it.
z.config({ jitless: true });
initI18n();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
