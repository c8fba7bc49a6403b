// Page halves of the microphone and the player: one AudioContext at 24 kHz (PCM16 mono, the wire format).

export const sampleRate = 24000;
const frameSamples = sampleRate / 50; // 20 ms
const prebufferSamples = sampleRate / 10; // 100 ms of jitter buffer

/** Opens the audio context and the microphone; call from a click, so the browser lets audio start. */
export async function openAudio(onMicrophoneFrame) {
  const stream = await captureMicrophone();
  let context = null;
  try {
    context = await openContext();
    return { context, microphone: new Microphone(context, stream, onMicrophoneFrame), player: new Player(context) };
  } catch (e) {
    stream.getTracks().forEach(t => t.stop());
    await context?.close();
    throw e;
  }
}

/** The audio context with the worklets loaded, for players (and a microphone later, if one is wanted); call from a click. */
export async function openContext() {
  const context = new AudioContext({ sampleRate, latencyHint: 'interactive' });
  try {
    await context.audioWorklet.addModule('pages/audio-worklets.js');
    await context.resume();
    return context;
  } catch (e) {
    await context.close();
    throw e;
  }
}

/** The microphone's stream, for a Microphone. */
export function captureMicrophone() {
  // Echo cancellation keeps the counsellor's own voice from interrupting it; gain control and noise suppression
  // are off because, while they adapt, they garble the first words the recogniser hears.
  return navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false },
  });
}

/** Microphone → PCM16 frames of 20 ms, handed to onFrame(ArrayBuffer). */
export class Microphone {
  #stream;
  #source;
  #node;

  constructor(context, stream, onFrame) {
    this.#stream = stream;
    this.#source = context.createMediaStreamSource(stream);
    this.#node = new AudioWorkletNode(context, 'pcm16-capture', { processorOptions: { frameSamples }, numberOfOutputs: 1 });
    this.framesCaptured = 0;
    this.#node.port.onmessage = ({ data }) => {
      this.framesCaptured += 1;
      if (!this.muted) onFrame(data);
    };
    this.muted = false;
    this.#source.connect(this.#node);
    // The capture node outputs silence; connecting it keeps the graph pulling it.
    this.#node.connect(context.destination);
  }

  get label() {
    return this.#stream.getAudioTracks()[0]?.label ?? '';
  }

  stop() {
    this.#node.port.onmessage = null; // frames the worklet posted before the stop are not handed on after it
    this.#stream.getTracks().forEach(t => t.stop());
    this.#source.disconnect();
    this.#node.disconnect();
  }
}

/** Assistant audio through a small jitter buffer; tracks how much of each response item was actually heard. */
export class Player {
  #node;
  #nextStop = 0;
  #pendingStops = new Map();

  constructor(context) {
    this.#node = new AudioWorkletNode(context, 'pcm16-player', { processorOptions: { prebufferSamples }, outputChannelCount: [1] });
    this.#node.connect(context.destination);
    this.#node.port.onmessage = ({ data }) => this.#receive(data);
    this.playedSamples = 0;
    this.bufferedSamples = 0;
    this.receivedSamples = 0;
    this.heard = { itemId: null, samples: 0 };
    this.heardByItem = new Map(); // item id → samples heard of it
  }

  /** Queues PCM16 (an ArrayBuffer, handed over) of the given response item. */
  enqueue(itemId, pcm16) {
    this.receivedSamples += pcm16.byteLength / 2;
    this.bufferedSamples += pcm16.byteLength / 2;
    this.#node.port.postMessage({ type: 'audio', itemId, pcm: pcm16 }, [pcm16]);
  }

  /** No more audio is coming for now: play out what is buffered without waiting for the prebuffer. */
  complete() {
    this.#node.port.postMessage({ type: 'complete' });
  }

  /** True while audio is queued or playing. */
  get active() {
    return this.bufferedSamples > 0;
  }

  /** Milliseconds of the item heard so far (as last reported by the audio thread). */
  heardMs(itemId) {
    return this.heard.itemId === itemId ? Math.floor((this.heard.samples * 1000) / sampleRate) : 0;
  }

  /** Silences playback at once; resolves with {itemId, playedMs} of the item that was playing. */
  stop() {
    const id = ++this.#nextStop;
    this.bufferedSamples = 0;
    this.#node.port.postMessage({ type: 'stop', id });
    return new Promise(resolve => {
      // The audio thread answers within a render quantum; if the context is suspended, the last report stands in.
      const fallback = setTimeout(() => {
        this.#pendingStops.delete(id);
        resolve({ itemId: this.heard.itemId, playedMs: this.heardMs(this.heard.itemId) });
      }, 250);
      this.#pendingStops.set(id, stopped => {
        clearTimeout(fallback);
        resolve(stopped);
      });
    });
  }

  #heard(itemId, samples) {
    this.heard = { itemId, samples };
    if (itemId !== null) this.heardByItem.set(itemId, samples);
  }

  #receive(message) {
    if (message.type === 'progress') {
      this.playedSamples = message.total;
      this.bufferedSamples = message.buffered;
      this.#heard(message.itemId, message.played);
    } else if (message.type === 'stopped') {
      this.#heard(message.itemId, message.played);
      const resolve = this.#pendingStops.get(message.id);
      this.#pendingStops.delete(message.id);
      resolve?.({ itemId: message.itemId, playedMs: Math.floor((message.played * 1000) / sampleRate) });
    }
  }
}
