// Server-Sent Events over fetch, so the request can carry the bearer token (EventSource cannot send headers).
// Follows the stream, and after a drop resumes after the last event id with Last-Event-ID.

const backoffMs = [500, 1000, 2000, 4000, 8000];

/**
 * Reads `url` as an event stream until `signal` aborts, calling onEvent({id, event, data}) for each event with data and
 * onState(state, detail) with 'open' | 'reconnecting' | 'unauthorized'. Returns when aborted or unauthorized.
 */
export async function followEventStream(url, { token, lastEventId = null, signal, onEvent, onState }) {
  let attempt = 0;
  while (!signal.aborted) {
    try {
      const target = new URL(url, location.href);
      if (lastEventId !== null) target.searchParams.set('after', lastEventId);
      const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
      if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch(target, { headers, signal, cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        onState('unauthorized', { status: response.status });
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      attempt = 0;
      onState('open', { lastEventId });
      for await (const event of parse(response.body, signal)) {
        if (event.id !== undefined) lastEventId = event.id;
        if (event.data !== null) onEvent(event);
      }
      throw new Error('the stream ended');
    } catch (e) {
      if (signal.aborted) return;
      const delay = backoffMs[Math.min(attempt++, backoffMs.length - 1)];
      onState('reconnecting', { error: e.message, attempt, lastEventId });
      await new Promise(resolve => setTimeout(resolve, delay));
    }
  }
}

/** Splits an SSE body into events: `id:`, `event:`, `data:` lines, ended by a blank line; `:` lines are comments. */
async function* parse(body, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const stop = () => reader.cancel().catch(() => {});
  signal.addEventListener('abort', stop, { once: true });
  let buffer = '';
  let event = { data: [] };
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        if (newline === buffer.length - 1 && buffer[newline] === '\r') break; // maybe half of \r\n
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          // An id without data still moves the resume point (the server opens with the cursor it starts from).
          if (event.data.length > 0 || event.id !== undefined) {
            yield { id: event.id, event: event.event ?? 'message', data: event.data.length > 0 ? event.data.join('\n') : null };
          }
          event = { data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') event.data.push(text);
        else if (field === 'id' && !text.includes('\0')) event.id = text;
        else if (field === 'event') event.event = text;
      }
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
