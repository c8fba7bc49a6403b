// Audio-thread halves of the microphone and the player. Both run in an AudioContext at 24 kHz, the wire rate.

/** Microphone: float samples in, PCM16 frames of a fixed size (20 ms) out to the page. */
class Pcm16Capture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.frameSamples = options.processorOptions.frameSamples;
    this.frame = new Int16Array(this.frameSamples);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const s = Math.max(-1, Math.min(1, channel[i]));
      this.frame[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.filled === this.frameSamples) {
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(this.frameSamples);
        this.filled = 0;
      }
    }
    return true;
  }
}

/**
 * Player with a small jitter buffer: PCM16 chunks tagged with their response item queue up; playback starts once
 * prebufferSamples are queued (or the item is complete), and after an underrun waits for the buffer again.
 * 'stop' clears everything at once and answers with how much of the item playing was heard.
 */
class Pcm16Player extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.prebufferSamples = options.processorOptions.prebufferSamples;
    this.queue = []; // {itemId, samples: Float32Array, offset}
    this.buffered = 0;
    this.playing = false;
    this.complete = false; // no more audio expected for now: play out what is queued without waiting
    this.itemId = null; // the item last heard
    this.itemPlayed = 0; // its samples heard
    this.totalPlayed = 0;
    this.quanta = 0;
    this.port.onmessage = ({ data }) => this.receive(data);
  }

  receive(message) {
    switch (message.type) {
      case 'audio': {
        const pcm = new Int16Array(message.pcm);
        const samples = new Float32Array(pcm.length);
        for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i] / 0x8000;
        this.queue.push({ itemId: message.itemId, samples, offset: 0 });
        this.buffered += samples.length;
        this.complete = false;
        break;
      }
      case 'complete':
        this.complete = true;
        break;
      case 'stop': {
        const heard = { type: 'stopped', id: message.id, itemId: this.itemId, played: this.itemPlayed, discarded: this.buffered };
        this.queue = [];
        this.buffered = 0;
        this.playing = false;
        this.port.postMessage(heard);
        this.report();
        break;
      }
    }
  }

  process(_, outputs) {
    const out = outputs[0][0];
    if (!this.playing && this.buffered > 0 && (this.buffered >= this.prebufferSamples || this.complete)) this.playing = true;
    let written = 0;
    while (this.playing && written < out.length && this.queue.length > 0) {
      const chunk = this.queue[0];
      if (chunk.itemId !== this.itemId) {
        this.itemId = chunk.itemId;
        this.itemPlayed = 0;
      }
      const n = Math.min(out.length - written, chunk.samples.length - chunk.offset);
      out.set(chunk.samples.subarray(chunk.offset, chunk.offset + n), written);
      chunk.offset += n;
      written += n;
      this.buffered -= n;
      this.itemPlayed += n;
      this.totalPlayed += n;
      if (chunk.offset === chunk.samples.length) this.queue.shift();
    }
    out.fill(0, written);
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    if (written > 0 && (++this.quanta % 4 === 0 || this.buffered === 0)) this.report();
    if (this.playing && this.buffered === 0) this.playing = false; // underrun or done: buffer again before resuming
    return true;
  }

  report() {
    this.port.postMessage({ type: 'progress', itemId: this.itemId, played: this.itemPlayed, total: this.totalPlayed, buffered: this.buffered });
  }
}

registerProcessor('pcm16-capture', Pcm16Capture);
registerProcessor('pcm16-player', Pcm16Player);
