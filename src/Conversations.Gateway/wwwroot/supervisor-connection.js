// The supervisor's WebSocket (GET /v1/supervise, docs/protocol.md): joins a conversation, carries the supervisor's
// commands and microphone, and when the conversation moves to another node (close 1013) or the network drops, joins
// again by itself, after the last transcript seq it saw.

// Close codes after which joining again cannot help: normal end, policy, unknown conversation, conversation ended.
const finalCloseCodes = new Set([1000, 1008, 4404, 4409]);
const backoffMs = [250, 500, 1000, 2000, 4000];
const maxAttempts = 10;

/**
 * Events (EventTarget): 'server-event' (detail: the parsed JSON event) and 'state' (detail: {state, attempt?, code?,
 * reason?, refused?}) with state connecting | open | reconnecting | closed.
 */
export class SupervisorConnection extends EventTarget {
  #token;
  #socket = null;
  #attempt = 0;
  #retryTimer = 0;
  #stopped = false;

  /** audio: none | user | assistant | both — which sides' audio the server sends. */
  constructor(token, conversationId, audio) {
    super();
    this.#token = token;
    this.conversationId = conversationId;
    this.audio = audio;
    this.lastSeq = 0;
    /** Every socket this connection opened, for the curious (and the tests): {url, opened, closeCode}. */
    this.history = [];
  }

  join() {
    this.#open();
  }

  get isOpen() {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Sends a supervisor command ({type: 'supervisor.take_over'} …). */
  send(command) {
    if (!this.isOpen) return false;
    this.#socket.send(JSON.stringify(command));
    return true;
  }

  /** Sends the supervisor's microphone: PCM16 mono 24 kHz, one binary frame. */
  sendAudio(pcm16) {
    if (!this.isOpen) return false;
    this.#socket.send(pcm16);
    return true;
  }

  /** Leaves the conversation for good. */
  leave() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#socket?.close(1000, 'supervisor left');
  }

  #open() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const query = new URLSearchParams({ conversation_id: this.conversationId, audio: this.audio, resume_from_seq: String(this.lastSeq) });
    const path = `/v1/supervise?${query}`;
    // Browsers cannot set headers on a WebSocket: the token travels as a subprotocol, as on the voice client's socket.
    const socket = new WebSocket(`${scheme}://${location.host}${path}`, ['realtime', `openai-insecure-api-key.${this.#token}`]);
    const record = { url: path, opened: false, closeCode: null };
    this.history.push(record);
    this.#socket = socket;
    this.#emit('state', { state: this.#attempt === 0 ? 'connecting' : 'reconnecting', attempt: this.#attempt });

    socket.onopen = () => {
      record.opened = true;
      this.#emit('state', { state: 'open' });
    };
    socket.onmessage = message => {
      if (typeof message.data !== 'string') return; // the server sends supervisors JSON only
      const event = JSON.parse(message.data);
      if (event.type === 'supervision.state') {
        this.#attempt = 0;
      } else if (event.type === 'conversations.transcript') {
        if (event.seq <= this.lastSeq) return;
        this.lastSeq = event.seq;
      }
      this.#emit('server-event', event);
    };
    socket.onclose = close => {
      record.closeCode = close.code;
      if (this.#socket !== socket) return;
      this.#socket = null;
      // Refused before the upgrade (403: not a supervisor) shows as a first socket that never opened: retrying cannot help.
      const refused = !record.opened && this.history.length === 1;
      const final = this.#stopped || finalCloseCodes.has(close.code) || refused || this.#attempt >= maxAttempts;
      if (final) {
        this.#emit('state', { state: 'closed', code: close.code, reason: close.reason, refused });
        return;
      }
      const delay = backoffMs[Math.min(this.#attempt, backoffMs.length - 1)] * (0.75 + Math.random() / 2);
      this.#attempt += 1;
      this.#emit('state', { state: 'reconnecting', attempt: this.#attempt, code: close.code, reason: close.reason });
      this.#retryTimer = setTimeout(() => this.#open(), delay);
    };
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
