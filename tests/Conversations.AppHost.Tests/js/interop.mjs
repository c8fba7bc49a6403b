// The official OpenAI JavaScript SDK, unmodified, against a local run over wss:// (trusting the run's certificate
// through NODE_EXTRA_CA_CERTS): a typed turn, a spoken turn streamed at real-time pace, then each transcript over REST.
// usage: node interop.mjs <https base url, e.g. https://localhost:5001/v1> <token> <character> <pcm16 24 kHz file>
// Prints one JSON object with what it saw; exits non-zero on any failure.
import { readFile } from 'node:fs/promises';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

const [baseURL, token, character, pcmFile] = process.argv.slice(2);
const client = new OpenAI({ apiKey: token, baseURL });
const deadline = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref());

// Opens a session and records its events; `until(type, predicate)` waits for the first matching one not yet taken.
async function session() {
  const rt = new OpenAIRealtimeWS({ model: character }, client);
  const events = [];
  const waiters = [];
  rt.on('event', (event) => {
    events.push(event);
    for (const waiter of [...waiters]) waiter();
  });
  rt.on('error', (error) => events.push({ type: 'sdk.error', message: String(error?.message ?? error) }));
  await Promise.race([new Promise((resolve, reject) => { rt.socket.once('open', resolve); rt.socket.once('error', reject); }), deadline(15000, 'the socket to open')]);
  const taken = new Set();
  const until = (type, predicate = () => true, ms = 45000) => Promise.race([
    new Promise((resolve) => {
      const check = () => {
        const index = events.findIndex((e, i) => !taken.has(i) && e.type === type && predicate(e));
        if (index < 0) return false;
        taken.add(index);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(events[index]);
        return true;
      };
      waiters.push(check);
      check();
    }),
    deadline(ms, `${type} (seen: ${events.map((e) => e.type).join(', ')})`),
  ]);
  return { rt, events, until };
}

async function transcript(conversationId) {
  const response = await fetch(`${baseURL}/../api/v1/conversations/${conversationId}/transcript`.replace('/v1/../', '/'), {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`transcript: HTTP ${response.status}`);
  return (await response.json()).data.map((entry) => ({ seq: entry.seq, role: entry.role, text: entry.text }));
}

const audioBytes = (events) => events.filter((e) => e.type === 'response.output_audio.delta').reduce((sum, e) => sum + Buffer.from(e.delta, 'base64').length, 0);

// A typed turn.
const typed = await session();
const started = await typed.until('conversations.started');
typed.rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'How much water should I drink every day?' }] } });
typed.rt.send({ type: 'response.create' });
const said = await typed.until('response.output_audio_transcript.done');
await typed.until('response.done');
await typed.until('conversations.transcript', (e) => e.role === 'assistant');
typed.rt.close();

// A spoken turn: PCM16 mono 24 kHz in 20 ms appends at real-time pace, with silence around it for the server VAD.
const spoken = await session();
const spokenStarted = await spoken.until('conversations.started');
const speech = await readFile(pcmFile);
const silence = (ms) => Buffer.alloc((24000 * 2 * ms) / 1000);
const audio = Buffer.concat([silence(400), speech, silence(1200)]);
const chunk = 960;
const clock = Date.now();
for (let offset = 0, n = 1; offset < audio.length; offset += chunk, n++) {
  spoken.rt.send({ type: 'input_audio_buffer.append', audio: audio.subarray(offset, offset + chunk).toString('base64') });
  const due = clock + n * 20 - Date.now();
  if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
}
const heard = await spoken.until('conversation.item.input_audio_transcription.completed');
await spoken.until('response.done');
await spoken.until('conversations.transcript', (e) => e.role === 'assistant');
spoken.rt.close();

console.log(JSON.stringify({
  typed: { conversation_id: started.conversation_id, answer: said.transcript, audio_bytes: audioBytes(typed.events), transcript: await transcript(started.conversation_id) },
  spoken: { conversation_id: spokenStarted.conversation_id, heard: heard.transcript, audio_bytes: audioBytes(spoken.events), transcript: await transcript(spokenStarted.conversation_id) },
}));
process.exit(0);
