// The client WebSocket of PROTOCOL.md §1: connects, carries JSON events and binary PCM16, and after a drop
// reconnects by itself to the same conversation, resuming after the last transcript seq it saw.

export const binaryAudioSubprotocol = 'conversations.pcm16';

// Close codes after which reconnecting cannot help: normal end, policy, unknown conversation, conversation ended.
const finalCloseCodes = new Set([1000, 1008, 4404, 4409]);
const backoffMs = [250, 500, 1000, 2000, 4000, 8000];
const maxAttempts = 12;

/**
 * Events (EventTarget): 'server-event' (detail: the parsed JSON event), 'audio' (detail: ArrayBuffer of PCM16),
 * 'state' (detail: {state, attempt?, code?, reason?}) with state connecting | open | reconnecting | closed.
 */
export class RealtimeConnection extends EventTarget {
  #token;
  #socket = null;
  #attempt = 0;
  #retryTimer = 0;
  #stopped = false;
  #dropped = null;

  constructor(token) {
    super();
    this.#token = token;
    this.conversationId = null;
    this.lastSeq = 0;
    this.binaryAudio = false;
    /** Every socket this connection opened, for the curious (and the tests): {url, protocol, closeCode, dropped}. */
    this.history = [];
  }

  /** Starts a new conversation with the character. */
  start(characterId) {
    this.#open(`model=${encodeURIComponent(characterId)}`);
  }

  /** Attaches to an existing conversation, replaying what came after lastSeq. */
  resume(conversationId, lastSeq) {
    this.conversationId = conversationId;
    this.lastSeq = lastSeq;
    this.#open(this.#resumeQuery());
  }

  get isOpen() {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  send(event) {
    if (!this.isOpen) return false;
    this.#socket.send(JSON.stringify(event));
    return true;
  }

  /** Sends PCM16 mono 24 kHz: a binary frame with the pcm16 subprotocol, otherwise base64 in an append event. */
  sendAudio(pcm16) {
    if (!this.isOpen) return false;
    if (this.binaryAudio) {
      this.#socket.send(pcm16);
      return true;
    }
    return this.send({ type: 'input_audio_buffer.append', audio: toBase64(pcm16) });
  }

  /** Closes the socket without ending the conversation, as a lost network would: the connection comes back by itself. */
  drop(code = 4000) {
    this.#dropped = this.#socket;
    this.#socket?.close(code, 'dropped by the client');
  }

  /** Closes for good (the conversation itself is ended over REST). */
  close() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#socket?.close(1000, 'client closed');
  }

  #resumeQuery() {
    return `conversation_id=${encodeURIComponent(this.conversationId)}&resume_from_seq=${this.lastSeq}`;
  }

  #open(query) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/v1/realtime?${query}`;
    const socket = new WebSocket(url, ['realtime', `openai-insecure-api-key.${this.#token}`, binaryAudioSubprotocol]);
    socket.binaryType = 'arraybuffer';
    const record = { url: url.replace(/^wss?:\/\/[^/]+/, ''), protocol: null, closeCode: null, dropped: false };
    this.history.push(record);
    this.#socket = socket;
    this.#emit('state', { state: this.#attempt === 0 ? 'connecting' : 'reconnecting', attempt: this.#attempt });

    socket.onopen = () => {
      record.protocol = socket.protocol;
      this.binaryAudio = socket.protocol === binaryAudioSubprotocol;
      this.#emit('state', { state: 'open' });
    };
    socket.onmessage = message => {
      if (typeof message.data !== 'string') {
        this.#emit('audio', message.data);
        return;
      }
      const event = JSON.parse(message.data);
      if (event.type === 'conversations.started' || event.type === 'conversations.resumed') {
        this.conversationId = event.conversation_id;
        this.#attempt = 0;
      } else if (event.type === 'conversations.transcript') {
        // Replayed entries may repeat after a race; the page shows each seq once.
        if (event.seq <= this.lastSeq) return;
        this.lastSeq = event.seq;
      }
      this.#emit('server-event', event);
    };
    socket.onclose = close => {
      const dropped = this.#dropped === socket;
      record.closeCode = close.code;
      record.dropped = dropped;
      if (this.#socket !== socket) return;
      this.#socket = null;
      // The server answers a client's close with its own code, so a deliberate drop is recognised by the socket, not the code.
      const final = this.#stopped || (!dropped && finalCloseCodes.has(close.code)) || !this.conversationId || this.#attempt >= maxAttempts;
      if (final) {
        this.#emit('state', { state: 'closed', code: close.code, reason: close.reason });
        return;
      }
      const delay = backoffMs[Math.min(this.#attempt, backoffMs.length - 1)] * (0.75 + Math.random() / 2);
      this.#attempt += 1;
      this.#emit('state', { state: 'reconnecting', attempt: this.#attempt, code: close.code, reason: close.reason });
      this.#retryTimer = setTimeout(() => this.#open(this.#resumeQuery()), delay);
    };
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** Base64 PCM16 (the JSON audio delta) to an ArrayBuffer. */
export function fromBase64(text) {
  return Uint8Array.from(atob(text), c => c.charCodeAt(0)).buffer;
}
