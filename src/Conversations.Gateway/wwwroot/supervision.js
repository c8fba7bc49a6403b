// A supervisor in one conversation, on the dashboard: its transcript live (both sides, and supervisors by name), both
// sides' audio mixed, who leads; take over, say, speak through the microphone, hand back, leave; the audit trail.
import { api, claims } from './auth.js';
import { Microphone, Player, captureMicrophone, openContext } from './audio.js';
import { fromBase64 } from './realtime.js';
import { SupervisorConnection } from './supervisor-connection.js';

const $ = id => document.getElementById(id);
const sources = ['user', 'assistant', 'supervisor'];
const quietMs = 250; // a source quiet this long has ended its turn: play out what is buffered
const auditDelayMs = 300;

const closeReasons = {
  4404: 'There is no such conversation (any more).',
  4409: 'The conversation has ended.',
  1008: 'The server closed the supervision (policy).',
};

const handBackReasons = {
  handed_back: 'handed back to the AI',
  supervisor_gone: 'was gone too long: the AI leads again',
};

let session = null; // the conversation supervised now, see join()

/** Joins a conversation (leaving the one supervised before); call from a click, so the browser lets its audio play. */
export async function join(token, conversationId) {
  leave();
  const connection = new SupervisorConnection(token, conversationId, 'both');
  session = {
    connection,
    conversationId,
    me: claims(token).sub,
    state: null,
    closed: false,
    context: null,
    players: null, // source → Player: one per source, mixed by the audio context
    quiet: {}, // source → timer that ends its turn
    microphone: null,
    framesSent: 0,
    lines: new Map(), // transcript seq → text, shown once each
    errors: [],
    audit: [],
    auditTimer: 0,
  };
  const current = session;
  $('supervision-transcript').replaceChildren();
  $('supervision-audit').replaceChildren();
  $('supervision-error').textContent = '';
  $('supervision-who').textContent = conversationId;
  $('supervision').hidden = false;
  render(current);
  try {
    current.context = await openContext();
    current.players = Object.fromEntries(sources.map(source => [source, new Player(current.context)]));
  } catch (e) {
    showError(current, `Audio is unavailable here (${e.message}); the transcript still follows.`);
  }
  if (current !== session) {
    current.context?.close(); // left (or joined another) while the audio opened
    return;
  }
  connection.addEventListener('state', e => onState(current, e.detail));
  connection.addEventListener('server-event', e => onServerEvent(current, e.detail));
  connection.join();
  $('supervision').scrollIntoView({ block: 'nearest' });
}

/** Leaves the conversation supervised now, if any, and hides the panel. */
export function leave() {
  const current = session;
  if (!current) return;
  session = null;
  stopMicrophone(current, false);
  current.connection.leave();
  clearTimeout(current.auditTimer);
  Object.values(current.quiet).forEach(clearTimeout);
  current.context?.close();
  $('supervision').hidden = true;
}

/** The conversation supervised now, or null. */
export function supervising() {
  return session?.conversationId ?? null;
}

/** The supervisors' feed said something happened in a conversation's supervision: its audit trail changed. */
export function onSupervisionFeedEvent(conversationId) {
  if (session?.conversationId === conversationId) refreshAuditSoon(session);
}

function onState(current, { state, attempt, code, reason, refused }) {
  if (current !== session) return;
  switch (state) {
    case 'connecting':
      setConnection('connecting', 'Joining…');
      break;
    case 'open':
      setConnection('connecting', 'Connected, joining…');
      break;
    case 'reconnecting':
      // 1013: the conversation moves to another node; the lead waits for its supervisor to come back.
      setConnection('reconnecting', `Connection lost${code ? ` (${code})` : ''}; joining again${attempt > 1 ? ` (try ${attempt})` : ''}…`);
      stopMicrophone(current, false);
      break;
    case 'closed':
      current.closed = true;
      stopMicrophone(current, false);
      setConnection('closed', refused
        ? 'Could not join: the server refused (a supervisor token is needed) or cannot be reached.'
        : `Left${code && code !== 1000 ? ` (${code}${reason ? `: ${reason}` : ''})` : ''}. ${closeReasons[code] ?? ''}`.trim());
      if (code in closeReasons || refused) showError(current, $('supervision-connection').textContent);
      break;
  }
  render(current);
}

function onServerEvent(current, event) {
  if (current !== session) return;
  switch (event.type) {
    case 'supervision.state':
      current.state = event;
      setConnection('live', 'Live');
      if (event.led_by !== current.me) stopMicrophone(current, false); // the lead is gone: the microphone has no one to reach
      refreshAuditSoon(current);
      render(current);
      break;
    case 'conversations.transcript':
      addTranscriptLine(current, event);
      break;
    case 'supervision.audio':
      play(current, event.source, event.audio);
      break;
    case 'error':
      showError(current, `${event.error?.message ?? 'The server reported an error.'}${event.error?.code ? ` (${event.error.code})` : ''}`);
      break;
  }
}

/** Queues a source's audio on its own player; the audio context mixes the players. */
function play(current, source, base64) {
  const player = current.players?.[source];
  // Your own voice back in your ears is an echo: while you speak, the supervisors' source is the microphone itself.
  if (!player || (source === 'supervisor' && current.microphone)) return;
  player.enqueue(source, fromBase64(base64));
  clearTimeout(current.quiet[source]);
  current.quiet[source] = setTimeout(() => player.complete(), quietMs);
}

function leading(current) {
  return !current.closed && current.connection.isOpen && current.state?.led_by === current.me;
}

function command(current, type, fields = {}) {
  $('supervision-error').textContent = '';
  if (!current.connection.send({ type, event_id: `evt_${crypto.randomUUID()}`, ...fields })) {
    showError(current, 'Not connected to the conversation right now.');
    return false;
  }
  return true;
}

$('take-over').addEventListener('click', () => session && command(session, 'supervisor.take_over'));
$('hand-back').addEventListener('click', () => {
  if (!session) return;
  stopMicrophone(session, true);
  command(session, 'supervisor.hand_back');
});
$('leave').addEventListener('click', () => leave());
$('microphone').addEventListener('click', () => session && toggleMicrophone(session));
$('supervisor-say').addEventListener('submit', event => {
  event.preventDefault();
  const input = $('supervisor-say-text');
  const text = input.value.trim();
  if (session && text && command(session, 'supervisor.say', { text })) input.value = '';
});

/** The microphone, while leading: 20 ms PCM16 frames to the user as they come; stopping it ends the spoken turn. */
async function toggleMicrophone(current) {
  if (current.microphone) {
    stopMicrophone(current, true);
    render(current);
    return;
  }
  const button = $('microphone');
  button.disabled = true;
  try {
    const stream = await captureMicrophone();
    if (current !== session || !leading(current) || !current.context) {
      stream.getTracks().forEach(t => t.stop());
      return;
    }
    current.microphone = new Microphone(current.context, stream, frame => {
      if (leading(current) && current.connection.sendAudio(frame)) current.framesSent += 1;
    });
  } catch (e) {
    showError(current, `Could not open the microphone: ${e.message}`);
  } finally {
    render(current);
  }
}

function stopMicrophone(current, endTurn) {
  if (!current.microphone) return;
  current.microphone.stop();
  current.microphone = null;
  if (endTurn) command(current, 'supervisor.audio.done');
}

function addTranscriptLine(current, entry) {
  if (current.lines.has(entry.seq)) return;
  current.lines.set(entry.seq, entry.text);
  const line = document.createElement('li');
  line.dataset.seq = entry.seq;
  line.dataset.role = entry.role;
  if (entry.speaker_id) line.dataset.speakerId = entry.speaker_id;
  const who = document.createElement('span');
  who.className = 'speaker';
  who.textContent = speaker(current, entry);
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = entry.text;
  if (/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/.test(entry.text)) text.lang = 'ko';
  line.append(who, text);
  const list = $('supervision-transcript');
  const after = [...list.children].find(li => Number(li.dataset.seq) > entry.seq);
  list.insertBefore(line, after ?? null);
  line.scrollIntoView({ block: 'nearest' });
  if (current.audit.some(a => a.action === 'say' && Number(a.detail) === entry.seq)) renderAudit(current); // its words, now known
}

function speaker(current, entry) {
  switch (entry.role) {
    case 'user':
      return current.state?.user_id ? `Caller · ${current.state.user_id}` : 'Caller';
    case 'assistant':
      return current.state?.character_id ? `AI · ${current.state.character_id}` : 'AI';
    case 'supervisor':
      return `Supervisor · ${entry.speaker_id ?? 'unknown'}${entry.speaker_id === current.me ? ' (you)' : ''}`;
    default:
      return entry.role;
  }
}

/** Refetches the audit trail soon, once for a burst of changes (it is written just after the change it records). */
function refreshAuditSoon(current) {
  clearTimeout(current.auditTimer);
  current.auditTimer = setTimeout(async () => {
    try {
      const view = await api(`api/v1/conversations/${encodeURIComponent(current.conversationId)}/supervision`);
      if (current !== session) return;
      current.audit = view.audit;
      renderAudit(current);
    } catch (e) {
      if (current === session) showError(current, `Could not load the audit trail: ${e.message}`);
    }
  }, auditDelayMs);
}

function renderAudit(current) {
  $('supervision-audit').replaceChildren(...current.audit.map(entry => {
    const li = document.createElement('li');
    li.dataset.action = entry.action;
    li.dataset.supervisorId = entry.supervisor_id;
    const when = document.createElement('time');
    when.dateTime = entry.at;
    when.textContent = new Date(entry.at).toLocaleTimeString();
    const what = document.createElement('span');
    what.textContent = ` ${entry.supervisor_id} ${describe(current, entry)}`;
    li.append(when, what);
    return li;
  }));
}

/** An audit entry in words; its detail depends on the action (docs/protocol.md). */
function describe(current, { action, detail }) {
  switch (action) {
    case 'join':
      return `joined (audio: ${detail ?? 'none'})`;
    case 'take_over':
      return 'took over';
    case 'say': {
      const text = current.lines.get(Number(detail));
      return text === undefined ? `said transcript line ${detail}` : `said “${text}”`;
    }
    case 'speak':
      return `used the microphone ${detail ?? ''}`.trim();
    case 'hand_back':
      return handBackReasons[detail] ?? 'handed back';
    case 'leave':
      return 'left';
    default:
      return `${action}${detail ? ` (${detail})` : ''}`;
  }
}

function render(current) {
  const state = current.state;
  const panel = $('supervision-state');
  panel.dataset.ledBy = state?.led_by ?? '';
  panel.dataset.level = state?.emergency_level ?? 0;
  if (state) {
    $('supervision-who').textContent = `${state.user_id} · ${state.character_id}`;
    $('supervision-level').textContent = state.emergency_level
      ? `Level ${state.emergency_level}${state.emergency_category ? ` · ${state.emergency_category}` : ''}`
      : 'None';
    $('supervision-led-by').textContent = state.led_by === null ? 'The AI' : state.led_by === current.me ? 'You' : state.led_by;
    $('supervision-supervisors').textContent = state.supervisors.join(', ') || '—';
    $('supervision-attached').textContent = state.user_attached ? 'Connected' : 'Not connected (the conversation waits for them)';
  }
  const live = !current.closed && current.connection.isOpen && state !== null;
  const lead = leading(current);
  $('take-over').disabled = !live || state.led_by !== null;
  $('hand-back').disabled = !lead;
  $('microphone').disabled = !lead || !current.context;
  $('microphone').setAttribute('aria-pressed', String(current.microphone !== null));
  for (const element of $('supervisor-say').elements) element.disabled = !lead;
  $('leave').textContent = current.closed ? 'Close' : 'Leave';
}

function setConnection(state, text) {
  $('supervision-state').dataset.connection = state;
  $('supervision-connection').textContent = text;
}

function showError(current, text) {
  current.errors.push(text);
  $('supervision-error').textContent = text;
}

// A read-only window into the supervision, for debugging in the console and for the browser tests.
window.supervision = {
  stats: () => ({
    conversationId: session?.conversationId ?? null,
    lastSeq: session?.connection.lastSeq ?? 0,
    connections: session?.connection.history.map(h => ({ ...h })) ?? [],
    state: session?.state ? { ...session.state } : null,
    receivedSamples: Object.fromEntries(sources.map(s => [s, session?.players?.[s].receivedSamples ?? 0])),
    playedSamples: Object.fromEntries(sources.map(s => [s, session?.players?.[s].playedSamples ?? 0])),
    microphone: Boolean(session?.microphone),
    framesSent: session?.framesSent ?? 0,
    errors: [...(session?.errors ?? [])],
  }),
};
