// The voice client page: sign in, pick a character, talk; live transcript, time left, emergency help, a sign that a
// person (a human counsellor) has joined, end and summary. A person's words arrive as a response like the AI's, and play so.
import { api, currentToken, mountSignIn } from './auth.js';
import { RealtimeConnection, fromBase64 } from './realtime.js';
import { openAudio } from './audio.js';

const $ = id => document.getElementById(id);

const endReasons = {
  user: 'You ended the conversation.',
  time_limit: 'The time for this conversation is up.',
  monthly_limit: 'This month’s minutes are used up.',
  cost_limit: 'This month’s budget is used up.',
  emergency: 'The conversation was closed for your safety. Please use the resources above.',
  upstream_error: 'The counsellor could not be reached.',
  idle: 'The conversation ended after a long silence.',
};

let call = null; // the conversation in progress, see startCall()
const currentKey = 'conversations.current'; // this tab's unfinished conversation, to resume after a reload

await mountSignIn($('sign-in'), {
  roles: ['user'],
  onSignedIn: showCharacters,
  onSignedOut: () => {
    hangUp();
    for (const id of ['setup', 'call', 'ended']) $(id).hidden = true;
  },
});

async function showCharacters() {
  const select = $('character');
  try {
    const { data } = await api('api/v1/characters');
    select.replaceChildren(...data.map(c => new Option(c.display_name, c.id)));
    const describe = () => ($('character-description').textContent = data.find(c => c.id === select.value)?.description ?? '');
    select.onchange = describe;
    describe();
    $('setup-error').textContent = '';
  } catch (e) {
    $('setup-error').textContent = `Could not load the characters: ${e.message}`;
  }
  $('setup').hidden = false;
  await offerResume();
}

/** After a reload: if this tab's last conversation is still open, offer to go back to it. */
async function offerResume() {
  const button = $('resume');
  button.hidden = true;
  const id = sessionStorage.getItem(currentKey);
  if (!id) return;
  try {
    const conversation = await api(`api/v1/conversations/${encodeURIComponent(id)}`);
    if (conversation.status === 'ended') throw new Error('ended');
    button.textContent = `Resume the conversation with ${$('character').querySelector(`option[value="${CSS.escape(conversation.character_id)}"]`)?.textContent ?? conversation.character_id}`;
    button.onclick = () => begin(() => startCall(null, conversation));
    button.hidden = false;
  } catch {
    sessionStorage.removeItem(currentKey);
  }
}

$('start').addEventListener('click', () => begin(() => startCall($('character').value)));

async function begin(starting) {
  $('start').disabled = $('resume').disabled = true;
  $('setup-error').textContent = '';
  try {
    await starting();
  } catch (e) {
    $('setup-error').textContent = `Could not start: ${e.message}`;
    hangUp();
  } finally {
    $('start').disabled = $('resume').disabled = false;
  }
}

$('end').addEventListener('click', async () => {
  if (!call?.connection.conversationId) return;
  $('end').disabled = true;
  try {
    await api(`api/v1/conversations/${encodeURIComponent(call.connection.conversationId)}/end`, { method: 'POST' });
    finish('user');
  } catch (e) {
    setState('error', `Could not end: ${e.message}`);
    $('end').disabled = false;
  }
});

$('say').addEventListener('submit', event => {
  event.preventDefault();
  const input = event.target.elements.text;
  if (input.value.trim() && say(input.value.trim())) input.value = '';
});

$('again').addEventListener('click', () => {
  $('ended').hidden = true;
  $('setup').hidden = false;
});

/** Starts a new conversation with the character, or goes back to an existing one (its whole transcript replayed). */
async function startCall(characterId, existing = null) {
  hangUp();
  const connection = new RealtimeConnection(currentToken());
  call = {
    connection,
    audio: null,
    itemId: null, // the assistant item whose audio is arriving
    responseActive: false,
    receivedByItem: new Map(),
    interrupted: new Set(),
    truncations: [],
    seqs: new Set(),
    maxDuration: null,
    used: { seconds: 0, at: performance.now() },
    emergencyLevel: 0,
    framesSent: 0,
    live: false,
    preroll: [], // microphone frames from before the conversation was live the first time
    ended: false,
    ticker: 0,
  };
  const current = call;
  current.audio = await openAudio(frame => sendMicrophone(current, frame));

  connection.addEventListener('state', e => onState(current, e.detail));
  connection.addEventListener('server-event', e => onServerEvent(current, e.detail));
  connection.addEventListener('audio', e => onAudio(current, e.detail));
  $('transcript').replaceChildren();
  $('call-error').textContent = '';
  $('say').hidden = false;
  $('cost').textContent = '';
  $('remaining').textContent = '';
  $('emergency').hidden = true;
  showHuman(null);
  $('end').disabled = false;
  $('setup').hidden = true;
  $('resume').hidden = true;
  $('ended').hidden = true;
  $('call').hidden = false;
  current.ticker = setInterval(() => render(current), 250);
  if (existing) {
    call.used = { seconds: Number(existing.used_seconds) || 0, at: performance.now() };
    connection.resume(existing.id, 0);
  } else {
    connection.start(characterId);
  }
}

function onState(current, { state, attempt, code, reason }) {
  if (current !== call || current.ended) return;
  if (state !== 'open') current.live = false;
  switch (state) {
    case 'connecting':
      setState('connecting', 'Connecting…');
      break;
    case 'open':
      setState('connecting', 'Connected, joining…');
      break;
    case 'reconnecting':
      setState('reconnecting', `Connection lost${code ? ` (${code})` : ''}; reconnecting${attempt > 1 ? ` (try ${attempt})` : ''}…`);
      break;
    case 'closed':
      if (code === 4404 || code === 4409) sessionStorage.removeItem(currentKey);
      setState('closed', `Disconnected${code ? ` (${code}${reason ? `: ${reason}` : ''})` : ''}.`);
      stopAudio(current);
      break;
  }
}

function onServerEvent(current, event) {
  if (current !== call) return;
  switch (event.type) {
    case 'conversations.started':
    case 'conversations.resumed':
      current.maxDuration = event.max_duration_seconds;
      if (event.type === 'conversations.started') current.used = { seconds: 0, at: performance.now() };
      sessionStorage.setItem(currentKey, event.conversation_id);
      setState('live', event.type === 'conversations.started' ? 'Live' : 'Live (resumed)');
      showHuman(null); // a person who still leads says so again, right after this
      current.live = true;
      for (const frame of current.preroll.splice(0)) sendMicrophone(current, frame);
      break;
    case 'conversations.transcript':
      addTranscriptLine(current, event);
      break;
    case 'conversations.quota':
      current.used = { seconds: event.used_seconds, at: performance.now() };
      if (typeof event.remaining_seconds === 'number') current.maxDuration = event.used_seconds + event.remaining_seconds;
      if (typeof event.cost_usd === 'number') $('cost').textContent = `$${event.cost_usd.toFixed(4)}`;
      break;
    case 'conversations.emergency':
      showEmergency(current, event);
      break;
    case 'conversations.human_joined':
      showHuman('joined');
      break;
    case 'conversations.human_left':
      showHuman('left');
      break;
    case 'conversations.ended':
      finish(event.reason, event.summary_pending);
      break;
    case 'response.created':
      current.responseActive = true;
      break;
    case 'response.output_item.added':
      if (event.item?.type === 'message' && event.item.role === 'assistant') current.itemId = event.item.id;
      break;
    case 'response.output_audio_transcript.delta':
    case 'response.content_part.added':
      current.itemId = event.item_id ?? current.itemId;
      break;
    case 'response.output_audio.delta':
      // Without the pcm16 subprotocol, audio comes base64 in JSON.
      current.itemId = event.item_id ?? current.itemId;
      onAudio(current, fromBase64(event.delta));
      break;
    case 'response.output_audio.done':
      current.audio?.player.complete();
      break;
    case 'response.done':
      current.responseActive = false;
      current.audio?.player.complete();
      break;
    case 'input_audio_buffer.speech_started':
      $('you').dataset.active = 'true';
      bargeIn(current);
      break;
    case 'input_audio_buffer.speech_stopped':
      $('you').dataset.active = 'false';
      break;
    case 'error':
      $('call-error').textContent = event.error?.message ?? 'The server reported an error.';
      break;
  }
}

/** Sends a 20 ms microphone frame. What the user says while the first connection opens is kept (up to 3 s) and sent once live. */
function sendMicrophone(current, frame) {
  if (current.live) {
    if (current.connection.sendAudio(frame)) current.framesSent += 1;
  } else if (current.connection.history.length <= 1 && current.preroll.length < 150) {
    current.preroll.push(frame);
  }
}

function onAudio(current, pcm16) {
  const itemId = current.itemId;
  if (!current.audio || current.interrupted.has(itemId)) return; // the rest of an interrupted answer
  current.receivedByItem.set(itemId, (current.receivedByItem.get(itemId) ?? 0) + pcm16.byteLength / 2);
  current.audio.player.enqueue(itemId, pcm16);
}

/** The user started speaking: silence the answer at once and tell the server how much of it was heard. */
async function bargeIn(current) {
  const itemId = current.itemId;
  const player = current.audio?.player;
  if (!player || !itemId || current.interrupted.has(itemId) || !current.receivedByItem.has(itemId)) return;
  const stillPlaying = player.active || current.responseActive || player.heardMs(itemId) * 24 < current.receivedByItem.get(itemId);
  if (!stillPlaying) return;
  current.interrupted.add(itemId);
  const stopped = await player.stop();
  const audioEndMs = stopped.itemId === itemId ? stopped.playedMs : 0;
  current.connection.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: audioEndMs });
  current.truncations.push({ item_id: itemId, audio_end_ms: audioEndMs, received_ms: Math.floor(current.receivedByItem.get(itemId) / 24) });
}

function say(text) {
  if (!call || call.ended) return false;
  bargeIn(call);
  if (call.responseActive) call.connection.send({ type: 'response.cancel' });
  const sent = call.connection.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  return sent && call.connection.send({ type: 'response.create' });
}

function addTranscriptLine(current, entry) {
  if (current.seqs.has(entry.seq)) return;
  current.seqs.add(entry.seq);
  const line = document.createElement('li');
  line.dataset.seq = entry.seq;
  line.dataset.role = entry.role;
  const who = document.createElement('span');
  who.className = 'speaker';
  who.textContent = entry.role === 'user' ? 'You' : entry.role === 'supervisor' ? 'Counsellor (a person)' : 'Counsellor';
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = entry.text;
  // Korean lines get lang="ko", so the browser picks Korean glyphs from the CJK font in the stack.
  if (/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/.test(entry.text)) text.lang = 'ko';
  line.append(who, text);
  const list = $('transcript');
  const after = [...list.children].find(li => Number(li.dataset.seq) > entry.seq);
  list.insertBefore(line, after ?? null);
  line.scrollIntoView({ block: 'nearest' });
}

function showEmergency(current, event) {
  if (event.level < current.emergencyLevel) return;
  current.emergencyLevel = event.level;
  const banner = $('emergency');
  banner.dataset.level = event.level;
  banner.dataset.category = event.category ?? '';
  $('emergency-message').textContent = event.message || 'You do not have to face this alone. Help is available right now.';
  $('emergency-resources').replaceChildren(
    ...(event.resources ?? []).map(r => {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = r.name;
      item.append(name);
      if (r.phone) {
        const phone = document.createElement('a');
        phone.href = `tel:${r.phone.replace(/[^\d+]/g, '')}`;
        phone.textContent = r.phone;
        item.append(' ', phone);
      }
      if (r.url && /^https?:\/\//.test(r.url)) {
        const link = document.createElement('a');
        link.href = r.url;
        link.rel = 'noopener noreferrer';
        link.target = '_blank';
        link.textContent = new URL(r.url).host;
        item.append(' ', link);
      }
      return item;
    }),
  );
  banner.hidden = false;
}

/** Shows that a human counsellor leads the conversation now ('joined'), has just handed back to the AI ('left'), or neither (null). */
function showHuman(state) {
  const element = $('human');
  element.dataset.takenOver = String(state === 'joined');
  element.textContent = {
    joined: 'A person has joined: a human counsellor is talking with you now.',
    left: 'The human counsellor has left; the AI counsellor continues.',
  }[state] ?? '';
}

function finish(reason, summaryPending) {
  const current = call;
  if (!current || current.ended) return;
  current.used = { seconds: usedSeconds(current), at: performance.now() }; // the clock stops here
  current.ended = true;
  sessionStorage.removeItem(currentKey);
  $('say').hidden = true;
  showHuman(null);
  current.connection.close();
  stopAudio(current);
  clearInterval(current.ticker);
  render(current);
  setState('ended', 'Ended');
  $('end').disabled = true;
  $('end-reason').textContent = endReasons[reason] ?? `Ended (${reason}).`;
  $('ended').hidden = false;
  showSummary(current.connection.conversationId, summaryPending);
}

async function showSummary(conversationId, summaryPending) {
  const summary = $('summary');
  summary.dataset.state = 'pending';
  summary.textContent = 'Waiting for the summary…';
  // The summary is written when the conversation ends; it may take a few seconds.
  const deadline = performance.now() + (summaryPending === false ? 5000 : 30000);
  while (performance.now() < deadline) {
    try {
      const conversation = await api(`api/v1/conversations/${encodeURIComponent(conversationId)}`);
      if (conversation.summary) {
        summary.dataset.state = 'ready';
        summary.textContent = conversation.summary;
        return;
      }
    } catch {
      // Try again until the deadline.
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  summary.dataset.state = 'missing';
  summary.textContent = 'No summary is available yet.';
}

function render(current) {
  const player = current.audio?.player;
  $('assistant').dataset.active = String(Boolean(player?.active));
  if (current.maxDuration === null) return;
  const left = Math.max(0, Math.round(current.maxDuration - usedSeconds(current)));
  const remaining = $('remaining');
  remaining.dataset.seconds = left;
  remaining.dataset.low = String(left <= 60);
  remaining.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`;
}

/** Seconds used: the server's last count plus the time since, until the conversation ends. */
function usedSeconds(current) {
  return current.used.seconds + (current.ended ? 0 : (performance.now() - current.used.at) / 1000);
}

function setState(state, text) {
  const element = $('state');
  element.dataset.state = state;
  element.textContent = text;
}

function stopAudio(current) {
  if (!current.audio || current.audioStopped) return;
  current.audioStopped = true;
  current.audio.microphone.stop();
  current.audio.player.stop();
  current.audio.context.close();
}

function hangUp() {
  if (!call) return;
  const current = call;
  clearInterval(current.ticker);
  if (!current.ended) current.connection.close();
  stopAudio(current);
  current.audio = null;
  call = null;
}

// A small read-only window into the client, for debugging in the console and for the browser tests.
window.voiceClient = {
  stats: () => ({
    conversationId: call?.connection.conversationId ?? null,
    lastSeq: call?.connection.lastSeq ?? 0,
    binaryAudio: call?.connection.binaryAudio ?? false,
    connections: call?.connection.history.map(h => ({ ...h })) ?? [],
    framesCaptured: call?.audio?.microphone.framesCaptured ?? 0,
    framesSent: call?.framesSent ?? 0,
    receivedSamples: call?.audio?.player.receivedSamples ?? 0,
    playedSamples: call?.audio?.player.playedSamples ?? 0,
    bufferedSamples: call?.audio?.player.bufferedSamples ?? 0,
    truncations: call?.truncations.map(t => ({ ...t })) ?? [],
    heardItemId: call?.audio?.player.heard.itemId ?? null,
    heardMsByItem: Object.fromEntries([...(call?.audio?.player.heardByItem ?? [])].map(([id, n]) => [id, Math.floor(n / 24)])),
    ended: call?.ended ?? false,
  }),
  /** Drops the socket as a lost network would; the client reconnects and resumes. */
  drop: code => call?.connection.drop(code),
  say: text => say(text),
};
