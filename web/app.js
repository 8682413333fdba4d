// The pages' script (plain ES module, served as a file; no bundler). Each page is a shell whose
// <body data-page> says which page this is; everything shown comes from the API's own routes,
// called with the signed-in user's bearer token (held in sessionStorage: gone when the tab
// closes, never in a URL). No CPR in a URL, a title or the history: case pages are addressed by
// the case id, titled by the case number.

import { decisionForm, h } from './forms.js';
import { ROLES, TEXT } from './i18n.js';

const TOKEN = 'overgang.token';
const LANG = 'overgang.lang';
const DASHBOARD_ROLES = ['supervisor', 'area_chief', 'housing_team_lead', 'visitation_team_lead'];
const POLL_MS = Number(document.body.dataset.pollMs ?? 30_000);
const TZ = 'Europe/Copenhagen';

const lang = localStorage.getItem(LANG) === 'en' ? 'en' : 'da';
const t = TEXT[lang];
document.documentElement.lang = lang;
const main = document.getElementById('main');

// ---------- API ----------

class SignedOut extends Error {}

async function api(path, init = {}) {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) throw new SignedOut();
  const res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN);
    throw new SignedOut();
  }
  const body = await res.json().catch(() => null);
  return { status: res.status, body, retryAfter: res.headers.get('retry-after') };
}

async function getJson(path) {
  const res = await api(path);
  if (res.status !== 200) throw new Error(`${res.status}: ${res.body?.message ?? ''}`);
  return res.body;
}

let metaPromise;
const meta = () => (metaPromise ??= fetch('/ui/meta.json').then((r) => r.json()));

// ---------- formatting (Copenhagen local time) ----------

const locale = lang === 'da' ? 'da-DK' : 'en-GB';
const fmtInstant = (iso) => (iso ? new Intl.DateTimeFormat(locale, { timeZone: TZ, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—');
const fmtDay = (day) => (day ? new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(`${day}T00:00:00Z`)) : '—');
const todayCph = () => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
const daysBetween = (from, to) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
const stateLabel = (s) => t.states[s] ?? s ?? '—';
const roleLabel = (r) => ROLES[lang][r] ?? r;
const caseTypeLabel = (m, name) => m.caseTypes.find((c) => c.name === name)?.label?.[lang] ?? name;

/** The action in the page's language first, the other beside it. */
function actionCell(action) {
  const other = lang === 'da' ? 'en' : 'da';
  return h('td', {}, action?.[lang] ?? action?.code ?? '—', action?.[other] ? h('span', { class: 'other-lang', lang: other }, action[other]) : null);
}

// ---------- frame ----------

function header(me) {
  const top = document.getElementById('top');
  const nav = h('nav', { 'aria-label': lang === 'da' ? 'Hovedmenu' : 'Main' },
    h('a', { href: '/ui/queue', 'aria-current': document.body.dataset.page === 'queue' ? 'page' : null }, t.queue),
    me && DASHBOARD_ROLES.includes(me.role) ? h('a', { href: '/ui/dashboard', 'aria-current': document.body.dataset.page === 'dashboard' ? 'page' : null }, t.dashboard) : null);
  const langBtn = h('button', { type: 'button', class: 'link', lang: lang === 'da' ? 'en' : 'da', 'aria-label': t.languageLabel, onclick: () => {
    localStorage.setItem(LANG, lang === 'da' ? 'en' : 'da');
    location.reload();
  } }, t.language);
  const who = me ? h('span', { class: 'who' }, `${t.signedInAs} ${me.user} — ${roleLabel(me.role)}, ${me.team}`) : null;
  const out = me ? h('button', { type: 'button', class: 'link', onclick: () => {
    sessionStorage.removeItem(TOKEN);
    location.replace('/ui/sign-in');
  } }, t.signOut) : null;
  top.replaceChildren(h('div', { class: 'bar' }, h('span', { class: 'brand' }, t.appName), nav, h('span', { class: 'spacer' }), who, langBtn, out));
  document.querySelector('.skip').textContent = t.skip;
}

function setTitle(text) {
  document.title = `${text} – overgang`;
}

function fail(err) {
  if (err instanceof SignedOut) {
    location.replace(`/ui/sign-in`);
    return;
  }
  main.replaceChildren(h('div', { class: 'alert', role: 'alert' }, `${t.loadFailed}: ${err.message}`));
}

// ---------- sign-in ----------

async function signInPage() {
  header(null);
  setTitle(t.signInTitle);
  const m = await meta();
  const status = h('p', { class: 'form-status', role: 'alert' });
  const tokenInput = h('input', { id: 'token', type: 'password', autocomplete: 'off', 'aria-describedby': 'token-hint' });
  async function signIn(token) {
    sessionStorage.setItem(TOKEN, token);
    try {
      const me = await getJson('/me');
      location.replace(DASHBOARD_ROLES.includes(me.role) && me.role !== 'visitation_team_lead' && me.role !== 'housing_team_lead' ? '/ui/dashboard' : '/ui/queue');
    } catch (err) {
      sessionStorage.removeItem(TOKEN);
      status.className = 'form-status error';
      status.textContent = `${t.signInFailed}${err instanceof SignedOut ? '' : `: ${err.message}`}`;
    }
  }
  const devList = m.devTokens.length
    ? h('section', { 'aria-labelledby': 'dev-h' }, h('h2', { id: 'dev-h' }, t.devUsers),
        h('ul', { class: 'dev-users' }, ...m.devTokens.map((d) => h('li', {}, h('button', { type: 'button', 'data-token': d.token, onclick: () => signIn(d.token) },
          `${d.user} — ${roleLabel(d.role)}`, h('span', { class: 'team' }, d.team))))))
    : null;
  const form = h('form', { class: 'sign-in', onsubmit: (e) => {
    e.preventDefault();
    if (tokenInput.value.trim()) void signIn(tokenInput.value.trim());
  } },
    h('div', { class: 'field' }, h('label', { for: 'token' }, t.token), h('p', { class: 'hint', id: 'token-hint' }, t.tokenHint), tokenInput),
    h('button', { type: 'submit' }, t.signIn));
  main.replaceChildren(...[h('h1', {}, t.signInTitle), h('p', {}, t.signInIntro), status, devList, form].filter(Boolean));
}

// ---------- work queue ----------

async function queuePage() {
  const [me, m] = await Promise.all([getJson('/me'), meta()]);
  header(me);
  setTitle(t.queue);
  const supervisor = me.role === 'supervisor';
  const filters = { caseType: '', state: '', dueBefore: '', role: '', team: '' };
  const select = (name, options) =>
    h('div', { class: 'field inline' }, h('label', { for: `q-${name}` }, t[name]),
      h('select', { id: `q-${name}`, name, onchange: (e) => { filters[name] = e.target.value; void load(); } },
        h('option', { value: '' }, t.all), ...options.map(([v, l]) => h('option', { value: v }, l))));
  const filterForm = h('form', { class: 'filters', 'aria-label': t.filters, onsubmit: (e) => { e.preventDefault(); void load(); } },
    select('caseType', m.caseTypes.map((c) => [c.name, c.label[lang]])),
    select('state', ['breached', 'at_risk', 'on_track', 'paused'].map((s) => [s, stateLabel(s)])),
    h('div', { class: 'field inline' }, h('label', { for: 'q-dueBefore' }, t.dueBefore),
      h('input', { id: 'q-dueBefore', type: 'date', onchange: (e) => { filters.dueBefore = e.target.value; void load(); } })),
    supervisor ? select('role', Object.keys(ROLES[lang]).filter((r) => r !== 'hospital').map((r) => [r, roleLabel(r)])) : null,
    supervisor ? h('div', { class: 'field inline' }, h('label', { for: 'q-team' }, t.team), h('input', { id: 'q-team', type: 'text', onchange: (e) => { filters.team = e.target.value; void load(); } })) : null,
    h('button', { type: 'submit' }, t.apply));
  const updated = h('p', { class: 'updated', role: 'status', 'aria-live': 'polite' });
  const lists = h('div', { id: 'queue-lists' });
  main.replaceChildren(h('h1', {}, `${t.queue} — ${roleLabel(me.role)}`), filterForm, h('p', { class: 'hint' }, t.autoRefresh), updated, lists);

  async function load() {
    const items = [];
    let cursor = null;
    try {
      for (let page = 0; page < 10; page++) {
        const q = new URLSearchParams({ limit: '200' });
        for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
        if (cursor) q.set('cursor', cursor);
        const res = await getJson(`/work-queue?${q}`);
        items.push(...res.items);
        cursor = res.nextCursor;
        if (!cursor) break;
      }
    } catch (err) {
      fail(err);
      return;
    }
    const today = todayCph();
    lists.replaceChildren(...['breached', 'at_risk', 'on_track', 'paused'].map((state) => {
      const rows = items.filter((i) => i.slaState === state);
      const id = `list-${state}`;
      return h('section', { class: `queue ${state}`, 'aria-labelledby': id, 'data-state': state },
        h('h2', { id }, `${stateLabel(state)} (${rows.length})`),
        rows.length === 0 ? h('p', {}, t.noItems) : h('table', {},
          h('thead', {}, h('tr', {}, ...[t.caseNumber, t.caseType, t.action, t.dueDay, t.escalationAt, t.howLate].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, ...rows.map((i) => {
            const late = daysBetween(i.dueDay, today);
            return h('tr', { 'data-case-number': i.caseNumber, 'data-obligation': i.obligation },
              h('th', { scope: 'row' }, h('a', { href: `/ui/cases/${i.caseId}` }, i.caseNumber)),
              h('td', {}, caseTypeLabel(m, i.caseType)),
              actionCell(i.action),
              h('td', {}, fmtDay(i.dueDay)),
              h('td', {}, fmtInstant(i.escalationAt)),
              h('td', {}, late > 0 ? t.daysLate(late) : t.dueIn(-late)));
          }))));
    }));
    updated.textContent = `${t.updatedAt} ${new Intl.DateTimeFormat(locale, { timeZone: TZ, timeStyle: 'medium' }).format(new Date())}`;
  }
  await load();
  // stays current without a reload: polling (an EventSource could not send the bearer header)
  setInterval(() => { if (document.visibilityState === 'visible') void load(); }, POLL_MS);
}

// ---------- case page ----------

function table(caption, headers, rows) {
  return h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => (c instanceof Node && c.tagName === 'TD' ? c : h(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : {}, c)))))));
}

/** An audit row's detail as the trail keeps it (texts are withheld there): `key: value; …`. */
function detailText(detail) {
  if (!detail) return '';
  const show = (v) => (v === null || typeof v !== 'object' ? String(v) : Array.isArray(v) ? v.map(show).join(', ') : `{ ${detailText(v)} }`);
  return Object.entries(detail).map(([k, v]) => `${k}: ${show(v)}`).join('; ');
}

async function casePage() {
  const id = location.pathname.split('/').pop();
  const [me, m] = await Promise.all([getJson('/me'), meta()]);
  header(me);
  const decided = { count: 0 };
  async function render(notice) {
    const c = await getJson(`/cases/${encodeURIComponent(id)}?live=true`);
    setTitle(`${t.casePage} ${c.caseNumber}`);
    const type = m.caseTypes.find((x) => x.name === c.type);
    const open = c.obligations.filter((o) => ['on_track', 'at_risk', 'breached', 'paused'].includes(o.state));
    const closed = c.obligations.filter((o) => !open.includes(o));
    const citizen = c.citizen.cpr ? [t.cpr, c.citizen.cpr] : [t.ageBand, c.citizen.ageBand ?? '—'];
    const facts = [
      [t.caseType, type?.label?.[lang] ?? c.type], [t.step, c.step], [t.slaState, stateLabel(c.sla.state)], [t.opened, fmtInstant(c.openedAt)],
      ...(c.closedAt ? [[t.closed, fmtInstant(c.closedAt)], [t.outcome, c.outcome ?? '—']] : []), citizen,
    ];
    const webUi = `${m.temporalWebUi}/namespaces/${encodeURIComponent(m.namespace)}/workflows/${encodeURIComponent(c.workflowId)}`;
    // the role's decisions on this case type; those whose name matches an open obligation's kind first
    const openKinds = open.map((o) => o.kind);
    const matches = (d) => openKinds.some((k) => k.includes(d.path.replace(/-/g, '_').replace(/s$/, '')));
    const mine = (type?.decisions ?? []).filter((d) => d.roles.includes(me.role)).sort((a, b) => Number(matches(b)) - Number(matches(a)));
    const ctx = { t, lang, codeLabels: m.codeLabels, onDecided: () => { decided.count++; void render(t.accepted).catch(fail); } };
    const forms = mine.map((d) => decisionForm(d, ctx, (body, key) => api(`/cases/${encodeURIComponent(id)}/${type.slug}/${d.path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body),
    })));
    main.replaceChildren(...[
      h('h1', {}, `${t.casePage} ${c.caseNumber}`),
      h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('p', {}, h('a', { href: webUi, rel: 'noopener' }, t.webUi)),
      h('section', { 'aria-labelledby': 'open-h' }, h('h2', { id: 'open-h' }, t.openObligations),
        open.length ? table(t.openObligations, [t.action, t.dueDay, t.escalationAt, t.state, t.role], open.map((o) => [actionCell(o.action), fmtDay(o.dueDay), fmtInstant(o.escalationAt), stateLabel(o.state), roleLabel(o.actor.role)])) : h('p', {}, t.noItems)),
      h('section', { class: 'decisions', 'aria-labelledby': 'dec-h', 'data-decided': decided.count }, h('h2', { id: 'dec-h' }, t.decisions),
        h('p', { class: notice ? 'form-status ok' : 'form-status', role: 'status', id: 'decided' }, notice ?? ''),
        mine.length ? h('p', { class: 'hint' }, t.decisionHint) : h('p', {}, t.noDecisions), ...forms),
      closed.length ? h('section', { 'aria-labelledby': 'closed-h' }, h('h2', { id: 'closed-h' }, t.closedObligations),
        table(t.closedObligations, [t.action, t.dueDay, t.state, t.closed], closed.map((o) => [actionCell(o.action), fmtDay(o.dueDay), stateLabel(o.state), fmtInstant(o.closedAt)]))) : null,
      c.escalations.length ? h('section', { 'aria-labelledby': 'esc-h' }, h('h2', { id: 'esc-h' }, t.escalations),
        table(t.escalations, [t.at, t.severity, t.recipient, t.dueDay], c.escalations.map((e) => [fmtInstant(e.firedAt ?? e.scheduledFor), e.severity, roleLabel(e.recipientRole), fmtDay(e.dueDay)]))) : null,
      h('section', { 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, t.history),
        table(t.history, [t.at, t.event, t.user, t.role, t.status, t.detail], c.history.map((e) => [fmtInstant(e.at), e.action, e.userId, roleLabel(e.role), String(e.statusCode), detailText(e.detail)]))),
    ].filter(Boolean));
  }
  await render();
}

// ---------- dashboard ----------

function csvOf(headers, rows) {
  const cell = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A chart with its numbers as a table and as CSV. */
function chartBlock(id, title, chartConfig, headers, rows) {
  const canvas = h('canvas', { id: `${id}-chart`, role: 'img', 'aria-label': `${title}. ${t.table}: ${lang === 'da' ? 'se nedenfor' : 'see below'}.` });
  const csv = URL.createObjectURL(new Blob([csvOf(headers, rows)], { type: 'text/csv;charset=utf-8' }));
  const block = h('section', { class: 'chart-block', 'aria-labelledby': `${id}-h`, id },
    h('h2', { id: `${id}-h` }, title),
    h('div', { class: 'chart' }, canvas),
    h('details', { open: rows.length <= 15 }, h('summary', {}, t.table), table(title, headers, rows.map((r) => r.map(String)))),
    h('p', {}, h('a', { href: csv, download: `${id}.csv` }, `${t.csv} (${title})`)));
  // drawn once the block is on the page (after the code that places it)
  setTimeout(() => {
    if (window.Chart) new window.Chart(canvas, chartConfig);
  }, 0);
  return block;
}

// colours with at least 3:1 against white (WCAG 1.4.11), told apart by position and the table too
const COLOURS = { breached: '#b3261e', at_risk: '#8a5a00', on_track: '#1e6b35', paused: '#5b5b66' };
const SERIES = ['#1f4e99', '#8a5a00', '#1e6b35', '#b3261e', '#5b3a99', '#00606b', '#5b5b66'];

function ageingBucket(days) {
  if (days <= 1) return '1';
  if (days <= 3) return '2–3';
  if (days <= 7) return '4–7';
  if (days <= 14) return '8–14';
  if (days <= 30) return '15–30';
  return '> 30';
}
const BUCKETS = ['1', '2–3', '4–7', '8–14', '15–30', '> 30'];

async function dashboardPage() {
  const [me, m] = await Promise.all([getJson('/me'), meta()]);
  header(me);
  setTitle(t.dashboard);
  if (!DASHBOARD_ROLES.includes(me.role)) {
    main.replaceChildren(h('h1', {}, t.dashboard), h('p', {}, t.notForRole));
    return;
  }
  const d = await getJson('/dashboard');
  const teamOf = (x) => x ?? t.noTeam;
  const states = ['breached', 'at_risk', 'on_track', 'paused'];

  // 1. open obligations by SLA state per team and case type
  const groups = [...new Set(d.sla.map((r) => `${teamOf(r.team)} · ${caseTypeLabel(m, r.caseType)}`))];
  const slaOf = (g, s) => d.sla.filter((r) => `${teamOf(r.team)} · ${caseTypeLabel(m, r.caseType)}` === g && r.state === s).reduce((a, r) => a + r.count, 0);
  const slaRows = groups.map((g) => [g, ...states.map((s) => slaOf(g, s)), states.reduce((a, s) => a + slaOf(g, s), 0)]);
  const totals = states.map((s) => d.sla.filter((r) => r.state === s).reduce((a, r) => a + r.count, 0));
  slaRows.push([t.total, ...totals, totals.reduce((a, b) => a + b, 0)]);
  const sla = chartBlock('sla', t.charts.sla, {
    type: 'bar',
    data: { labels: groups, datasets: states.map((s) => ({ label: stateLabel(s), data: groups.map((g) => slaOf(g, s)), backgroundColor: COLOURS[s] })) },
    options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } },
  }, [`${t.team} · ${t.caseType}`, ...states.map(stateLabel), t.total], slaRows);

  // 2. overdue ageing
  const teams = [...new Set(d.overdue.map((r) => teamOf(r.team)))];
  const ageOf = (team, b) => d.overdue.filter((r) => teamOf(r.team) === team && ageingBucket(r.daysLate) === b).reduce((a, r) => a + r.count, 0);
  const overdue = chartBlock('overdue', t.charts.overdue, {
    type: 'bar',
    data: { labels: BUCKETS, datasets: teams.map((team, i) => ({ label: team, data: BUCKETS.map((b) => ageOf(team, b)), backgroundColor: SERIES[i % SERIES.length] })) },
    options: { responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true, title: { display: true, text: t.daysLateCol } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  }, [t.team, ...BUCKETS.map((b) => `${b} (${t.daysLateCol.toLowerCase()})`)], teams.map((team) => [team, ...BUCKETS.map((b) => ageOf(team, b))]));

  // 3. escalations per night
  const nights = chartBlock('nights', t.charts.nights, {
    type: 'bar',
    data: { labels: d.escalationsPerNight.map((n) => n.night), datasets: [{ label: t.count, data: d.escalationsPerNight.map((n) => n.count), backgroundColor: SERIES[0] }] },
    options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  }, [t.night, t.count], d.escalationsPerNight.map((n) => [n.night, n.count]));

  // 4. the waiting list by priority
  const waiting = chartBlock('waiting', t.charts.waiting, {
    type: 'bar',
    data: { labels: d.waitingList.map((w) => w.priority), datasets: [{ label: t.count, data: d.waitingList.map((w) => w.count), backgroundColor: SERIES[4] }] },
    options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  }, [t.priority, t.count, t.longestWait], d.waitingList.map((w) => [w.priority, w.count, w.longestWaitDays]));

  main.replaceChildren(...[h('h1', {}, t.dashboard), h('p', { class: 'hint' }, `${t.asOf} ${fmtInstant(d.asOf)}`), sla, overdue, nights, waiting, await bedDaysBlock()].filter(Boolean));
}

/** 5. bed-days and their cost per month by kind of bed: the payment report's figures (`GET /payments/bed-days`), for the roles that read it. */
async function bedDaysBlock() {
  const res = await api('/payments/bed-days?limit=1');
  if (res.status !== 200) return null;
  const months = [...new Set(res.body.byMonth.map((r) => r.month))].slice(-12);
  const kinds = [...new Set(res.body.byMonth.map((r) => r.kind))].sort(); // in a month, the kinds in the report's order
  const of = (month, kind) => res.body.byMonth.find((r) => r.month === month && r.kind === kind);
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'DKK', maximumFractionDigits: 0 });
  const rows = months.flatMap((month) => kinds.filter((k) => of(month, k)).map((k) => [month, t.kinds[k] ?? k, of(month, k).days, of(month, k).amountDkk]));
  const block = chartBlock('bed-days', t.charts.bedDays, {
    type: 'bar',
    data: { labels: months, datasets: kinds.map((k, i) => ({ label: t.kinds[k] ?? k, data: months.map((m) => of(m, k)?.amountDkk ?? 0), backgroundColor: SERIES[i % SERIES.length] })) },
    options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, title: { display: true, text: 'DKK' } } } },
  }, [t.month, t.kind, t.bedDays, `${t.amount} (DKK)`], rows);
  block.querySelector('details table')?.querySelectorAll('tbody tr').forEach((tr) => {
    const cell = tr.lastElementChild;
    cell.textContent = money.format(Number(cell.textContent));
  });
  return block;
}

// ---------- start ----------

const PAGES = { 'sign-in': signInPage, queue: queuePage, case: casePage, dashboard: dashboardPage };
PAGES[document.body.dataset.page]?.().catch(fail);
