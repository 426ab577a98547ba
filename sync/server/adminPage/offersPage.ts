/**
 * The head-office offers page, served by the server itself (GET /admin/offers). Plain HTML, a
 * stylesheet and one script, all from this origin: the page runs under
 * `Content-Security-Policy: default-src 'self'`, so nothing here may be inline (no <script>
 * bodies, no on* attributes, no style attributes). Text from the server is always set with
 * textContent, never parsed as HTML. The admin token is pasted by the user, kept in
 * sessionStorage (gone with the tab) and sent as a Bearer header: no cookie, so no CSRF.
 *
 * Kept as strings in a module (not files beside it) so the bundled server (esbuild, one file)
 * carries them.
 */

export const OFFERS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loyalty Till · offers</title>
<link rel="stylesheet" href="/admin/offers.css">
<script src="/admin/offers.js" defer></script>
</head>
<body>
<header><h1>Offers <small>head office</small></h1></header>
<main>
  <form id="login" autocomplete="off">
    <label>Administrator token <input id="token" type="password" required minlength="24" spellcheck="false"></label>
    <label>Chain <input id="chain" type="number" min="1" value="1" required></label>
    <button type="submit">Load offers</button>
    <button type="button" id="forget">Forget token</button>
  </form>
  <p id="notice" role="status" aria-live="polite"></p>
  <ul id="problems" class="problems" hidden></ul>

  <section id="list" hidden>
    <form id="filter" class="filter">
      <label>Status
        <select id="status">
          <option value="">all</option>
          <option value="active">active</option>
          <option value="upcoming">upcoming</option>
          <option value="ended">ended</option>
        </select>
      </label>
      <label>Search <input id="search" type="search" maxlength="100" placeholder="title or id"></label>
      <button type="submit">Search</button>
      <button type="button" id="new">New offer</button>
      <span id="count"></span>
    </form>
    <table>
      <thead><tr><th>Id</th><th>Title</th><th>Status</th><th>Dates</th><th>Scope</th><th>Effect</th><th>Audience</th><th></th></tr></thead>
      <tbody id="offers"></tbody>
    </table>
  </section>

  <section id="editor" hidden>
    <h2 id="editor-title"></h2>
    <p class="hint">The offer as JSON, in the loyalty engine's format. The server checks it and names any field it refuses.
      Tills receive the change on their next sync.</p>
    <textarea id="json" rows="24" spellcheck="false"></textarea>
    <div class="buttons">
      <button type="button" id="save">Save</button>
      <button type="button" id="cancel">Cancel</button>
    </div>
  </section>
</main>
<noscript>This page needs JavaScript.</noscript>
</body>
</html>
`;

export const OFFERS_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f6f6f4; }
header { background: #24433a; color: #fff; padding: 8px 16px; }
header h1 { margin: 0; font-size: 18px; }
header small { font-weight: normal; opacity: .8; }
main { padding: 12px 16px; }
form { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; margin-bottom: 8px; }
label { display: flex; flex-direction: column; font-size: 12px; color: #555; }
input, select, button, textarea { font: inherit; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
td .en { color: #666; font-size: 12px; }
tr.ended td { color: #888; }
.status-active { color: #1d6b2f; font-weight: 600; }
.status-upcoming { color: #6b4f1d; }
#notice { min-height: 1.4em; }
#notice.error, .problems { color: #9b1c1c; }
textarea { width: 100%; box-sizing: border-box; font-family: ui-monospace, monospace; font-size: 13px; }
.buttons { margin-top: 8px; display: flex; gap: 8px; }
.hint { color: #555; }
`;

export const OFFERS_JS = `'use strict';
(() => {
  const TOKEN_KEY = 'lt-admin-token';
  const byId = (id) => document.getElementById(id);
  const el = (tag, text, className) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  };
  let editing = null; // { id, revision } when editing, { create: true } for a new offer

  const chainId = () => Number(byId('chain').value) || 1;
  const offersPath = () => '/api/v1/admin/chains/' + chainId() + '/offers';

  function notice(text, isError) {
    const n = byId('notice');
    n.textContent = text || '';
    n.className = isError ? 'error' : '';
  }

  function problems(list) {
    const ul = byId('problems');
    ul.replaceChildren(...(list || []).map((p) => el('li', (p.path ? p.path + ': ' : '') + p.message)));
    ul.hidden = !list || list.length === 0;
  }

  function showError(err) {
    notice(err.message + (err.code ? ' (' + err.code + ')' : ''), true);
    problems(Array.isArray(err.details) ? err.details : []);
  }

  async function api(method, path, body, headers) {
    const h = Object.assign({ authorization: 'Bearer ' + byId('token').value.trim() }, headers || {});
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      const err = new Error((data && data.message) || 'The server answered ' + res.status + '.');
      err.code = data && data.code;
      err.details = data && data.details;
      err.status = res.status;
      throw err;
    }
    return data;
  }

  function dates(v) {
    if (!v.from && !v.to) return 'always';
    return (v.from || '…') + ' – ' + (v.to || '…');
  }

  function effectText(e) {
    switch (e.type) {
      case 'extraAccrual': return '+' + e.basisPoints / 100 + ' % bonuses';
      case 'accrualMultiplier': return '×' + e.percent / 100 + ' bonuses';
      case 'fixedBonus': return e.amountKopecks / 100 + ' ₽ bonus';
      case 'percentDiscount': return '−' + e.basisPoints / 100 + ' %';
      case 'nForM': return e.buy + ' for ' + e.pay;
      case 'welcome': return 'welcome ' + e.amountKopecks / 100 + ' ₽';
      default: return e.type;
    }
  }

  function audienceText(a) {
    const parts = [];
    if (a.personal) parts.push('personal: ' + a.customerCount + ' customers');
    if (a.tiers) parts.push('tiers ' + a.tiers.join(', '));
    if (a.segments) parts.push('segments ' + a.segments.join(', '));
    if (a.firstPurchase) parts.push('first purchase');
    if (a.birthday) parts.push('birthday');
    return parts.join('; ') || 'everyone';
  }

  async function loadList() {
    const params = new URLSearchParams();
    if (byId('status').value) params.set('status', byId('status').value);
    if (byId('search').value.trim()) params.set('q', byId('search').value.trim());
    params.set('limit', '1000');
    const data = await api('GET', offersPath() + '?' + params.toString());
    const rows = data.offers.map((o) => {
      const tr = el('tr', null, o.status);
      tr.dataset.offerId = o.id;
      tr.append(el('td', o.id));
      const name = el('td', o.name.ru);
      name.append(el('div', o.name.en, 'en'));
      tr.append(name);
      tr.append(el('td', o.status + (o.withdrawn ? ' (withdrawn)' : ''), 'status-' + o.status));
      tr.append(el('td', dates(o.validity)));
      tr.append(el('td', o.scope));
      tr.append(el('td', effectText(o.effect)));
      tr.append(el('td', audienceText(o.audience)));
      const actions = el('td');
      const edit = el('button', o.withdrawn ? 'Restore…' : 'Edit');
      edit.type = 'button';
      edit.dataset.action = 'edit';
      actions.append(edit);
      if (!o.withdrawn) {
        const end = el('button', 'End');
        end.type = 'button';
        end.dataset.action = 'end';
        actions.append(' ', end);
      }
      tr.append(actions);
      return tr;
    });
    byId('offers').replaceChildren(...rows);
    byId('count').textContent = data.total + ' offer(s); today is ' + data.today + ' (' + data.timeZone + ')';
    byId('list').hidden = false;
  }

  function openEditor(title, value, mode) {
    editing = mode;
    byId('editor-title').textContent = title;
    byId('json').value = JSON.stringify(value, null, 2);
    byId('editor').hidden = false;
    byId('json').focus();
  }

  function closeEditor() {
    editing = null;
    byId('editor').hidden = true;
  }

  function isoDay(offsetDays) {
    const d = new Date(Date.now() + offsetDays * 86400000);
    return d.toISOString().slice(0, 10);
  }

  async function save() {
    problems([]);
    let offer;
    try {
      offer = JSON.parse(byId('json').value);
    } catch (e) {
      notice('The text is not valid JSON: ' + e.message, true);
      return;
    }
    if (!offer || typeof offer !== 'object' || Array.isArray(offer) || typeof offer.id !== 'string' || offer.id === '') {
      notice('The offer needs an "id" (text).', true);
      problems([{ path: 'id', message: 'required' }]);
      return;
    }
    const headers = editing && editing.id === offer.id ? { 'if-match': '"' + editing.revision + '"' } : { 'if-none-match': '*' };
    const saved = await api('PUT', offersPath() + '/' + encodeURIComponent(offer.id), offer, headers);
    closeEditor();
    notice('Saved "' + saved.offer.id + '"; tills get it on their next sync.');
    await loadList();
  }

  async function onRowAction(action, id) {
    problems([]);
    if (action === 'edit') {
      const found = await api('GET', offersPath() + '/' + encodeURIComponent(id));
      openEditor((found.deleted ? 'Restore ' : 'Edit ') + id, found.offer, { id, revision: found.revision });
      notice(found.deleted ? 'This offer was ended; saving it runs it again.' : '');
    } else if (action === 'end') {
      if (!window.confirm('End the offer "' + id + '"? Tills drop it on their next sync.')) return;
      await api('DELETE', offersPath() + '/' + encodeURIComponent(id));
      notice('Ended "' + id + '".');
      await loadList();
    }
  }

  const guarded = (fn) => (...args) => fn(...args).catch(showError);

  document.addEventListener('DOMContentLoaded', () => {
    const saved = window.sessionStorage.getItem(TOKEN_KEY);
    if (saved) byId('token').value = saved;
    byId('login').addEventListener('submit', guarded(async (e) => {
      e.preventDefault();
      problems([]);
      window.sessionStorage.setItem(TOKEN_KEY, byId('token').value.trim());
      await loadList();
      notice('');
    }));
    byId('forget').addEventListener('click', () => {
      window.sessionStorage.removeItem(TOKEN_KEY);
      byId('token').value = '';
      byId('list').hidden = true;
      closeEditor();
      notice('Token forgotten.');
    });
    byId('filter').addEventListener('submit', guarded(async (e) => {
      e.preventDefault();
      await loadList();
    }));
    byId('status').addEventListener('change', guarded(loadList));
    byId('new').addEventListener('click', () => {
      problems([]);
      notice('');
      openEditor('New offer', {
        id: 'new-offer',
        name: { ru: 'Новая акция', en: 'New offer' },
        scope: { kind: 'chain' },
        validity: { from: isoDay(1), to: isoDay(31) },
        target: { categories: [] },
        effect: { type: 'extraAccrual', basisPoints: 500 },
      }, { create: true });
    });
    byId('save').addEventListener('click', guarded(save));
    byId('cancel').addEventListener('click', () => {
      closeEditor();
      problems([]);
      notice('');
    });
    byId('offers').addEventListener('click', guarded(async (e) => {
      const button = e.target.closest('button[data-action]');
      if (!button) return;
      await onRowAction(button.dataset.action, button.closest('tr').dataset.offerId);
    }));
  });
})();
`;
