// mockprep's page-side recorder: the microphone, as 16 kHz mono PCM, streamed to the server in
// acknowledged pieces so that nothing the candidate says is lost, even on a busy machine or a stalled server.
//
//   const rec = MpRecorder.start({token, limit: 120, soft: false, qid, workletUrl, onStatus, onTick,
//                                 onLimit, onDone});   // call it inside the click handler
//   rec.elapsed  // seconds recorded so far (for the clock);  rec.stop()  // the candidate pressed Stop
//
// Capture runs in an AudioWorklet (recorder-worklet.js) on the audio thread; without AudioWorklet the
// same file's MpCapture runs behind a ScriptProcessorNode. Server protocol: see _send and the piece URLs.
(function () {
  'use strict';

  const RATE = 16000;

  const MESSAGES = {
    noAudio: 'This browser cannot record audio (it has no Web Audio): upload a recording instead.',
    insecure: 'This browser allows the microphone only on https or localhost pages: open mockprep at ' +
      'http://localhost, or upload a recording.',
    denied: 'Microphone access was refused: allow it for this page in the browser, then press Record again.',
    missing: 'No microphone was found: connect one, then press Record again.',
    busy: 'The microphone could not be opened (another program may be using it): close that program, ' +
      'then press Record again.',
    failed: 'Recording could not start in this browser: upload a recording instead.',
    reconnecting: 'Reconnecting… nothing is lost',
  };

  const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

  function newToken() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  function micMessage(err) {
    const name = (err && err.name) || '';
    if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return MESSAGES.denied;
    if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return MESSAGES.missing;
    if (name === 'NotReadableError' || name === 'AbortError' || name === 'TrackStartError') return MESSAGES.busy;
    return MESSAGES.failed;
  }

  // The ScriptProcessor path needs MpCapture on the page: load the worklet file as a plain script.
  function loadCapture(url) {
    if (window.MpCapture) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = url; s.onload = () => resolve(); s.onerror = () => reject(new Error('cannot load ' + url));
      document.head.appendChild(s);
    });
  }

  class Recording {
    constructor(opts) {
      this.o = {
        base: '', limit: 120, soft: false, qid: '', probe: '', workletUrl: 'recorder-worklet.js',
        // A quarter second: the server hears the pause after the last words that much sooner, and starts
        // reading them before Stop.
        pieceSeconds: 0.25, retryAfterStopS: 60, requestTimeoutS: 10, latencyHint: undefined,
        onStatus() {}, onTick() {}, onLimit() {}, onDone() {},
        // For tests: a given context rate, the fallback, the level the capture node outputs.
        contextRate: null, forceScriptProcessor: false, outputLevel: 1e-9,
      };
      for (const [k, v] of Object.entries(opts)) if (v !== undefined && v !== null) this.o[k] = v;
      this.token = this.o.token || newToken();
      this.limitSamples = Math.round(Number(this.o.limit) * RATE);
      this.state = 'starting';  // -> recording -> stopping -> sending -> done | failed | cancelled
      this.pos = 0;             // next 16 kHz sample offset (gaps included)
      this.captured = 0;        // samples of real audio
      this.gapSamples = 0;
      this.ranS = 0;            // seconds the AudioContext clock ran while capturing
      this.cut = false;
      this.parts = []; this.partsLen = 0; this.pieceOffset = 0;
      this.seq = 0; this.queue = []; this.pumping = false; this.offline = false; this.giveUpAt = Infinity;
      this.path = null;         // 'worklet' | 'scriptprocessor', once running
      this.rate = null;         // the context's real sample rate

      // Browsers let a page start audio only inside a user gesture, so the context is made here, before
      // any await. No fixed sampleRate: the device's own rate always works, and we resample ourselves.
      const AC = window.AudioContext || window.webkitAudioContext;
      try {
        // latencyHint is left to the browser: 'playback' (bigger buffers) made Firefox lose far more
        // microphone audio on a busy machine, not less.
        const options = {latencyHint: this.o.latencyHint};
        if (this.o.contextRate) options.sampleRate = this.o.contextRate;
        this.ctx = AC ? new AC(options) : null;
      } catch (e) { this.ctx = null; }
      this.ready = this.ctx ? this._open() : Promise.resolve(this._fail(MESSAGES.noAudio));
    }

    get elapsed() { return this.pos / RATE; }

    _status(text, kind = 'info') { try { this.o.onStatus(text, kind); } catch (e) { console.error(e); } }

    _fail(text) {
      this.state = 'failed';
      this._status(text, 'error');
      this._teardown();
      return false;
    }

    async _open() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return this._fail(MESSAGES.insecure);
      this.phase = 'microphone';  // where a start that hangs is stuck (mpApp.recorders() shows it)
      try {
        this.stream = await navigator.mediaDevices.getUserMedia({audio: {channelCount: 1,
          echoCancellation: false, noiseSuppression: false, autoGainControl: false}});
      } catch (e) {
        return this._fail(micMessage(e));
      }
      if (this.state !== 'starting') { this.state = 'cancelled'; this._teardown(); return false; }  // Stop while asking
      // The server hears of the answer first; pieces queue behind it, so capture need not wait for it.
      this._enqueue('start', `limit=${this.o.limit}&soft=${this.o.soft ? 1 : 0}&qid=${encodeURIComponent(this.o.qid || '')}` +
        (this.o.probe ? `&probe=${encodeURIComponent(this.o.probe)}` : ''));
      try {
        this.phase = 'resume';
        await this.ctx.resume();
        this.phase = 'capture';
        this.rate = this.ctx.sampleRate;
        this.source = this.ctx.createMediaStreamSource(this.stream);
        if (!this.o.forceScriptProcessor && this.ctx.audioWorklet && typeof AudioWorkletNode === 'function') {
          try {
            await this.ctx.audioWorklet.addModule(this.o.workletUrl);
            this.node = new AudioWorkletNode(this.ctx, 'mp-capture', {numberOfInputs: 1, numberOfOutputs: 1,
              outputChannelCount: [1], processorOptions: {blockSamples: 1024, outputLevel: this.o.outputLevel}});
            this.node.port.onmessage = (e) => this._onCapture(e.data);
            this.finishCapture = () => this.node.port.postMessage('finish');
            this.path = 'worklet';
          } catch (e) {
            console.warn('mockprep: AudioWorklet failed, using ScriptProcessor', e);
            this.node = null;
          }
        }
        if (!this.node) {
          await loadCapture(this.o.workletUrl);
          const cap = new window.MpCapture(this.rate, (m) => this._onCapture(m), 1024);
          const size = 4096;
          this.node = this.ctx.createScriptProcessor(size, 1, 1);
          // playbackTime advances by one buffer per event; a jump means the page missed buffers.
          this.node.onaudioprocess = (e) => {
            cap.take([e.inputBuffer.getChannelData(0)], Math.round(e.playbackTime * this.rate / size) * size, size);
            e.outputBuffer.getChannelData(0).fill(this.o.outputLevel);  // not quite silence: see the worklet
          };
          this.finishCapture = () => cap.finish();
          this.path = 'scriptprocessor';
        }
        // Connected to the output (it plays silence) so every browser keeps pulling audio through it.
        this.source.connect(this.node);
        this.node.connect(this.ctx.destination);
      } catch (e) {
        console.error('mockprep: recording could not start', e);
        return this._fail(MESSAGES.failed);
      }
      if (this.state !== 'starting') { this.state = 'recording'; this.stop(); return true; }
      this.state = 'recording';
      this.phase = 'running';
      this._status('Recording…');
      return true;
    }

    // Messages from MpCapture: {hello}, {offset, pcm, ranS}, {gap: {offset, count}}, {end, ranS}.
    _onCapture(m) {
      if (this.state !== 'recording' && this.state !== 'stopping') return;
      if (m.ranS !== undefined) this.ranS = m.ranS;
      if (m.gap) {
        // Audio the browser never delivered: the next piece starts past it and the server fills silence,
        // so the answer keeps its true timing (and the server knows exactly how much is missing).
        const end = Math.min(m.gap.offset + m.gap.count, this.o.soft ? Infinity : this.limitSamples);
        this._closePiece(false);
        this.gapSamples += end - this.pos;
        this.pos = this.pieceOffset = end;
        if (!this.o.soft && this.pos >= this.limitSamples) this._atLimit();
      } else if (m.pcm) {
        let pcm = m.pcm;
        if (m.offset > this.pos) this._onCapture({gap: {offset: this.pos, count: m.offset - this.pos}});
        if (this.state !== 'recording' && this.state !== 'stopping') return;
        const atLimit = !this.o.soft && this.pos + pcm.length >= this.limitSamples;
        if (atLimit) pcm = pcm.subarray(0, this.limitSamples - this.pos);  // exactly at the limit sample
        this.parts.push(pcm); this.partsLen += pcm.length;
        this.pos += pcm.length; this.captured += pcm.length;
        if (atLimit) this._atLimit();
        else if (this.partsLen >= this.o.pieceSeconds * RATE) this._closePiece(false);
        try { this.o.onTick(this.elapsed); } catch (e) { console.error(e); }
      } else if (m.end) {
        this._closePiece(true);
        this._teardown();
      }
    }

    _atLimit() {
      this.cut = true;
      this._closePiece(true);
      this._teardown();
      try { this.o.onTick(this.elapsed); this.o.onLimit(); } catch (e) { console.error(e); }
    }

    // One piece: the pending samples, one contiguous stretch that starts at pieceOffset.
    _closePiece(final) {
      if (!this.partsLen && !final) return;
      const pcm = new Int16Array(this.partsLen);
      let o = 0;
      for (const p of this.parts) { pcm.set(p, o); o += p.length; }
      this.parts = []; this.partsLen = 0;
      const q = `seq=${this.seq++}&offset=${this.pieceOffset}&final=${final ? 1 : 0}&cut=${this.cut ? 1 : 0}` +
        `&ran=${this.ranS.toFixed(3)}`;
      this.pieceOffset = this.pos;
      // Int16Array is in the platform's byte order, which is little-endian on every browser platform.
      this._enqueue('chunk', q, pcm.buffer, final);
      if (final) {
        this.state = 'sending';
        this.giveUpAt = Date.now() + this.o.retryAfterStopS * 1000;
      }
    }

    _enqueue(kind, query, body = null, final = false) {
      const base = this.o.base;
      this.queue.push({url: `${base}mockprep/live/${encodeURIComponent(this.token)}/${kind}?${query}`, body, final});
      this._pump();
    }

    // One request at a time, in order; a piece leaves the queue only once the server answered 2xx.
    async _pump() {
      if (this.pumping) return;
      this.pumping = true;
      let delay = 0.25;
      while (this.queue.length) {
        const item = this.queue[0];
        const res = await this._send(item);
        if (res === 'ok') {
          this.queue.shift();
          delay = 0.25;
          if (this.offline) { this.offline = false; this._status(this.state === 'recording' ? 'Recording…' : ''); }
          if (item.final) this._done();
          continue;
        }
        if (res === 'refused' || Date.now() > this.giveUpAt) {
          const lost = this.queue.reduce((a, it) => a + (it.body ? it.body.byteLength / 2 : 0), 0) / RATE;
          this.state = 'failed';
          this._teardown();
          this._status(`The last ${lost.toFixed(0)} s of this answer could not reach mockprep: ` +
            (res === 'refused' ? 'it refused them.' : 'it did not answer.'), 'error');
          break;
        }
        if (!this.offline) { this.offline = true; this._status(MESSAGES.reconnecting, 'warn'); }
        await sleep(delay);
        delay = Math.min(2, delay * 2);
      }
      this.pumping = false;
    }

    async _send(item) {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), this.o.requestTimeoutS * 1000);
      try {
        const r = await fetch(item.url, {method: 'POST', body: item.body, signal: ctl.signal, cache: 'no-store',
          headers: {'Content-Type': 'application/octet-stream'}});
        if (r.ok) {
          // The last piece's answer says how much is still to transcribe (shown while the feedback comes).
          if (item.final) this.reply = await r.json().catch(() => ({}));
          return 'ok';
        }
        // Busy, rate-limited or failing: try again. Any other refusal would be refused again.
        return r.status >= 500 || r.status === 408 || r.status === 429 ? 'retry' : 'refused';
      } catch (e) {
        return 'retry';  // network error, server down, or our timeout
      } finally {
        clearTimeout(timer);
      }
    }

    _done() {
      this.state = 'done';
      try {
        this.o.onDone({token: this.token, capturedS: this.captured / RATE, ranS: this.ranS, cut: this.cut,
                       pendingS: (this.reply && this.reply.pending_s) || 0,
                       gapS: this.gapSamples / RATE, lengthS: this.pos / RATE, rate: this.rate, path: this.path});
      } catch (e) { console.error(e); }
    }

    _teardown() {
      if (this.tornDown) return;
      this.tornDown = true;
      clearTimeout(this.stopTimer);
      try { if (this.node) { if (this.node.port) this.node.port.onmessage = null; this.node.disconnect(); } } catch (e) {}
      try { if (this.source) this.source.disconnect(); } catch (e) {}
      if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
      if (this.ctx && this.ctx.state !== 'closed') this.ctx.close().catch(() => {});
    }

    // The candidate pressed Stop: the capture hands over what it still holds, then the last piece goes.
    stop() {
      if (this.state === 'starting') { this.state = 'stopping'; return; }  // _open finishes the stop
      if (this.state !== 'recording') return;
      this.state = 'stopping';
      this.finishCapture();
      // Should the audio thread never answer (context already gone), end with what arrived.
      this.stopTimer = setTimeout(() => { if (this.state === 'stopping') this._onCapture({end: true}); }, 2000);
    }
  }

  window.MpRecorder = {
    start: (opts) => new Recording(opts || {}),
    messages: MESSAGES,
  };
})();
