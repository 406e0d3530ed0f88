// The recorder mockprep had before recorder.js (window.mpRec in mockprep/ui/app.py), kept only to measure
// it against the new one with the same harness: a ScriptProcessorNode on the page's thread inside
// AudioContext({sampleRate: 16000}), its buffers concatenated and sent every 0.5 s. It cannot see a lost
// buffer, so its offsets are simply the samples it has sent. It speaks the same protocol as recorder.js
// (and retries the same way) so that only the capture differs.
(function () {
  'use strict';
  window.LegacyRecorder = {
    start(o) {
      const token = o.token || crypto.randomUUID();
      const ctx = new AudioContext({sampleRate: 16000});
      const rec = {token, elapsed: 0, state: 'starting'};
      let buf = [], seq = 0, sent = 0, stream, node, timer, chain = Promise.resolve(), t0 = 0;
      const post = (url, body) => {
        const go = async () => {
          for (let delay = 0.25; ; delay = Math.min(2, delay * 2)) {
            try { const r = await fetch(url, {method: 'POST', body}); if (r.ok) return; } catch (e) {}
            await new Promise((r) => setTimeout(r, delay * 1000));
          }
        };
        chain = chain.then(go);
        return chain;
      };
      const send = (final) => {
        const n = buf.reduce((a, p) => a + p.length, 0);
        const pcm = new Int16Array(n); let k = 0;
        for (const p of buf) for (let i = 0; i < p.length; i++) pcm[k++] = Math.max(-1, Math.min(1, p[i])) * 32767;
        buf = [];
        const ran = ctx.currentTime - t0;
        const url = `${o.base}mockprep/live/${token}/chunk?seq=${seq++}&offset=${sent}&final=${final ? 1 : 0}&cut=0&ran=${ran.toFixed(3)}`;
        sent += n;
        return post(url, pcm.buffer);
      };
      rec.ready = (async () => {
        stream = await navigator.mediaDevices.getUserMedia({audio: {channelCount: 1, echoCancellation: false,
          noiseSuppression: false, autoGainControl: false}});
        post(`${o.base}mockprep/live/${token}/start?limit=${o.limit}&soft=0&qid=${o.qid}`, null);
        await ctx.resume();
        const src = ctx.createMediaStreamSource(stream);
        node = ctx.createScriptProcessor(4096, 1, 1);
        node.onaudioprocess = (e) => { buf.push(new Float32Array(e.inputBuffer.getChannelData(0)));
          rec.elapsed += e.inputBuffer.length / 16000; o.onTick(rec.elapsed); };
        src.connect(node); node.connect(ctx.destination);
        t0 = ctx.currentTime;
        timer = setInterval(() => send(false), 500);
        rec.state = 'recording';
        o.onStatus('Recording…', 'info');
        return true;
      })();
      rec.stop = async () => {
        clearInterval(timer);
        const ranS = ctx.currentTime - t0;
        node.disconnect(); stream.getTracks().forEach((t) => t.stop()); await ctx.close();
        await send(true);
        rec.state = 'done';
        o.onDone({token, capturedS: sent / 16000, ranS, cut: false, gapS: 0, lengthS: sent / 16000, rate: 16000,
                  path: 'legacy'});
      };
      return rec;
    },
  };
})();
