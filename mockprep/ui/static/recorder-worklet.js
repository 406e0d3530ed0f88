// mockprep's microphone capture: mono 16 kHz PCM from whatever rate the browser's audio runs at.
//
// One file, loaded two ways, so that both capture paths share one resampler:
//   - as an AudioWorklet module (audioWorklet.addModule): registers the 'mp-capture' processor, which runs
//     on the browser's real-time audio thread, where a busy page cannot make it drop audio;
//   - as a classic <script> (recorder.js does this when the browser has no AudioWorklet): it then only
//     defines MpResampler and MpCapture, fed from a ScriptProcessorNode on the page's thread.
// Hence no import/export: it must parse as either.

'use strict';

const MP_OUT_RATE = 16000;

function mpGcd(a, b) { while (b) [a, b] = [b, a % b]; return a; }

// Modified Bessel function of the first kind, order 0, for the Kaiser window.
function mpBesselI0(x) {
  let sum = 1, term = 1;
  for (let k = 1; k < 60; k++) { term *= (x / (2 * k)) ** 2; sum += term; if (term < 1e-12 * sum) break; }
  return sum;
}

// Band-limited resampling between any two rates: a Kaiser-windowed sinc (β = 8, about 80 dB of
// stopband) tabulated per phase. Output sample k sits exactly at input time k·inRate/outRate (no delay),
// so a 16 kHz offset and the context's frame clock always say the same thing.
// The cut-off (−6 dB) is at 0.46 × the lower rate, i.e. 7.36 kHz for 16 kHz out, and the stopband starts
// near 8.1 kHz whatever the input rate: nothing the microphone hears above 8 kHz folds back into speech.
class MpResampler {
  constructor(inRate, outRate = MP_OUT_RATE, zeroCrossings = 24, beta = 8) {
    inRate = Math.round(inRate);
    const g = mpGcd(inRate, outRate);
    this.L = outRate / g;   // t_k = k·M/L input samples
    this.M = inRate / g;
    this.identity = this.L === this.M;
    // Exact phases for ordinary ratios (44100 -> 16000 needs 160); for odd ones a table fine enough that
    // its timing error (under 1/2048 of an input sample) is far below 16-bit noise.
    this.P = this.L <= 2048 ? this.L : 2048;
    const fc = (0.46 * Math.min(inRate, outRate)) / inRate;  // cycles per input sample
    this.half = this.identity ? 0 : Math.ceil(zeroCrossings / (2 * fc));  // taps each side of the centre
    this.taps = 2 * this.half;
    this.table = new Float32Array(this.P * this.taps);
    const i0b = mpBesselI0(beta);
    for (let p = 0; p < this.P; p++) {
      const frac = p / this.P;  // the output's position past input sample n0 = floor(t)
      const row = this.table.subarray(p * this.taps, (p + 1) * this.taps);
      let sum = 0;
      for (let j = 0; j < this.taps; j++) {
        const x = frac + this.half - 1 - j;  // distance from the output to input sample n0 - half + 1 + j
        const r = x / this.half;
        const w = Math.abs(r) >= 1 ? 0 : mpBesselI0(beta * Math.sqrt(1 - r * r)) / i0b;
        const s = Math.abs(x) < 1e-9 ? 1 : Math.sin(2 * Math.PI * fc * x) / (2 * Math.PI * fc * x);
        row[j] = s * w; sum += s * w;
      }
      for (let j = 0; j < this.taps; j++) row[j] /= sum;  // unity gain at DC for every phase: no ripple
    }
    // Input history: buf[i] is input sample bufStart + i. It starts with `half` zeros standing for the
    // silence before the first sample, so output 0 is centred on input 0.
    this.buf = new Float32Array(Math.max(8192, 4 * this.taps));
    this.bufStart = -this.half;
    this.bufLen = this.half;
    this.inPos = 0;  // input samples taken (gaps included)
    this.gaps = [];  // [from, to) stretches of input that never arrived; outputs centred there are skipped
    this.out = new Float32Array(4096);
    this._seek(0);
  }

  _seek(k) {  // output k is centred on input n0 + rem/L
    this.k = k;
    this.n0 = Math.floor((k * this.M) / this.L);
    this.rem = k * this.M - this.n0 * this.L;
  }

  _next() {
    this.k++; this.rem += this.M;
    while (this.rem >= this.L) { this.rem -= this.L; this.n0++; }
  }

  _append(x, zeros) {
    const n = zeros ? x : x.length;
    if (this.bufLen + n > this.buf.length) {
      // Drop the history that no coming output can still reach.
      const drop = Math.max(0, Math.min(this.n0 - this.half + 1 - this.bufStart, this.bufLen));
      this.buf.copyWithin(0, drop, this.bufLen);
      this.bufLen -= drop; this.bufStart += drop;
      if (this.bufLen + n > this.buf.length) {
        const bigger = new Float32Array(2 * (this.bufLen + n));
        bigger.set(this.buf.subarray(0, this.bufLen));
        this.buf = bigger;
      }
    }
    if (zeros) this.buf.fill(0, this.bufLen, this.bufLen + n); else this.buf.set(x, this.bufLen);
    this.bufLen += n; this.inPos += n;
  }

  // Make every output whose taps have all arrived: emit(offset, Float32Array) for audio, gap(offset, n)
  // for n outputs that fall in a gap.
  _run(emit, gap) {
    const out = this.out, h = this.table, taps = this.taps;
    let o = 0;
    const flush = () => { if (o) { emit(this.k - o, out.subarray(0, o)); o = 0; } };
    while (this.n0 + this.half < this.inPos) {
      while (this.gaps.length && this.n0 * this.L + this.rem >= this.gaps[0][1] * this.L) this.gaps.shift();
      if (this.gaps.length && this.n0 * this.L + this.rem >= this.gaps[0][0] * this.L) {
        flush();
        const end = Math.ceil((this.gaps[0][1] * this.L) / this.M);  // the first output past the gap
        gap(this.k, end - this.k);
        this._seek(end);
        continue;
      }
      let acc;
      if (this.identity) acc = this.buf[this.n0 - this.bufStart];
      else {
        const b = this.buf, base = this.n0 - this.half + 1 - this.bufStart;
        const row = (this.P === this.L ? this.rem : Math.floor((this.rem * this.P) / this.L)) * taps;
        acc = 0;
        for (let j = 0; j < taps; j++) acc += h[row + j] * b[base + j];
      }
      out[o++] = acc;
      this._next();
      if (o === out.length) flush();
    }
    flush();
  }

  push(x, emit, gap) { this._append(x, false); this._run(emit, gap); }

  // `n` input samples never arrived. The outputs centred on them are reported as a gap of that length;
  // the outputs beside it see silence in place of the missing audio.
  pushGap(n, emit, gap) {
    const from = this.inPos, to = from + n;
    this.gaps.push([from, to]);
    if (n > 2 * this.taps + 256) {
      // A long gap: only its first and last `taps` samples can reach an output, so store just those.
      this._append(this.taps, true);
      this._run(emit, gap);  // every output before the gap is out (the gap too, unless taps = 0)
      this.bufStart = to - this.taps; this.bufLen = 0; this.inPos = this.bufStart;
      this._append(this.taps, true);
    } else this._append(n, true);
    this._run(emit, gap);
  }

  // No more input: pad with silence so the last samples get their outputs, and stop at the input's end.
  finish(emit, gap) {
    const end = Math.ceil((this.inPos * this.L) / this.M);  // outputs centred before the end
    this._append(this.half + 1, true);
    this._run((off, s) => { if (off < end) emit(off, s.subarray(0, Math.min(s.length, end - off))); },
              (off, n) => { if (off < end) gap(off, Math.min(n, end - off)); });
  }
}

// From render quanta (any channel count, any rate, stamped with the context's frame clock) to 16 kHz
// int16 blocks stamped with their sample offset. Quanta that never came show up as a jump in the frame
// clock; they are reported as a gap of the right length, never closed up: closing it would make the
// candidate sound faster and glue words together.
class MpCapture {
  constructor(rate, post, blockSamples = 1024) {
    this.rate = rate;
    this.rs = new MpResampler(rate, MP_OUT_RATE);
    this.post = post;  // receives {offset, pcm: Int16Array, ranS} | {gap: {offset, count}} | {end: true, ...}
    this.block = new Int16Array(blockSamples);
    this.blockLen = 0;
    this.blockOffset = 0;
    this.firstFrame = null;
    this.nextFrame = null;
    this.posted = false;  // nothing has gone to the page yet
    this.gapFrames = 0;
    this.mono = null;
    this.zeros = null;
    this.emit = (offset, s) => this._emit(offset, s);
    this.gap = (offset, count) => { this._flush(); this.posted = true; this.post({gap: {offset, count}}); };
  }

  _emit(offset, s) {
    for (let i = 0; i < s.length; i++) {
      if (this.blockLen === 0) this.blockOffset = offset + i;
      const v = s[i];
      this.block[this.blockLen++] = v >= 1 ? 32767 : v <= -1 ? -32768 : Math.round(v * 32767);
      if (this.blockLen === this.block.length) this._flush();
    }
  }

  _flush() {
    if (!this.blockLen) return;
    this.posted = true;
    this.post({offset: this.blockOffset, pcm: this.block.slice(0, this.blockLen), ranS: this.ranS()});
    this.blockLen = 0;
  }

  ranS() { return this.firstFrame === null ? 0 : (this.nextFrame - this.firstFrame) / this.rate; }

  // channels: one Float32Array per channel (none: the input is disconnected, taken as silence of `frames`);
  // frame: the context frame of their first sample.
  take(channels, frame, frames = 128) {
    // The recording starts with the first quantum the microphone is connected for (a node may be run
    // once before its input is connected; that is no part of the answer, nor a gap in it).
    if (this.firstFrame === null && !channels.length) return;
    const n = channels.length ? channels[0].length : frames;
    if (this.firstFrame === null) this.firstFrame = this.nextFrame = frame;
    if (frame > this.nextFrame && !this.posted) {
      // The graph stalled just as it started (Chromium's clock jumps once right after the microphone is
      // connected, by up to a second on a busy machine): nothing was captured yet, so nothing is missing.
      // The recording begins here instead.
      this.firstFrame = this.nextFrame = frame;
      this.rs = new MpResampler(this.rate, MP_OUT_RATE);
      this.blockLen = 0;
    }
    if (frame > this.nextFrame) {  // quanta were skipped: a gap, of exactly their length
      const missing = frame - this.nextFrame;
      this.gapFrames += missing;
      this.rs.pushGap(missing, this.emit, this.gap);
    }
    this.nextFrame = frame + n;
    let mono;
    if (channels.length === 1) mono = channels[0];
    else if (!channels.length) {
      if (!this.zeros || this.zeros.length !== n) this.zeros = new Float32Array(n);
      mono = this.zeros;
    } else {
      if (!this.mono || this.mono.length !== n) this.mono = new Float32Array(n);
      mono = this.mono;
      const c = channels.length;
      for (let i = 0; i < n; i++) {
        let a = 0;
        for (let ch = 0; ch < c; ch++) a += channels[ch][i];
        mono[i] = a / c;
      }
    }
    this.rs.push(mono, this.emit, this.gap);
  }

  finish() {
    this.rs.finish(this.emit, this.gap);
    this._flush();
    this.post({end: true, ranS: this.ranS(), gapS: this.gapFrames / this.rate, rate: this.rate});
  }
}

if (typeof AudioWorkletProcessor === 'function' && typeof registerProcessor === 'function') {
  class MpCaptureProcessor extends AudioWorkletProcessor {
    constructor(options) {
      super();
      const block = options?.processorOptions?.blockSamples || 1024;
      this.level = options?.processorOptions?.outputLevel ?? 1e-9;
      // sampleRate and currentFrame are globals of the worklet scope: the context's real rate and clock.
      this.cap = new MpCapture(sampleRate, (m) => this.port.postMessage(m, m.pcm ? [m.pcm.buffer] : []), block);
      this.done = false;
      this.port.onmessage = (e) => {
        if (e.data === 'finish' && !this.done) { this.done = true; this.cap.finish(); }
      };
      this.port.postMessage({hello: true, rate: sampleRate});
    }

    process(inputs, outputs) {
      if (this.done) return false;
      this.cap.take(inputs[0] || [], currentFrame);
      // Not quite silence (−180 dBFS, zero once it reaches the sound card): Chromium swaps a context that
      // only outputs zeros onto a fake sink after a while, and its clock and microphone FIFO glitch
      // when it does, dropping a fifth of a second of the answer.
      const out = outputs[0] && outputs[0][0];
      if (out) out.fill(this.level);
      return true;
    }
  }
  registerProcessor('mp-capture', MpCaptureProcessor);
} else {
  globalThis.MpResampler = MpResampler;
  globalThis.MpCapture = MpCapture;
}
