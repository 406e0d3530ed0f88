// mockprep's page: the clocks and the Record/Stop controls of the Practice and Mock interview tabs.
//
// Each recorder (recorder_html in ui/widgets.py) is a .mp-rec element; recorder.js streams the answer to the
// server while it is spoken. Once the server has all of it, this file clicks the tab's hidden "finish" button,
// whose event reads the recording's token (mpApp.token) and brings the feedback.
(function () {
  'use strict';

  const fmt = (s) => {
    const a = Math.max(0, Math.round(Math.abs(s)));
    return (s < 0 ? '+' : '') + Math.floor(a / 60) + ':' + String(a % 60).padStart(2, '0');
  };
  const $ = (sel, root = document) => root.querySelector(sel);
  const recorders = {};   // rec element id -> {rec, token}

  function settings() {
    return {
      limit: Number($('#mp-limit input')?.value) || 120,
      soft: !!$('#mp-soft input')?.checked,
    };
  }

  function paint(el, left) {
    const clock = $('.mp-clock', el);
    if (!clock) return;
    clock.textContent = fmt(left);
    clock.className = 'mp-clock' + (left <= 10 ? ' red' : left <= 30 ? ' amber' : '');
  }

  function status(el, text) {
    const s = $('.mp-rec-status', el);
    if (s) s.textContent = text || '';
  }

  function buttons(el, recording) {
    $('.record-button', el).style.display = recording ? 'none' : '';
    $('.stop-button', el).style.display = recording ? '' : 'none';
  }

  // The question this recorder answers: the one shown in its own tab (a follow-up names its question too).
  function question(el) {
    const q = el.closest('.tabitem, .gradio-container')?.querySelector('[data-qid]');
    return {qid: q ? q.dataset.qid : '', probe: q ? (q.dataset.probe || '') : ''};
  }

  function start(el) {
    const id = el.id;
    if (recorders[id] && recorders[id].active) return;
    const {limit, soft} = settings();
    paint(el, limit);
    const entry = {active: true, token: null};
    recorders[id] = entry;
    entry.rec = window.MpRecorder.start({
      limit, soft, ...question(el), workletUrl: 'mockprep/static/recorder-worklet.js',
      onStatus: (text) => status(el, text),
      onTick: (elapsed) => paint(el, limit - elapsed),
      onLimit: () => { buttons(el, false); status(el, `Stopped at the ${fmt(limit)} limit. Sending the last words…`); },
      onDone: (info) => {
        window.mpApp.lastDone = info;  // what the recorder says it captured, for anyone checking on it
        entry.active = false;
        entry.token = info.token;
        buttons(el, false);
        const left = info.pendingS;
        status(el, left >= 1 ? `Transcribing the last ${Math.round(left)} s…` : 'Analysing…');
        document.getElementById(el.dataset.finish)?.click();
      },
    });
    entry.rec.ready.then((ok) => { if (ok) buttons(el, true); else entry.active = false; });
  }

  function stop(el) {
    const entry = recorders[el.id];
    if (!entry || !entry.active) return;
    buttons(el, false);
    status(el, 'Sending the last words…');
    entry.rec.stop();
  }

  // Think time: count down on the clock, then start recording as if Record were pressed.
  function think(el, seconds) {
    let left = Math.round(Number(seconds) || 0);
    const clock = $('.mp-clock', el);
    const tick = () => {
      if (left <= 0) { clearInterval(timer); start(el); return; }
      clock.textContent = 'think ' + fmt(left);
      clock.className = 'mp-clock amber';
      left -= 1;
    };
    const timer = setInterval(tick, 1000);
    tick();
  }

  // Gradio draws the recorders after this file runs, and again when a tab is re-rendered: enable each
  // Record button as it appears.
  const enable = () => document.querySelectorAll('.mp-rec .record-button[disabled]').forEach((b) => {
    b.disabled = false;
  });
  new MutationObserver(enable).observe(document.documentElement, {childList: true, subtree: true});
  enable();

  // Click a moment, hear it: anything with data-t (a fix's time, a sentence, a filler, a pause, a point of the
  // timeline) plays the recording of its own attempt from just before that moment, in the page's own player.
  const LEAD_S = 0.5;
  function playerFor(el) {
    for (let n = el; n && n !== document; n = n.parentElement) {
      const a = n.querySelector && n.querySelector('audio.mp-audio');
      if (a) return a;
    }
    return null;
  }
  function playAt(el, t = Number(el.dataset.t)) {
    const audio = playerFor(el);
    if (!audio || !Number.isFinite(t)) return false;
    const at = Math.max(0, t - LEAD_S);
    if (audio.readyState < 1) {  // preload="none": nothing fetched yet; seek as soon as its length is known
      audio.addEventListener('loadedmetadata', () => {
        if (Math.abs(audio.currentTime - at) > 0.25) audio.currentTime = at;
      }, {once: true});
    }
    audio.currentTime = at;
    const played = audio.play();
    if (played && played.catch) played.catch(() => {});
    document.querySelectorAll('.mp-playing').forEach((x) => x.classList.remove('mp-playing'));
    el.classList.add('mp-playing');
    window.mpApp.lastSeek = {t, at};
    return true;
  }
  document.addEventListener('click', (e) => {
    const m = e.target.closest && e.target.closest('[data-t]');
    if (m && playAt(m)) { e.preventDefault(); return; }
    // The shape of the answer: the whole recording across its width; a click plays from where it lands.
    const shape = e.target.closest && e.target.closest('svg.mp-shape');
    if (shape) {
      const r = shape.getBoundingClientRect();
      const t = (e.clientX - r.left) / Math.max(1, r.width) * Number(shape.dataset.span);
      playAt(shape, t + LEAD_S);  // from the very point clicked
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const m = e.target.closest && e.target.closest('[data-t]');
    // A <button> turns Enter and Space into a click by itself; other moments (tabindex) are done here.
    if (m && m === e.target && m.tagName !== 'BUTTON' && playAt(m)) e.preventDefault();
  });

  document.addEventListener('click', (e) => {
    const el = e.target.closest('.mp-rec');
    if (el && e.target.closest('.record-button')) start(el);
    else if (el && e.target.closest('.stop-button')) stop(el);
    else if (e.target.closest('#mp-think-go')) think($('#answer-audio'), $('#mp-think input')?.value);
  });

  window.mpApp = {
    // The token of the recording whose finish button this is, read by that button's event.
    token(finishId) {
      for (const [id, entry] of Object.entries(recorders)) {
        if (document.getElementById(id)?.dataset.finish === finishId) return entry.token || '';
      }
      return '';
    },
    reset() {
      document.querySelectorAll('.mp-rec').forEach((el) => {
        if (!recorders[el.id]?.active) { paint(el, settings().limit); status(el, ''); }
      });
    },
    // Each recorder's state and, while it starts, the step it is on (tests and benchmarks check on it).
    recorders() {
      return Object.fromEntries(Object.entries(recorders).map(([id, e]) => [id,
        {active: e.active, state: e.rec?.state, phase: e.rec?.phase, path: e.rec?.path}]));
    },
    analysed() {
      document.querySelectorAll('.mp-rec').forEach((el) => { if (!recorders[el.id]?.active) status(el, ''); });
    },
  };
})();
