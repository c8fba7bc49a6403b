// The operations dashboard: live conversations, alerts, latency and cost. It loads one snapshot, then keeps its view
// from the cluster-wide event stream (every node's conversations), resuming after the last cursor when it drops.
import { api, ApiError, currentToken, mountSignIn } from './auth.js';
import { followEventStream } from './event-stream.js';

const $ = id => document.getElementById(id);
const panels = ['live-panel', 'alerts-panel', 'cost-panel', 'ttfa-panel', 'relay-panel'];
const ttfaBuckets = [250, 500, 750, 1000, 1500, 2000, 3000]; // upper bounds, ms; one more bucket above the last
const relayBuckets = [0.5, 1, 2, 5, 10, 20, 50];
const costHours = 12;

let view = null;

await mountSignIn($('sign-in'), {
  roles: ['supervisor'],
  onSignedIn: open,
  onSignedOut: close,
});

function emptyView() {
  return {
    stop: new AbortController(),
    conversations: new Map(), // conversation_id → row
    ended: new Set(), // ended ids, so a late snapshot cannot bring one back
    alerts: new Map(), // alert_id → alert
    ttfa: [],
    relayP50: [],
    relayP95: [],
    costByHour: new Map(), // hour start (ms) → dollars
    cursor: null,
    events: 0,
    ticker: 0,
  };
}

async function open(token) {
  close();
  view = emptyView();
  const current = view;
  $('dashboard-error').hidden = true;
  for (const id of panels) $(id).hidden = false;
  current.ticker = setInterval(() => renderConversations(current), 1000);

  // Follow the stream first and load the snapshot meanwhile: what changes in between arrives as events.
  followEventStream('api/v1/dashboard/events', {
    token,
    signal: current.stop.signal,
    onEvent: event => onFeedEvent(current, event),
    onState: (state, detail) => onFeedState(current, state, detail),
  });
  try {
    const [conversations, alerts] = await Promise.all([api('api/v1/dashboard/conversations'), api('api/v1/alerts?status=open')]);
    for (const row of conversations.data) {
      if (!current.ended.has(row.conversation_id)) upsertConversation(current, row.conversation_id, row);
    }
    for (const alert of alerts.data) {
      if (!current.alerts.has(alert.alert_id)) current.alerts.set(alert.alert_id, alert);
    }
    render(current);
  } catch (e) {
    showError(e instanceof ApiError && (e.status === 401 || e.status === 403)
      ? 'This page needs a supervisor token.'
      : `Could not load the dashboard: ${e.message}`);
  }
}

function close() {
  if (!view) return;
  view.stop.abort();
  clearInterval(view.ticker);
  view = null;
  for (const id of panels) $(id).hidden = true;
  setFeedState('idle', '');
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
  // The node that wrote the event is the one hosting the conversation now (it moves on failover).
  const live = values => !current.ended.has(id) && upsertConversation(current, id, { node_id: event.node_id, ...values });
  switch (event.kind) {
    case 'started':
    case 'resumed':
      current.ended.delete(id);
      live({ character_id: p.character_id, user_id: p.user_id, started_at: p.started_at ?? event.at, status: 'active' });
      break;
    case 'detached':
      live({ status: 'detached' });
      break;
    case 'quota':
      live({ used_seconds: p.used_seconds, cost_usd: p.cost_usd });
      break;
    case 'emergency':
      live({ emergency_level: p.level, emergency_category: p.category });
      break;
    case 'ended':
      current.ended.add(id);
      current.conversations.delete(id);
      break;
    case 'alert':
      if (!current.alerts.has(p.alert_id)) {
        const row = current.conversations.get(id);
        current.alerts.set(p.alert_id, {
          alert_id: p.alert_id, conversation_id: id, user_id: p.user_id ?? row?.user_id ?? null, level: p.level, category: p.category,
          excerpt: p.excerpt, created_at: p.created_at ?? event.at, status: p.status ?? 'open',
        });
      }
      break;
    case 'alert_acknowledged': {
      const alert = current.alerts.get(p.alert_id);
      if (alert) Object.assign(alert, { status: 'acknowledged', acknowledged_by: p.by });
      break;
    }
    case 'latency':
      if (typeof p.time_to_first_audio_ms === 'number') current.ttfa.push(p.time_to_first_audio_ms);
      if (typeof p.relay_ms_p50 === 'number') current.relayP50.push(p.relay_ms_p50);
      if (typeof p.relay_ms_p95 === 'number') current.relayP95.push(p.relay_ms_p95);
      break;
    case 'usage': {
      const hour = Math.floor(Date.parse(event.at) / 3_600_000) * 3_600_000;
      current.costByHour.set(hour, (current.costByHour.get(hour) ?? 0) + (p.dollars ?? 0));
      live({ cost_usd: p.cost_usd });
      break;
    }
  }
  render(current);
}

function upsertConversation(current, id, values) {
  const row = current.conversations.get(id) ?? { conversation_id: id, emergency_level: 0, cost_usd: 0, used_seconds: 0 };
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    row[key] = key === 'emergency_level' ? Math.max(row.emergency_level ?? 0, value) : value;
  }
  current.conversations.set(id, row);
  return row;
}

function render(current) {
  renderConversations(current);
  renderAlerts(current);
  renderCost(current);
  renderHistogram($('ttfa'), $('ttfa-summary'), current.ttfa, ttfaBuckets, 'ms');
  // One sample per response: the p95 of its relayed frames (gateway → client); the summary adds the typical p50.
  renderHistogram($('relay'), $('relay-summary'), current.relayP95, relayBuckets, 'ms', current.relayP50.length ? `p50 median ${median(current.relayP50)} ms · p95` : '');
}

function renderConversations(current) {
  const rows = [...current.conversations.values()].sort((a, b) => (b.emergency_level - a.emergency_level) || String(a.started_at).localeCompare(String(b.started_at)));
  $('live').replaceChildren(...rows.map(row => {
    const tr = document.createElement('tr');
    tr.dataset.conversationId = row.conversation_id;
    tr.dataset.emergencyLevel = row.emergency_level ?? 0;
    const started = Date.parse(row.started_at);
    const seconds = Number.isNaN(started) ? row.used_seconds : Math.max(0, (Date.now() - started) / 1000);
    cells(tr, [
      ['character', row.character_id ?? '—'],
      ['user', row.user_id ?? '—'],
      ['duration', duration(seconds)],
      ['cost', `$${Number(row.cost_usd ?? 0).toFixed(4)}`],
      ['emergency', row.emergency_level ? `Level ${row.emergency_level}${row.emergency_category ? ` · ${row.emergency_category}` : ''}` : '—'],
      ['node', row.node_id ?? '—'],
      ['status', row.status ?? 'active'],
    ]);
    return tr;
  }));
  $('live-empty').hidden = rows.length > 0;
  $('live-count').textContent = rows.length ? `(${rows.length})` : '';
}

function renderAlerts(current) {
  const alerts = [...current.alerts.values()].sort((a, b) => (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1) || String(b.created_at).localeCompare(String(a.created_at)));
  $('alerts').replaceChildren(...alerts.map(alert => {
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
  const open = alerts.filter(a => a.status === 'open').length;
  $('alerts-empty').hidden = alerts.length > 0;
  $('alerts-count').textContent = open ? `(${open} open)` : '';
}

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

function renderCost(current) {
  const now = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const hours = Array.from({ length: costHours }, (_, i) => now - (costHours - 1 - i) * 3_600_000);
  const values = hours.map(h => current.costByHour.get(h) ?? 0);
  const max = Math.max(...values);
  $('cost-empty').hidden = max > 0;
  $('cost-per-hour').replaceChildren(...(max > 0 ? hours.map((h, i) =>
    bar(new Date(h).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), values[i] / max, `$${values[i].toFixed(4)}`)) : []));
}

function renderHistogram(container, summary, samples, bounds, unit, prefix = '') {
  const counts = new Array(bounds.length + 1).fill(0);
  for (const s of samples) counts[bounds.findIndex(b => s < b) === -1 ? bounds.length : bounds.findIndex(b => s < b)] += 1;
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
    tr.append(td);
  }
}

function duration(seconds) {
  const s = Math.floor(seconds ?? 0);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
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
    conversations: view ? [...view.conversations.values()].map(r => ({ ...r })) : [],
    alerts: view ? [...view.alerts.values()].map(a => ({ ...a })) : [],
    ttfaSamples: view?.ttfa.length ?? 0,
    relaySamples: view?.relayP95.length ?? 0,
  }),
};
