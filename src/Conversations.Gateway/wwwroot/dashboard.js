// The operations dashboard: live conversations (those in crisis first), alerts, latency and cost; a notice the moment a
// conversation reaches level 3, and a supervisor's seat in any conversation (supervision.js). The charts start from the
// recent past (GET /api/v1/dashboard/history, up to a feed cursor) and follow the cluster-wide event stream after that
// cursor, so every response counts once. The tables show one page at a time, fetched from the API and refreshed when
// the feed says a conversation or an alert came, left or changed.
import { api, ApiError, mountSignIn } from './auth.js';
import { followEventStream } from './event-stream.js';
import * as supervision from './supervision.js';

const $ = id => document.getElementById(id);
const panels = ['live-panel', 'alerts-panel', 'cost-panel', 'ttfa-panel', 'relay-panel'];
const ttfaBuckets = [250, 500, 750, 1000, 1500, 2000, 3000]; // upper bounds, ms; one more bucket above the last
const relayBuckets = [0.5, 1, 2, 5, 10, 20, 50];
const costHours = 12;
const reloadDelayMs = 300;
// Rows per page; ?page_size=N overrides it (1–200), for a big screen or a quick look.
const pageSize = Math.min(200, Math.max(1, Number(new URLSearchParams(location.search).get('page_size')) || 25));

let view = null;

await mountSignIn($('sign-in'), {
  roles: ['supervisor'],
  onSignedIn: open,
  onSignedOut: close,
});

function emptyView() {
  return {
    stop: new AbortController(),
    live: { page: 0, rows: new Map(), attached: 0, detached: 0, loaded: false, reload: 0, loading: null },
    ended: new Set(), // ended ids, so a page fetched just before the end cannot bring one back
    notices: new Map(), // conversation id → { level, category, at }: reached level 3 while the page was open; until joined or dismissed
    alerts: { page: 0, status: $('alerts-status').value, rows: new Map(), total: 0, open: 0, reload: 0, loading: null },
    ttfa: [],
    relayP50: [],
    relayP95: [],
    costByHour: new Map(), // hour start (ms) → { dollars, responses }
    cursor: null,
    events: 0,
    ticker: 0,
  };
}

async function open(token) {
  close();
  view = emptyView();
  const current = view;
  current.token = token;
  $('dashboard-error').hidden = true;
  for (const id of panels) $(id).hidden = false;
  current.ticker = setInterval(() => renderConversations(current), 1000);
  try {
    // The charts' past up to a cursor, then the feed after it: nothing counted twice, nothing missed.
    const history = await api(`api/v1/dashboard/history?hours=${costHours}`);
    if (current !== view) return;
    loadHistory(current, history);
    followEventStream('api/v1/dashboard/events', {
      token,
      lastEventId: history.cursor,
      signal: current.stop.signal,
      onEvent: event => onFeedEvent(current, event),
      onState: (state, detail) => onFeedState(current, state, detail),
    });
    await Promise.all([loadLive(current), loadAlerts(current)]);
    render(current);
  } catch (e) {
    showError(e instanceof ApiError && (e.status === 401 || e.status === 403)
      ? 'This page needs a supervisor token.'
      : `Could not load the dashboard: ${e.message}`);
  }
}

function close() {
  if (!view) return;
  supervision.leave();
  view.stop.abort();
  clearInterval(view.ticker);
  clearTimeout(view.live.reload);
  clearTimeout(view.alerts.reload);
  view = null;
  for (const id of panels) $(id).hidden = true;
  $('notifications').hidden = true;
  setFeedState('idle', '');
}

function loadHistory(current, history) {
  current.cursor = history.cursor;
  current.ttfa.push(...history.time_to_first_audio_ms);
  current.relayP50.push(...history.relay_ms_p50);
  current.relayP95.push(...history.relay_ms_p95);
  for (const hour of history.cost_per_hour) {
    addCost(current, Date.parse(hour.hour), hour.dollars, hour.responses);
  }
}

/** Fetches the live table's current page (attached conversations first), and the counts of both groups. */
async function loadLive(current) {
  const live = current.live;
  const page = await api(`api/v1/dashboard/conversations?limit=${pageSize}&offset=${live.page * pageSize}`);
  if (current !== view) return;
  live.rows = new Map(page.data.filter(row => !current.ended.has(row.conversation_id)).map(row => [row.conversation_id, row]));
  live.attached = page.attached;
  live.detached = page.detached;
  live.loaded = true;
  const pages = Math.max(1, Math.ceil((live.attached + live.detached) / pageSize));
  if (live.page >= pages) {
    live.page = pages - 1; // the last page emptied: show the one before
    await loadLive(current);
  }
}

async function loadAlerts(current) {
  const alerts = current.alerts;
  const status = alerts.status ? `&status=${alerts.status}` : '';
  const [page, open] = await Promise.all([
    api(`api/v1/alerts?limit=${pageSize}&offset=${alerts.page * pageSize}${status}`),
    api('api/v1/alerts?status=open&limit=1'),
  ]);
  if (current !== view) return;
  alerts.rows = new Map(page.data.map(alert => [alert.alert_id, alert]));
  alerts.total = page.total;
  alerts.open = open.total;
  const pages = Math.max(1, Math.ceil(alerts.total / pageSize));
  if (alerts.page >= pages) {
    alerts.page = pages - 1;
    await loadAlerts(current);
  }
}

/** Refetches a table soon, once for a burst of events. */
function reloadSoon(current, table, load) {
  clearTimeout(table.reload);
  table.reload = setTimeout(async () => {
    if (current !== view) return;
    try {
      await load(current);
      render(current);
    } catch (e) {
      showError(`Could not refresh the dashboard: ${e.message}`);
    }
  }, reloadDelayMs);
}

function onFeedState(current, state, detail) {
  if (current !== view) return;
  if (state === 'open') setFeedState('live', 'Live');
  else if (state === 'reconnecting') setFeedState('reconnecting', `Event stream lost (${detail.error}); reconnecting…`);
  else if (state === 'unauthorized') showError('This page needs a supervisor token.');
}

function onFeedEvent(current, message) {
  if (current !== view) return;
  const event = JSON.parse(message.data);
  current.cursor = event.cursor ?? message.id ?? current.cursor;
  current.events += 1;
  const p = event.payload ?? {};
  const id = event.conversation_id;
  const row = current.live.rows.get(id);
  // The node that wrote the event is the one hosting the conversation now (it moves on failover).
  const update = values => row && !current.ended.has(id) && Object.assign(row, { node_id: event.node_id ?? row.node_id }, values);
  switch (event.kind) {
    case 'started':
    case 'resumed':
      current.ended.delete(id);
      update({ attached: true, detached_at: null, status: 'active' });
      reloadSoon(current, current.live, loadLive); // it may belong on this page, or move up to the attached group
      break;
    case 'detached':
      update({ attached: false, detached_at: event.at });
      reloadSoon(current, current.live, loadLive);
      break;
    case 'quota':
      update({ used_seconds: p.used_seconds, cost_usd: p.cost_usd });
      break;
    case 'emergency':
      update({ emergency_level: Math.max(row?.emergency_level ?? 0, p.level), emergency_category: p.category });
      if (p.level >= 3 && !current.ended.has(id)) notify(current, id, p, event.at);
      break;
    case 'ended':
      current.ended.add(id);
      current.live.rows.delete(id);
      current.notices.delete(id);
      reloadSoon(current, current.live, loadLive);
      break;
    case 'supervision':
      supervision.onSupervisionFeedEvent(id);
      break;
    case 'alert':
      reloadSoon(current, current.alerts, loadAlerts);
      break;
    case 'alert_acknowledged': {
      const alert = current.alerts.rows.get(p.alert_id);
      if (alert) Object.assign(alert, { status: 'acknowledged', acknowledged_by: p.by });
      reloadSoon(current, current.alerts, loadAlerts);
      break;
    }
    case 'latency':
      if (typeof p.time_to_first_audio_ms === 'number') current.ttfa.push(p.time_to_first_audio_ms);
      if (typeof p.relay_ms_p50 === 'number') current.relayP50.push(p.relay_ms_p50);
      if (typeof p.relay_ms_p95 === 'number') current.relayP95.push(p.relay_ms_p95);
      break;
    case 'usage':
      addCost(current, Date.parse(event.at), p.dollars ?? 0, 1);
      update({ cost_usd: p.cost_usd });
      break;
  }
  render(current);
}

function addCost(current, at, dollars, responses) {
  const hour = Math.floor(at / 3_600_000) * 3_600_000;
  const sum = current.costByHour.get(hour) ?? { dollars: 0, responses: 0 };
  sum.dollars += Number(dollars);
  sum.responses += responses;
  current.costByHour.set(hour, sum);
}

/** A conversation reached level 3: say so at once, on the page (and with a chime, and on the desktop if allowed). */
function notify(current, id, payload, at) {
  if (current.notices.has(id) || supervision.supervising() === id) return;
  current.notices.set(id, { level: payload.level, category: payload.category, at });
  chime();
  if ('Notification' in window && Notification.permission === 'granted') {
    const row = current.live.rows.get(id);
    const desktop = new Notification('A conversation needs a counsellor now', {
      body: `Level ${payload.level}${payload.category ? ` · ${payload.category}` : ''}${row ? ` · ${row.user_id}` : ''}`,
      tag: id,
    });
    desktop.onclick = () => window.focus();
  }
}

/** A short tone; silent if the browser does not let this page play sound yet. */
function chime() {
  const context = new AudioContext();
  const tone = context.createOscillator();
  const gain = context.createGain();
  tone.frequency.value = 880;
  gain.gain.setValueAtTime(0.2, context.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.5);
  tone.connect(gain).connect(context.destination);
  tone.start();
  tone.stop(context.currentTime + 0.5);
  setTimeout(() => context.close(), 1000);
}

/** Adds new notices and removes old ones, leaving the rest alone: the list is a live region, read out as it grows. */
function renderNotices(current) {
  const list = $('notification-list');
  for (const li of [...list.children]) {
    if (!current.notices.has(li.dataset.conversationId)) li.remove();
  }
  for (const [id, notice] of current.notices) {
    if (list.querySelector(`li[data-conversation-id="${CSS.escape(id)}"]`)) continue;
    const row = current.live.rows.get(id);
    const li = document.createElement('li');
    li.dataset.conversationId = id;
    li.dataset.level = notice.level;
    const title = document.createElement('strong');
    title.textContent = `Level ${notice.level}${notice.category ? ` · ${notice.category}` : ''}`;
    const who = document.createElement('span');
    who.textContent = row ? `${row.user_id} with ${row.character_id}` : id;
    markLanguage(who, who.textContent);
    const when = document.createElement('time');
    when.dateTime = notice.at;
    when.textContent = new Date(notice.at).toLocaleTimeString();
    li.append(title, who, when, joinButton(id), button('Dismiss', () => {
      current.notices.delete(id);
      renderNotices(current);
    }));
    list.prepend(li);
  }
  $('notifications').hidden = current.notices.size === 0;
  const desktop = $('desktop-notifications');
  desktop.hidden = !('Notification' in window) || Notification.permission !== 'default';
}

$('desktop-notifications').addEventListener('click', async () => {
  await Notification.requestPermission();
  if (view) renderNotices(view);
});

function joinButton(id) {
  const joined = supervision.supervising() === id;
  const join = button(joined ? 'Joined' : 'Join', () => joinConversation(id));
  join.disabled = joined;
  join.dataset.join = id;
  return join;
}

async function joinConversation(id) {
  const current = view;
  if (!current) return;
  current.notices.delete(id); // a supervisor is on it
  await supervision.join(current.token, id);
  render(current);
}

function button(text, onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  element.addEventListener('click', onClick);
  return element;
}

function render(current) {
  renderNotices(current);
  renderConversations(current);
  renderAlerts(current);
  renderCost(current);
  renderHistogram($('ttfa'), $('ttfa-summary'), current.ttfa, ttfaBuckets, 'ms');
  // One sample per response: the p95 of its relayed frames (gateway → client); the summary adds the typical p50.
  renderHistogram($('relay'), $('relay-summary'), current.relayP95, relayBuckets, 'ms', current.relayP50.length ? `p50 median ${median(current.relayP50)} ms · p95` : '');
}

function renderConversations(current) {
  const live = current.live;
  const rows = [...live.rows.values()].filter(row => !current.ended.has(row.conversation_id));
  // In the server's order (emergencies first, then newest): those in crisis on top, the rest by whether a client is attached.
  const crisis = row => (row.emergency_level ?? 0) >= 2;
  const group = attached => rows.filter(row => !crisis(row) && Boolean(row.attached) === attached);
  fillGroup($('live-crisis'), rows.filter(crisis));
  fillGroup($('live-attached'), group(true));
  fillGroup($('live-detached'), group(false));
  $('live-crisis').hidden = !rows.some(crisis);
  $('live-attached').hidden = !group(true).length;
  $('live-detached').hidden = !group(false).length;
  $('live-crisis-count').textContent = `(${rows.filter(crisis).length} on this page)`;
  $('live-attached-count').textContent = `(${live.attached})`;
  $('live-detached-count').textContent = `(${live.detached})`;
  const total = live.attached + live.detached;
  $('live-empty').hidden = !live.loaded || rows.length > 0;
  $('live-count').textContent = total ? `(${live.attached} with a client · ${live.detached} without)` : '';
  renderPager($('live-pager'), live.page, total, page => {
    live.page = page;
    return loadLive(current).then(() => render(current));
  });
}

function fillGroup(tbody, rows) {
  const heading = tbody.querySelector('tr.group');
  tbody.replaceChildren(heading, ...rows.map(row => {
    const tr = document.createElement('tr');
    tr.dataset.conversationId = row.conversation_id;
    tr.dataset.emergencyLevel = row.emergency_level ?? 0;
    tr.dataset.attached = Boolean(row.attached);
    const started = Date.parse(row.started_at);
    // A detached conversation's clock stopped: show what it used; an attached one's runs.
    const seconds = row.attached && !Number.isNaN(started) ? Math.max(0, (Date.now() - started) / 1000) : row.used_seconds;
    const detachedAt = Date.parse(row.detached_at);
    cells(tr, [
      ['character', row.character_id ?? '—'],
      ['user', row.user_id ?? '—'],
      ['duration', duration(seconds)],
      ['cost', `$${Number(row.cost_usd ?? 0).toFixed(4)}`],
      ['emergency', row.emergency_level ? `Level ${row.emergency_level}${row.emergency_category ? ` · ${row.emergency_category}` : ''}` : '—'],
      ['node', row.node_id ?? '—'],
      ['status', row.attached ? 'active' : 'detached'],
      ['client', row.attached ? 'attached' : Number.isNaN(detachedAt) ? 'gone' : `left ${ago(detachedAt)} ago`],
    ]);
    const supervise = document.createElement('td');
    supervise.dataset.column = 'supervise';
    supervise.append(joinButton(row.conversation_id));
    tr.append(supervise);
    if (!row.attached && !Number.isNaN(detachedAt)) {
      tr.querySelector('[data-column=client]').dataset.detachedAt = row.detached_at;
    }
    return tr;
  }));
}

function renderAlerts(current) {
  const alerts = current.alerts;
  const list = [...alerts.rows.values()]; // in the server's order: open first, newest first
  $('alerts').replaceChildren(...list.map(alert => {
    const li = document.createElement('li');
    li.dataset.alertId = alert.alert_id;
    li.dataset.level = alert.level;
    li.dataset.status = alert.status;
    const title = document.createElement('strong');
    title.textContent = `Level ${alert.level} · ${alert.category ?? 'emergency'} · ${alert.user_id ?? alert.conversation_id}`;
    const when = document.createElement('time');
    when.dateTime = alert.created_at;
    when.textContent = new Date(alert.created_at).toLocaleTimeString();
    const excerpt = document.createElement('span');
    excerpt.className = 'excerpt';
    excerpt.textContent = alert.excerpt ? `“${alert.excerpt}”` : '';
    markLanguage(excerpt, alert.excerpt);
    li.append(title, when, excerpt);
    if (alert.status === 'open') {
      const ack = document.createElement('button');
      ack.type = 'button';
      ack.textContent = 'Acknowledge';
      ack.addEventListener('click', () => acknowledge(current, alert, ack));
      li.append(ack);
    } else {
      const by = document.createElement('span');
      by.className = 'hint';
      by.textContent = `Acknowledged${alert.acknowledged_by ? ` by ${alert.acknowledged_by}` : ''}`;
      li.append(by);
    }
    return li;
  }));
  $('alerts-empty').hidden = list.length > 0;
  $('alerts-count').textContent = alerts.open ? `(${alerts.open} open)` : '';
  renderPager($('alerts-pager'), alerts.page, alerts.total, page => {
    alerts.page = page;
    return loadAlerts(current).then(() => render(current));
  });
}

$('alerts-status').addEventListener('change', async () => {
  if (!view) return;
  const current = view;
  current.alerts.status = $('alerts-status').value;
  current.alerts.page = 0;
  await loadAlerts(current);
  render(current);
});

async function acknowledge(current, alert, button) {
  button.disabled = true;
  try {
    await api(`api/v1/alerts/${encodeURIComponent(alert.alert_id)}/ack`, { method: 'POST' });
    alert.status = 'acknowledged';
    alert.acknowledged_by ??= 'you';
    render(current);
  } catch (e) {
    button.disabled = false;
    showError(`Could not acknowledge: ${e.message}`);
  }
}

/** Previous / next and "page n of m"; the buttons call go(page). */
function renderPager(nav, page, total, go) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  nav.hidden = pages <= 1;
  nav.dataset.page = page + 1;
  nav.dataset.pages = pages;
  nav.querySelector('[data-page-label]').textContent = `Page ${page + 1} of ${pages} · ${total} in all`;
  const previous = nav.querySelector('[data-page=previous]');
  const next = nav.querySelector('[data-page=next]');
  previous.disabled = page <= 0;
  next.disabled = page >= pages - 1;
  previous.onclick = () => go(page - 1).catch(e => showError(`Could not load the page: ${e.message}`));
  next.onclick = () => go(page + 1).catch(e => showError(`Could not load the page: ${e.message}`));
}

function renderCost(current) {
  const now = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const hours = Array.from({ length: costHours }, (_, i) => now - (costHours - 1 - i) * 3_600_000);
  const sums = hours.map(h => current.costByHour.get(h) ?? { dollars: 0, responses: 0 });
  const max = Math.max(...sums.map(s => s.dollars));
  const responses = sums.reduce((n, s) => n + s.responses, 0);
  const dollars = sums.reduce((n, s) => n + s.dollars, 0);
  const empty = $('cost-empty');
  empty.hidden = max > 0;
  empty.dataset.responses = responses;
  // Usage at $0 is still usage: the offline engine's local models (speech recognition, synthesis, scripted answers) cost nothing.
  empty.textContent = responses > 0
    ? `${responses} ${responses === 1 ? 'response' : 'responses'} in the last ${costHours} hours, all at $0: offline models (the local realtime engine) cost nothing.`
    : 'No usage yet.';
  $('cost-summary').textContent = responses > 0 ? `($${dollars.toFixed(4)} · ${responses} ${responses === 1 ? 'response' : 'responses'} in ${costHours} h)` : '';
  $('cost-per-hour').replaceChildren(...(max > 0 ? hours.map((h, i) =>
    bar(new Date(h).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), sums[i].dollars / max, `$${sums[i].dollars.toFixed(4)}`)) : []));
}

function renderHistogram(container, summary, samples, bounds, unit, prefix = '') {
  const counts = new Array(bounds.length + 1).fill(0);
  for (const s of samples) {
    const bucket = bounds.findIndex(b => s < b);
    counts[bucket === -1 ? bounds.length : bucket] += 1;
  }
  const max = Math.max(1, ...counts);
  const labels = [...bounds.map((b, i) => `${i === 0 ? 0 : bounds[i - 1]}–${b} ${unit}`), `≥ ${bounds.at(-1)} ${unit}`];
  container.replaceChildren(...counts.map((c, i) => bar(labels[i], c / max, String(c))));
  container.dataset.samples = samples.length;
  summary.textContent = samples.length ? `(${samples.length} · ${prefix ? `${prefix} ` : ''}median ${median(samples)} ${unit})` : '(no samples yet)';
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const value = sorted[Math.floor(sorted.length / 2)];
  return value < 10 ? value.toFixed(2) : Math.round(value);
}

function bar(label, fraction, value) {
  const row = document.createElement('div');
  row.className = 'row';
  const name = document.createElement('span');
  name.textContent = label;
  const fill = document.createElement('span');
  fill.className = 'fill';
  fill.style.width = `${Math.round(fraction * 100)}%`;
  const count = document.createElement('span');
  count.className = 'count';
  count.textContent = value;
  row.append(name, fill, count);
  return row;
}

function cells(tr, values) {
  for (const [name, text] of values) {
    const td = document.createElement('td');
    td.dataset.column = name;
    td.textContent = text;
    markLanguage(td, text);
    tr.append(td);
  }
}

/** Korean text gets lang="ko", so the browser picks Korean glyphs from the CJK font in the stack. */
function markLanguage(element, text) {
  if (/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/.test(text ?? '')) element.lang = 'ko';
}

function duration(seconds) {
  const s = Math.floor(seconds ?? 0);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function ago(at) {
  const s = Math.max(0, Math.floor((Date.now() - at) / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function setFeedState(state, text) {
  $('feed-state').dataset.state = state;
  $('feed-state').textContent = text;
}

function showError(text) {
  $('dashboard-error').textContent = text;
  $('dashboard-error').hidden = false;
}

// A read-only window into the view, for debugging in the console and for the browser tests.
window.dashboard = {
  stats: () => ({
    cursor: view?.cursor ?? null,
    events: view?.events ?? 0,
    pageSize,
    conversations: view ? [...view.live.rows.values()].map(r => ({ ...r })) : [],
    attached: view?.live.attached ?? 0,
    detached: view?.live.detached ?? 0,
    alerts: view ? [...view.alerts.rows.values()].map(a => ({ ...a })) : [],
    ttfaSamples: view?.ttfa.length ?? 0,
    relaySamples: view?.relayP95.length ?? 0,
    responses: view ? [...view.costByHour.values()].reduce((n, s) => n + s.responses, 0) : 0,
    notices: view ? [...view.notices.keys()] : [],
  }),
};
