"""The practice room: a question, a 2-minute clock, the microphone, and the feedback a moment after Stop.

Tabs: Practice, Review (history, compare, export, delete), Progress, Drill, Mock interview.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import mimetypes
import random
import re
import sys
import threading
import time
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr  # at module level: handlers' gr.Request annotations must resolve here
from fastapi import Depends, HTTPException, Request  # likewise for the recorder routes
from fastapi.responses import FileResponse

from mockprep import config
from mockprep.config import Settings

if TYPE_CHECKING:
    from mockprep.practice import Outcome

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

CLOCK_JS = """
<script>
window.mpClock = (() => {
  const runs = {};
  const fmt = s => { const a = Math.max(0, Math.round(Math.abs(s))); return (s < 0 ? '+' : '') +
    Math.floor(a / 60) + ':' + String(a % 60).padStart(2, '0'); };
  const paint = (id, text, cls) => { const e = document.getElementById(id + '-clock');
    if (e) { e.textContent = text; e.className = 'mp-clock ' + cls; } };
  const click = (id, sel) => { const b = document.querySelector('#' + id + ' ' + sel); if (b) b.click(); return !!b; };
  function tick(id) {
    const r = runs[id]; const left = r.limit - (Date.now() - r.t0) / 1000;
    paint(id, fmt(left), left <= 10 ? 'red' : left <= 30 ? 'amber' : '');
    if (left <= 0 && !r.soft && !r.stopped) { r.stopped = true; click(id, '.stop-button'); }
  }
  return {
    start(id, lim, soft) { this.stop(id); runs[id] = {limit: Number(lim) || 120, soft: !!soft, stopped: false,
      t0: Date.now()}; runs[id].timer = setInterval(() => tick(id), 200); tick(id); },
    stop(id) { if (runs[id]) clearInterval(runs[id].timer); },
    reset(id, lim) { this.stop(id); paint(id, fmt(Number(lim) || 120), ''); },
    think(id, seconds) { let left = Number(seconds) || 0; this.stop(id); runs[id] = {};
      const go = () => { if (left <= 0) { clearInterval(runs[id].timer); click(id, '.record-button'); return; }
        paint(id, 'think ' + fmt(left), 'amber'); left -= 1; };
      go(); runs[id].timer = setInterval(go, 1000); },
  };
})();
window.mpRec = (() => {
  // Our own recorder: 16 kHz mono PCM sent to the server every half second while the candidate speaks, so
  // nothing said is lost (not even the first words) and the transcript is mostly done at Stop.
  let ctx = null, stream = null, node = null, buf = [], token = null, seq = 0, chain = Promise.resolve(), timer = null;
  const el = sel => document.querySelector('#answer-audio ' + sel);
  const status = t => { const s = el('.mp-rec-status'); if (s) s.textContent = t; };
  function send(final) {
    const parts = buf; buf = [];
    const n = parts.reduce((a, p) => a + p.length, 0);
    const pcm = new Int16Array(n); let o = 0;
    for (const p of parts) for (let i = 0; i < p.length; i++) { pcm[o++] = Math.max(-1, Math.min(1, p[i])) * 32767; }
    const url = `mockprep/live/${token}/chunk?seq=${seq++}&final=${final ? 1 : 0}`;
    chain = chain.then(() => fetch(url, {method: 'POST', body: pcm.buffer, keepalive: true})).catch(() => {});
    return chain;
  }
  async function start() {
    if (token) return;
    const q = document.querySelector('#mp-question [data-qid]');
    const limit = Number(document.querySelector('#mp-limit input')?.value) || 120;
    const soft = !!document.querySelector('#mp-soft input')?.checked;
    token = crypto.randomUUID(); seq = 0; buf = [];
    // Made inside the click, before any await: browsers only let a page start audio on a user gesture.
    ctx = new AudioContext({sampleRate: 16000});
    try {
      stream = await navigator.mediaDevices.getUserMedia({audio: {channelCount: 1, echoCancellation: false,
        noiseSuppression: false, autoGainControl: false}});
    } catch (e) { token = null; ctx.close(); status('No microphone: allow access, or upload a recording below.');
      return; }
    await fetch(`mockprep/live/${token}/start?limit=${limit}&qid=${encodeURIComponent(q?.dataset.qid || '')}`,
                {method: 'POST'});
    await ctx.resume();
    const src = ctx.createMediaStreamSource(stream);
    node = ctx.createScriptProcessor(4096, 1, 1);
    node.onaudioprocess = e => { buf.push(new Float32Array(e.inputBuffer.getChannelData(0))); };
    src.connect(node); node.connect(ctx.destination);
    timer = setInterval(() => send(false), 500);
    el('.record-button').style.display = 'none'; el('.stop-button').style.display = '';
    status('Recording…');
    window.mpClock.start('answer-audio', limit, soft);
  }
  async function stop() {
    if (!token) return;
    window.mpClock.stop('answer-audio');
    clearInterval(timer);
    node.disconnect(); stream.getTracks().forEach(t => t.stop()); await ctx.close();
    await send(true);
    window.mpRec.last = token; token = null;
    el('.stop-button').style.display = 'none'; el('.record-button').style.display = '';
    status('Analysing…');
    document.querySelector('#mp-finish')?.click();
  }
  document.addEventListener('click', e => {
    if (e.target.closest('#answer-audio .record-button')) start();
    else if (e.target.closest('#answer-audio .stop-button')) stop();
  });
  return {start, stop, last: null, status};
})();
</script>
"""

RECORDER_HTML = """
<div id="answer-audio" class="mp-rec">
  <button class="record-button mp-rec-btn" type="button" aria-label="Record">● Record</button>
  <button class="stop-button mp-rec-btn" type="button" aria-label="Stop" style="display:none">■ Stop</button>
  <span class="mp-rec-status"></span>
</div>
"""


def _question_html(q: dict[str, Any] | None) -> str:
    if not q:
        return "<div>No question loaded; add a bank file to the data folder.</div>"
    tag = f"{q.get('competency', '').replace('_', ' ')} · {q.get('bank', '').replace('_', ' ')}"
    return (f'<div class="mp-question" data-qid="{escape(q.get("id") or "")}">{escape(q["text"])}</div>'
            f'<div style="color:#6b7280">{escape(tag)}</div>')


def _probes_md(q: dict[str, Any] | None) -> str:
    if not q or not q.get("probes"):
        return ""
    return "Follow-ups an interviewer may ask:\n" + "\n".join(f"- {p}" for p in q["probes"])


def _clock_html(audio_id: str, limit_s: float) -> str:
    return (f'<div id="{audio_id}-clock" class="mp-clock">{int(limit_s // 60)}:{int(limit_s % 60):02d}</div>')


def _outcome_view(out: Outcome, limit: float, soft: bool) -> tuple[str, dict[str, Any]]:
    """An attempt's page: its player, then the feedback (or why there is none; the recording is kept)."""
    from mockprep.ui.render import feedback_html, player_html

    if out.analysis is None:
        return _warn(f"{out.error} The recording is kept as attempt {out.attempt_id}.") + \
            player_html(out.attempt_id), {}
    cut = not soft and out.analysis["duration_s"] >= limit - 1.5
    return player_html(out.attempt_id) + feedback_html(out.analysis, cut_at_limit=cut), out.analysis


def _warn(text: str) -> str:
    return f'<div class="mp-card mp-warn">{escape(text)}</div>'


class Room:
    """The app's state on the server: settings, store and questions. Handlers are its methods."""

    def __init__(self, settings: Settings) -> None:
        from mockprep.banks import builtin_banks_dir, load_banks
        from mockprep.store import Store

        self.settings = settings
        self.store = Store(settings.data_dir)
        self.questions, errors = load_banks([builtin_banks_dir(), settings.data_dir / "banks"])
        for e in errors:
            print(f"mockprep: {e}", file=sys.stderr)
        # Live recordings by browser session: the stream, its attempt id and question.
        self.live: dict[str, tuple[Any, int, dict[str, Any] | None, float, float]] = {}
        self.live_lock = threading.Lock()

    # ------------------------------------------------------------ questions

    def all_questions(self) -> list[dict[str, Any]]:
        own = [{"id": q["id"], "text": q["text"], "competency": q["competency"], "bank": "mine", "probes": []}
               for q in self.store.own_questions()]
        return [self.as_dict(q) for q in self.questions] + own

    @staticmethod
    def as_dict(q) -> dict[str, Any]:
        return {"id": q.id, "text": q.text, "competency": q.competency, "bank": q.bank, "probes": list(q.probes)}

    def question(self, qid: str | None) -> dict[str, Any] | None:
        return next((q for q in self.all_questions() if q["id"] == qid), None)

    def pick(self, competency: str, bank: str, current: dict[str, Any] | None = None) -> dict[str, Any] | None:
        qs = self.all_questions()
        pool = [q for q in qs if competency in ("", "any", None) or q["competency"] == competency]
        pool = [q for q in pool if bank in ("", "any", None) or q["bank"] == bank] or qs
        if current and len(pool) > 1:
            pool = [q for q in pool if q["id"] != current.get("id")]
        return random.choice(pool) if pool else None

    def first_question(self) -> dict[str, Any] | None:
        return self.question("general-01") or self.pick("any", "any")

    def next_due(self) -> dict[str, Any] | None:
        from mockprep import drill

        qid = drill.next_due(self.store)
        return self.question(qid) if qid else None

    # ------------------------------------------------------------ answering

    def answer(self, path: str | None, q: dict[str, Any] | None, limit_s: float, soft: bool,
               parent_id: int | None = None, mock_id: int | None = None) -> tuple[str, dict[str, Any]]:
        from mockprep import practice

        if not path:
            return _warn("No recording arrived; press Record and answer, then Stop."), {}
        limit = float(limit_s or self.settings.limit_s)
        out = practice.attempt(self.store, path, q, limit, self.settings, parent_id=parent_id, mock_id=mock_id)
        return _outcome_view(out, limit, soft)

    # ------------------------------------------------------------ answering while speaking (streaming)

    def start_live(self, key: str, q: dict[str, Any] | None, limit_s: float) -> None:
        """Recording started: open the attempt's file and row now, so nothing said can be lost."""
        from mockprep.stream import StreamSession

        self.drop_live(key)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        safe_q = "".join(c for c in ((q or {}).get("id") or "answer") if c.isalnum() or c in "-_")[:40]
        path = self.store.audio_dir / f"{stamp}-{safe_q}-{key[:8]}.wav"
        session = StreamSession(path, self.settings)
        aid = self.store.add_attempt(path, q, float(limit_s or self.settings.limit_s))
        with self.live_lock:
            self.live[key] = (session, aid, q, float(limit_s or self.settings.limit_s), time.time())

    def feed_live(self, key: str, pcm16: bytes, final: bool = False) -> bool:
        """A piece of 16 kHz mono int16 audio from the browser; False when there is no such recording.

        final: the piece sent at Stop; Stop itself follows at once."""
        import numpy as np

        with self.live_lock:
            entry = self.live.get(key)
        if entry is None:
            return False
        session = entry[0]
        if session.duration_s > self.settings.max_duration_s:
            return False  # past the cap: keep what is there, take no more
        session.feed(np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype="<i2"), self.settings.sample_rate)
        return True

    def stop_live(self, key: str, soft: bool) -> tuple[str, dict[str, Any]]:
        from mockprep import practice

        with self.live_lock:
            entry = self.live.pop(key, None)
        if entry is None:
            return _warn("No recording arrived; press Record and answer, then Stop."), {}
        session, aid, q, limit, _started = entry
        if session.duration_s < 0.2:
            session.abandon()
            self.store.fail_attempt(aid, "The recording was empty.")
            return _warn("The recording was empty: check the microphone and try again."), {}
        out = practice.finish_streamed(self.store, aid, session, q, limit, self.settings)
        return _outcome_view(out, limit, soft)

    def drop_live(self, key: str) -> None:
        """The tab went away mid-answer: close the file (it keeps all that was said) and leave it pending."""
        with self.live_lock:
            entry = self.live.pop(key, None)
        if entry:
            entry[0].abandon()

    # ------------------------------------------------------------ review

    def history_rows(self) -> list[list[Any]]:
        from mockprep.feedback import clock

        return [[a.id, a.when, a.question_text or "", a.score if a.score is not None else "",
                 clock(a.duration_s or 0), "yes" if (a.over_limit_s or 0) > 0 else "", a.status]
                for a in self.store.attempts()]

    def attempt_choices(self) -> list[tuple[str, int]]:
        return [(f"#{a.id} · {a.when} · {(a.question_text or '')[:60]} · {a.score if a.score is not None else '-'}",
                 a.id) for a in self.store.attempts()]

    def open_attempt(self, attempt_id: int | None) -> tuple[str | None, str]:
        from mockprep.ui.render import feedback_html

        a = self.store.get(int(attempt_id)) if attempt_id else None
        if a is None:
            return None, '<div class="mp-card">Pick an attempt to open it.</div>'
        head = f'<div class="mp-card"><b>{escape(a.question_text or "Answer")}</b><br>{escape(a.when)}</div>'
        if a.analysis:
            return a.audio_path, head + feedback_html(a.analysis)
        return a.audio_path, head + _warn(a.error or "Not analysed yet; run mockprep reanalyze.")

    def compare(self, left: int | None, right: int | None) -> str:
        from mockprep.ui.render import feedback_html

        cols = []
        for aid in (left, right):
            a = self.store.get(int(aid)) if aid else None
            if a is None:
                cols.append('<div class="mp-card">Pick an attempt.</div>')
                continue
            body = feedback_html(a.analysis) if a.analysis else _warn(a.error or "No analysis.")
            cols.append(f'<div class="mp-card"><b>#{a.id} · {escape(a.when)}</b><br>'
                        f'{escape(a.question_text or "")}</div>{body}')
        return '<div class="mp-compare">' + "".join(f"<div>{c}</div>" for c in cols) + "</div>"

    def progress(self):
        import pandas as pd

        rows = [{"date": pd.Timestamp(a.created_at, unit="s"), "score": a.score, "competency": a.competency or "other",
                 "wpm": a.wpm, "fillers_per_min": a.fillers_per_min}
                for a in reversed(self.store.attempts()) if a.status == "ok"]
        df = pd.DataFrame(rows, columns=["date", "score", "competency", "wpm", "fillers_per_min"])
        return df, df, df

    def weakest_html(self) -> str:
        from mockprep import drill
        from mockprep.feedback import clock

        weak = drill.weakest(self.store)
        if not weak:
            return '<div class="mp-card">No weak answers yet. Answer a few questions first.</div>'
        items = "".join(
            f'<li><b>{escape(w.question_text)}</b> — score {w.score}, {clock(w.duration_s)}; '
            f'{escape(", ".join(w.reasons) or "below 80")}</li>' for w in weak)
        return ('<div class="mp-card" id="mp-weakest"><h3>Your three weakest answers</h3>'
                "<p>Rewrite each story in strict STAR (two sentences of Situation, your Task, what <i>you</i> "
                "did, a Result with a number) and re-record until it scores well and stays under two minutes."
                f"</p><ol>{items}</ol></div>")

    def due_html(self) -> str:
        from datetime import UTC, datetime

        from mockprep.feedback import clock

        cards = self.store.cards()
        if not cards:
            return '<div class="mp-card">Nothing scheduled yet: every answered question is scheduled here.</div>'
        now = datetime.now(UTC).timestamp()
        rows = []
        for c in cards[:20]:
            q = self.question(c["question_id"])
            wait = c["due"] - now
            when = "due now" if wait <= 0 else f"in {clock(wait)}" if wait < 3600 else \
                f"in {wait / 86400:.1f} days" if wait > 86400 else f"in {wait / 3600:.1f} h"
            rows.append(f"<li>{escape((q or {}).get('text', c['question_id']))} — last score "
                        f"{c['last_score'] if c['last_score'] is not None else '-'}, {when}</li>")
        return f'<div class="mp-card"><h3>Drill queue</h3><ol>{"".join(rows)}</ol></div>'


@contextlib.contextmanager
def _fastapi_app_at_launch_only():
    """Gradio builds its FastAPI app (~250 routes, ~0.1 s here each time) when Blocks opens, when it
    closes, on queue() and again at launch; only launch's is ever served, so the others are skipped."""
    from gradio import routes

    create = routes.App.__dict__.get("create_app")
    if not isinstance(create, staticmethod):  # another Gradio: build as it does
        yield
        return
    routes.App.create_app = staticmethod(lambda *args, **kwargs: None)
    try:
        yield
    finally:
        routes.App.create_app = create


def build_app(settings: Settings | None = None):
    with _fastapi_app_at_launch_only():
        return _build_app(settings)


def _build_app(settings: Settings | None = None):
    from mockprep import debrief as db_mod
    from mockprep import mock as mock_mod
    from mockprep import report
    from mockprep.ui import recovery

    settings = settings or config.SETTINGS
    room = Room(settings)
    first = room.first_question()
    banks = sorted({q["bank"] for q in room.all_questions()})
    limit_default = settings.limit_s
    ready = '<div class="mp-card">Press <b>Record</b>, answer, then <b>Stop</b>. Feedback appears here a moment ' \
            "later. You can also upload a recording.</div>"

    with gr.Blocks(title="mockprep — practice room", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        question = gr.State(first)
        gr.Markdown("## mockprep · practice room\nAnswer aloud. Everything stays on this machine.")
        with gr.Tabs() as tabs:
            # ---------------------------------------------------------------- practice
            with gr.Tab("Practice", id="practice"):
                with gr.Row():
                    with gr.Column(scale=3):
                        question_view = gr.HTML(_question_html(first), elem_id="mp-question")
                        with gr.Row():
                            comp = gr.Dropdown(["any", *sorted({q["competency"] for q in room.all_questions()})],
                                               value="any", label="Competency")
                            bank = gr.Dropdown(["any", *banks], value="any", label="Bank / role")
                        with gr.Row():
                            new_q = gr.Button("Another question", elem_id="mp-new-question")
                            due_q = gr.Button("Next due for drilling", elem_id="mp-next-due")
                        probes = gr.Markdown(_probes_md(first))
                    with gr.Column(scale=1):
                        gr.HTML(_clock_html("answer-audio", limit_default))
                        with gr.Accordion("Settings", open=False):
                            limit = gr.Number(limit_default, label="Time limit (seconds)", minimum=10, maximum=1200,
                                              elem_id="mp-limit")
                            soft = gr.Checkbox(False, label="Soft limit: keep recording, mark the overtime",
                                               elem_id="mp-soft")
                            think = gr.Slider(0, 60, value=0, step=5, label="Think time before recording (s)")
                            think_go = gr.Button("Start with think time")
                # Our recorder (head script): sent to the server as it is recorded, transcribed while
                # the candidate speaks. The hidden button brings the feedback once the last piece is in.
                gr.HTML(RECORDER_HTML)
                live_token = gr.Textbox(visible=True, elem_classes=["mp-hidden"], show_label=False, container=False)
                finish = gr.Button("finish", elem_id="mp-finish", elem_classes=["mp-hidden"])
                with gr.Row():
                    again = gr.Button("Try again (same question)", elem_id="mp-again")
                feedback = gr.HTML(ready, elem_id="feedback")
                with gr.Accordion("Or upload a recording", open=False):
                    upload = gr.Audio(sources=["upload"], type="filepath", label="Recording",
                                      elem_id="answer-upload")
                result_json = gr.JSON(visible=False)
                # The answer's address under /mockprep/recording/ (the page plays it from the feedback).
                recorded = gr.Textbox(visible=False)

            # ---------------------------------------------------------------- review
            with gr.Tab("Review", id="review") as review_tab:
                history = gr.Dataframe(headers=["id", "date", "question", "score", "length", "over limit", "status"],
                                       value=room.history_rows, interactive=False, elem_id="mp-history",
                                       wrap=True)
                with gr.Row():
                    pick_attempt = gr.Dropdown(choices=room.attempt_choices(), label="Open an attempt",
                                               elem_id="mp-open-attempt")
                    refresh = gr.Button("Refresh")
                playback = gr.Audio(label="Playback", interactive=False, elem_id="mp-playback")
                opened = gr.HTML(elem_id="mp-opened")
                with gr.Accordion("Compare two attempts", open=False):
                    with gr.Row():
                        left = gr.Dropdown(choices=room.attempt_choices(), label="Left")
                        right = gr.Dropdown(choices=room.attempt_choices(), label="Right")
                    compared = gr.HTML(elem_id="mp-compare")
                with gr.Accordion("Export and delete", open=False):
                    with gr.Row():
                        export_one = gr.Button("Export this attempt (Markdown + HTML)")
                        export_csv = gr.Button("Export history (CSV)")
                    exported = gr.File(label="Exported files", file_count="multiple")
                    with gr.Row():
                        delete_one = gr.Button("Delete this attempt", variant="stop")
                        confirm_all = gr.Checkbox(False, label="Yes, delete all my data")
                        delete_all = gr.Button("Delete all data", variant="stop")
                    deleted = gr.Markdown()

            # ---------------------------------------------------------------- progress
            with gr.Tab("Progress", id="progress") as progress_tab:
                score_plot = gr.LinePlot(x="date", y="score", title="Score over time", y_lim=[0, 100])
                comp_plot = gr.LinePlot(x="date", y="score", color="competency", title="Score by competency",
                                        y_lim=[0, 100])
                with gr.Row():
                    pace_plot = gr.LinePlot(x="date", y="wpm", title="Pace (words a minute)")
                    fill_plot = gr.LinePlot(x="date", y="fillers_per_min", title="Fillers a minute")

            # ---------------------------------------------------------------- drill
            with gr.Tab("Drill", id="drill") as drill_tab:
                weakest = gr.HTML(room.weakest_html, elem_id="mp-weakest-view")
                due_view = gr.HTML(room.due_html, elem_id="mp-due")
                drill_go = gr.Button("Practice the next due question", variant="primary", elem_id="mp-drill-go")

            # ---------------------------------------------------------------- mock interview
            with gr.Tab("Mock interview", id="mock"):
                mock_state = gr.State(None)
                with gr.Row():
                    mock_n = gr.Slider(1, 10, value=5, step=1, label="Questions")
                    mock_start = gr.Button("Start a mock interview", variant="primary", elem_id="mp-mock-start")
                mock_q = gr.HTML('<div class="mp-card">A run of questions across competencies, each under the '
                                 "limit, each followed by the probe an interviewer would ask.</div>",
                                 elem_id="mp-mock-question")
                gr.HTML(_clock_html("mock-audio", limit_default))
                mock_audio = gr.Audio(sources=["microphone", "upload"], type="filepath", label="Your answer",
                                      elem_id="mock-audio", waveform_options=gr.WaveformOptions(sample_rate=16000))
                mock_next = gr.Button("Next", elem_id="mp-mock-next")
                mock_feedback = gr.HTML(elem_id="mp-mock-feedback")

            # ---------------------------------------------------------------- after a bad interview
            with gr.Tab("After an interview", id="recovery"):
                saved = recovery.load(room.store)
                gr.Markdown("Write it down while it is fresh: what they asked, what you said, what was missing, "
                            "how they reacted. mockprep suggests a root cause for each, builds a five-day plan and "
                            "puts the worst questions first in your drills.")
                with gr.Row():
                    d_company = gr.Textbox(saved.company if saved else "", label="Company", elem_id="mp-d-company")
                    d_role = gr.Textbox(saved.role if saved else "", label="Role")
                    d_date = gr.Textbox(saved.date if saved else time.strftime("%Y-%m-%d"), label="Date")
                    d_region = gr.Dropdown([(v, k) for k, v in db_mod.REGIONS.items()],
                                           value=(saved.region if saved and saved.region else "us_canada"),
                                           label="Region")
                    d_format = gr.Textbox(saved.format if saved else "", label="Format (phone, video, onsite...)")
                d_rows = [[q.text, q.answer, q.missing, q.reaction] for q in saved.questions] if saved else []
                d_questions = gr.Dataframe(d_rows + [["", "", "", ""]] * max(1, 4 - len(d_rows)),
                                           headers=recovery.QUESTION_COLUMNS, column_count=4, row_count=4,
                                           interactive=True, wrap=True, label="Questions asked",
                                           elem_id="mp-d-questions")
                d_save = gr.Button("Save the debrief and suggest root causes", variant="primary",
                                   elem_id="mp-d-save")
                d_causes = gr.Dataframe(recovery.causes_rows(saved) if saved else None,
                                        headers=["question", "cause", "confirmed", "why", "what to do"],
                                        interactive=True, wrap=True, elem_id="mp-d-causes",
                                        label="Root causes: change the cause column to any of knowledge, "
                                              "communication, culture, logistics, then confirm")
                d_confirm = gr.Button("Confirm these causes", elem_id="mp-d-confirm")
                with gr.Row():
                    d_practice = gr.Button("Practise the worst question now", variant="primary",
                                           elem_id="mp-d-practice")
                    d_mock = gr.Button("Mock interview on exactly these questions", elem_id="mp-d-mock")
                d_status = gr.Markdown(elem_id="mp-d-status")
                with gr.Accordion("Rejection audit", open=False):
                    audit_saved = room.store.get_value(recovery.AUDIT_KEY, {}) or {}
                    d_audit = [gr.Radio(["yes", "no", "not sure"], label=item.text,
                                        value=audit_saved.get(item.id, "not sure")) for item in db_mod.AUDIT_ITEMS]
                    d_verdict = gr.Markdown()
                with gr.Accordion("Five-day plan", open=True):
                    plan = recovery.plan_choices(saved)
                    checked = room.store.get_value(recovery.PLAN_KEY, []) or []
                    d_days = [gr.CheckboxGroup(plan[i][1] if i < len(plan) else [],
                                               value=[c for c in checked if plan and i < len(plan)
                                                      and c in {t for _, t in plan[i][1]}],
                                               label=plan[i][0] if i < len(plan) else f"Day {i + 1}",
                                               elem_id=f"mp-day-{i + 1}") for i in range(5)]
                with gr.Accordion("Follow-up note (addendum)", open=False):
                    gr.Markdown("One clarifying example for your weakest answer: the challenge, what you did, the "
                                "result with a number. Nothing is sent.")
                    with gr.Row():
                        n_challenge = gr.Textbox(label="The challenge")
                        n_action = gr.Textbox(label="What you did")
                        n_result = gr.Textbox(label="The result, with a number")
                    n_draft = gr.Button("Draft the note")
                    n_text = gr.Textbox(label="Draft", lines=10, buttons=["copy"], elem_id="mp-d-note")
                    n_checks = gr.Markdown()
                with gr.Accordion("Read a rejection message", open=False):
                    r_text = gr.Textbox(label="Paste the message", lines=5)
                    r_go = gr.Button("Read it")
                    r_out = gr.Markdown(elem_id="mp-d-rejection")

        # ---------------------------------------------------------------- events: practice
        def new_question(c, b, q):
            nq = room.pick(c, b, q)
            return nq, _question_html(nq), _probes_md(nq), "", ready

        def next_due_question(q):
            nq = room.next_due()
            if nq is None:
                return q, _question_html(q), _probes_md(q), "", _warn("Nothing is due yet: answer some questions.")
            return nq, _question_html(nq), _probes_md(nq), "", ready

        q_outputs = [question, question_view, probes, recorded, feedback]
        new_q.click(new_question, [comp, bank, question], q_outputs, api_name="new_question")
        comp.change(new_question, [comp, bank, question], q_outputs, api_visibility="private")
        bank.change(new_question, [comp, bank, question], q_outputs, api_visibility="private")
        due_q.click(next_due_question, [question], q_outputs, api_name="next_due")
        again.click(lambda: ("", ready), None, [recorded, feedback], api_visibility="private",
                    js=f"() => {{ window.mpClock?.reset('answer-audio', {limit_default}); }}")

        from mockprep.ui.render import recording_url

        def on_answer(path, q, lim, is_soft):
            html, d = room.answer(path, q, lim, is_soft)
            return html, d, recording_url(d["attempt_id"]) if d else ""

        def on_finish(token, is_soft):
            html, d = room.stop_live(str(token or ""), bool(is_soft))
            return html, d, recording_url(d["attempt_id"]) if d else "", ""

        finish.click(on_finish, [live_token, soft], [feedback, result_json, recorded, live_token],
                     api_visibility="private", concurrency_id="asr", show_progress="minimal",
                     js="(t, s) => [window.mpRec.last, s]").then(None, js="() => { window.mpRec.status(''); }")
        upload.upload(on_answer, [upload, question, limit, soft], [feedback, result_json, recorded],
                      api_name="analyze", concurrency_id="asr", show_progress="minimal")
        think_go.click(None, [think], None, js="(t) => { window.mpClock.think('answer-audio', t); }")

        # ---------------------------------------------------------------- events: review
        def refresh_review():
            choices = room.attempt_choices()
            return (room.history_rows(), gr.Dropdown(choices=choices), gr.Dropdown(choices=choices),
                    gr.Dropdown(choices=choices))

        review_outputs = [history, pick_attempt, left, right]
        refresh.click(refresh_review, None, review_outputs, api_name="history")
        review_tab.select(refresh_review, None, review_outputs, api_visibility="private")
        pick_attempt.change(room.open_attempt, [pick_attempt], [playback, opened], api_name="open_attempt")
        left.change(room.compare, [left, right], [compared], api_visibility="private")
        right.change(room.compare, [left, right], [compared], api_name="compare")

        def do_export(aid):
            if not aid:
                return None, "Pick an attempt first."
            a = room.store.get(int(aid))
            folder = report.export_attempts(room.store, [a], f"attempt-{a.id}")
            return [str(p) for p in sorted(folder.iterdir())], f"Exported to {folder}."

        def do_csv():
            folder = room.store.data_dir / "exports"
            folder.mkdir(parents=True, exist_ok=True)
            p = folder / f"history-{time.strftime('%Y%m%d-%H%M%S')}.csv"
            p.write_text(report.history_csv(room.store.attempts()), encoding="utf-8")
            return [str(p)], f"Exported {p}."

        def do_delete(aid):
            if not aid:
                return "Pick an attempt first.", *refresh_review()
            ok = room.store.delete_attempt(int(aid))
            return (f"Deleted attempt {aid} and its audio." if ok else "Already gone."), *refresh_review()

        def do_delete_all(confirmed):
            if not confirmed:
                return "Tick the box to confirm: this deletes every recording and result.", *refresh_review()
            room.store.delete_all()
            return "All your data is deleted.", *refresh_review()

        export_one.click(do_export, [pick_attempt], [exported, deleted], api_name="export_attempt")
        export_csv.click(do_csv, None, [exported, deleted], api_name="export_csv")
        delete_one.click(do_delete, [pick_attempt], [deleted, *review_outputs], api_name="delete_attempt")
        delete_all.click(do_delete_all, [confirm_all], [deleted, *review_outputs], api_name="delete_all")

        # ---------------------------------------------------------------- events: progress and drill
        progress_tab.select(lambda: (*room.progress(), room.progress()[0]), None,
                            [score_plot, comp_plot, pace_plot, fill_plot], api_visibility="private")
        drill_tab.select(lambda: (room.weakest_html(), room.due_html()), None, [weakest, due_view],
                         api_visibility="private")

        def drill_now(q):
            return (*next_due_question(q), gr.Tabs(selected="practice"))

        drill_go.click(drill_now, [question], [*q_outputs, tabs], api_visibility="private")

        # ---------------------------------------------------------------- events: mock interview
        def mock_begin(n, only_ids=None):
            if only_ids:
                qs = [q for q in (room.question(i) for i in only_ids) if q]
            else:
                qs = [room.as_dict(q) for q in mock_mod.pick_questions(room.questions, int(n))]
            if not qs:
                return None, _warn("No questions to ask."), None, ""
            mid = room.store.add_mock([q["id"] for q in qs])
            st = {"id": mid, "questions": qs, "pos": 0, "phase": "answer",
                  "parent": None, "probe": None, "main": []}
            return st, _mock_question(st), None, ""

        def mock_answer(path, st, lim):
            if not st:
                return st, _warn("Start a mock interview first."), ""
            q = st["questions"][st["pos"]]
            if st["phase"] == "answer":
                html, d = room.answer(path, q, lim, False, mock_id=st["id"])
                st = {**st, "main": [*st["main"], d], "parent": d.get("attempt_id"),
                      "probe": mock_mod.follow_up(d, q) if d else None, "phase": "probe" if d else "answer"}
                return st, _mock_question(st), html
            probe_q = {"id": f"{q['id']}-probe", "text": st["probe"], "competency": q["competency"]}
            html, _ = room.answer(path, probe_q, lim, False, parent_id=st["parent"], mock_id=st["id"])
            return _mock_advance(st), _mock_question(_mock_advance(st)), html

        def _mock_advance(st):
            return {**st, "pos": st["pos"] + 1, "phase": "answer", "probe": None}

        def mock_skip(st):
            if not st:
                return st, _warn("Start a mock interview first."), ""
            if st["phase"] == "answer":
                st = {**st, "main": [*st["main"], {}]}  # skipped: counts as no answer
            st = _mock_advance(st)
            return st, _mock_question(st), ""

        def _mock_question(st):
            if st["pos"] >= len(st["questions"]):
                room.store.set_mock(st["id"], st["pos"], "done")
                s = mock_mod.summary([m for m in st["main"] if m])
                return (f'<div class="mp-card" id="mp-mock-summary"><h3>Mock interview done</h3>'
                        f'<p>{s["answers"]} answers, average score {s["average_score"]}, {s["over_limit"]} over '
                        f'the limit.</p><p>{escape(s["advice"])}</p></div>')
            q = st["questions"][st["pos"]]
            room.store.set_mock(st["id"], st["pos"], "running")
            if st["phase"] == "probe":
                return (f'<div class="mp-card"><small>Follow-up to question {st["pos"] + 1} of '
                        f'{len(st["questions"])}</small><div class="mp-question">{escape(st["probe"])}</div></div>')
            return (f'<div class="mp-card"><small>Question {st["pos"] + 1} of {len(st["questions"])}</small>'
                    f'<div class="mp-question">{escape(q["text"])}</div></div>')

        mock_start.click(mock_begin, [mock_n], [mock_state, mock_q, mock_audio, mock_feedback], api_name="mock_start")
        mock_audio.start_recording(None, [limit], None, js="(l) => { window.mpClock.start('mock-audio', l, false); }")
        mock_audio.stop_recording(None, None, None, js="() => { window.mpClock.stop('mock-audio'); }")
        mock_audio.stop_recording(mock_answer, [mock_audio, mock_state, limit], [mock_state, mock_q, mock_feedback],
                                  api_name="mock_answer", concurrency_id="asr", show_progress="minimal")
        mock_audio.upload(mock_answer, [mock_audio, mock_state, limit], [mock_state, mock_q, mock_feedback],
                          api_visibility="private", concurrency_id="asr", show_progress="minimal")
        mock_next.click(mock_skip, [mock_state], [mock_state, mock_q, mock_feedback], api_visibility="private",
                        js="(s) => { window.mpClock.reset('mock-audio'); return s; }")
        # ---------------------------------------------------------------- events: after an interview
        d_form = [d_company, d_role, d_date, d_region, d_format, d_questions]

        def plan_updates(d):
            plan = recovery.plan_choices(d)
            checked = set(room.store.get_value(recovery.PLAN_KEY, []) or [])
            return [gr.CheckboxGroup(choices=plan[i][1], label=plan[i][0],
                                     value=[t for _, t in plan[i][1] if t in checked])
                    if i < len(plan) else gr.CheckboxGroup(choices=[]) for i in range(5)]

        def d_save_fn(*form):
            d = recovery.from_form(*form)
            if not d.questions:
                return _warn_md("Add at least one question as it was asked."), gr.skip(), *[gr.skip()] * 5
            old = recovery.load(room.store)
            if old:  # keep causes the user already confirmed for the same questions
                confirmed = {q.text: q.cause for q in old.questions if q.cause}
                d = db_mod.Debrief(d.company, d.role, d.date, d.region, d.format,
                                   tuple(db_mod.AskedQuestion(q.text, q.answer, q.missing, q.reaction,
                                                              confirmed.get(q.text)) for q in d.questions))
            recovery.save(room.store, d)
            ids = recovery.add_to_drills(room.store, d)
            return (f"Saved. {len(ids)} questions joined your drills, weakest first.", recovery.causes_rows(d),
                    *plan_updates(d))

        def _warn_md(text):
            return f"**{text}**"

        d_save.click(d_save_fn, d_form, [d_status, d_causes, *d_days], api_name="debrief_save")

        def d_confirm_fn(table):
            d = recovery.load(room.store)
            if d is None:
                return _warn_md("Save the debrief first."), gr.skip()
            d = recovery.confirm(d, table)
            recovery.save(room.store, d)
            return "Causes confirmed.", recovery.causes_rows(d)

        d_confirm.click(d_confirm_fn, [d_causes], [d_status, d_causes], api_name="debrief_confirm")

        def d_practice_fn(q):
            d = recovery.load(room.store)
            ids = db_mod.drill_ids(d, 1) if d else []
            nq = room.question(ids[0]) if ids else None
            if nq is None:
                return q, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), _warn_md("Save a debrief first.")
            return (nq, _question_html(nq), _probes_md(nq), None, ready, gr.Tabs(selected="practice"),
                    "Practising your weakest question.")

        d_practice.click(d_practice_fn, [question], [*q_outputs, tabs, d_status], api_name="debrief_practice")

        def d_mock_fn():
            d = recovery.load(room.store)
            ids = db_mod.drill_ids(d, 3) if d else []
            if not ids:
                return None, gr.skip(), gr.skip(), gr.skip(), gr.skip(), _warn_md("Save a debrief first.")
            st, html, a, fb = mock_begin(len(ids), only_ids=ids)
            return st, html, a, fb, gr.Tabs(selected="mock"), "Mock interview on your three weakest questions."

        d_mock.click(d_mock_fn, None, [mock_state, mock_q, mock_audio, mock_feedback, tabs, d_status],
                     api_name="debrief_mock")

        def d_audit_fn(*values):
            answers = recovery.audit_answers(list(values))
            room.store.put(recovery.AUDIT_KEY, {k: ("not sure" if v is None else "yes" if v else "no")
                                                for k, v in answers.items()})
            return db_mod.audit_verdict(answers)

        for radio in d_audit:
            radio.change(d_audit_fn, d_audit, [d_verdict], api_visibility="private")

        def d_plan_fn(*groups):
            room.store.put(recovery.PLAN_KEY, sorted({t for g in groups for t in (g or [])}))

        for group in d_days:
            group.change(d_plan_fn, d_days, None, api_visibility="private")

        def n_draft_fn(region, c, a, r):
            return recovery.addendum_view(recovery.load(room.store), region, c, a, r)

        n_draft.click(n_draft_fn, [d_region, n_challenge, n_action, n_result], [n_text, n_checks],
                      api_name="addendum")
        r_go.click(lambda m: recovery.rejection_view(room.store, m), [r_text], [r_out], api_name="read_rejection")

        def recovery_refresh():
            """What the recovery tab holds in the store, so a reload shows it as the user left it."""
            d = recovery.load(room.store)
            audit = room.store.get_value(recovery.AUDIT_KEY, {}) or {}
            audits = [audit.get(item.id, "not sure") for item in db_mod.AUDIT_ITEMS]
            if d is None:
                return [gr.skip()] * 7 + plan_updates(None) + audits
            rows = [[q.text, q.answer, q.missing, q.reaction] for q in d.questions]
            rows += [["", "", "", ""]] * max(1, 4 - len(rows))
            return [d.company, d.role, d.date, d.region or "us_canada", d.format, rows, recovery.causes_rows(d),
                    *plan_updates(d), *audits]

        demo.load(refresh_review, None, review_outputs, api_visibility="private")
        demo.load(recovery_refresh, None, [*d_form, d_causes, *d_days, *d_audit], api_visibility="private")

        def on_unload(request: gr.Request):
            room.drop_live(request.session_hash)

        demo.unload(on_unload)
    demo.queue(default_concurrency_limit=1, max_size=32)
    demo.room = room  # for tests and other adapters
    return demo


TOKEN = re.compile(r"^[0-9a-f-]{36}$")
MAX_CHUNK_BYTES = 2 * 1024 * 1024  # 64 s of 16 kHz int16: far above the half-second pieces the page sends


def add_live_routes(app, room: Room) -> None:
    """The recorder's endpoints: open an attempt, then append audio to it as it is spoken."""
    async def logged_in(request: Request) -> None:
        # With --auth Gradio guards only its own routes; these write into the data folder, so they need the
        # same login (the check gradio.routes' get_current_user makes: the session cookie set at /login).
        if app.auth is None and getattr(app, "auth_dependency", None) is None:
            return
        if getattr(app, "auth_dependency", None) is not None:
            user = app.auth_dependency(request)
            user = await user if inspect.isawaitable(user) else user
        else:
            cookie = (request.cookies.get(f"access-token-{app.cookie_id}")
                      or request.cookies.get(f"access-token-unsecure-{app.cookie_id}"))
            user = app.tokens.get(cookie)
        if user is None:
            raise HTTPException(401, "Not authenticated")

    def check(token: str) -> str:
        if not TOKEN.match(token):
            raise HTTPException(400, "bad recording token")
        return token

    async def start(token: str, limit: float = 120.0, qid: str = "") -> dict[str, Any]:
        room.start_live(check(token), room.question(qid) if qid else None, max(10.0, min(limit, 1200.0)))
        return {"ok": True}

    async def chunk(token: str, request: Request, final: int = 0) -> dict[str, Any]:
        body = await request.body()
        if len(body) > MAX_CHUNK_BYTES:
            raise HTTPException(413, "audio piece too large")
        if not await asyncio.to_thread(room.feed_live, check(token), body, bool(final)):
            raise HTTPException(404, "no such recording")
        return {"ok": True}

    async def recording(attempt_id: int) -> FileResponse:
        # Served from the data folder itself: no copy of the recording goes to Gradio's temp cache.
        a = room.store.get(attempt_id)
        if a is None or not Path(a.audio_path).is_file():
            raise HTTPException(404, "no such recording")
        return FileResponse(a.audio_path, media_type=mimetypes.guess_type(a.audio_path)[0] or "audio/wav")

    app.add_api_route("/mockprep/recording/{attempt_id}", recording, methods=["GET"],
                      dependencies=[Depends(logged_in)])
    app.add_api_route("/mockprep/live/{token}/start", start, methods=["POST"], dependencies=[Depends(logged_in)])
    app.add_api_route("/mockprep/live/{token}/chunk", chunk, methods=["POST"], dependencies=[Depends(logged_in)])


def launch(demo, **kwargs):
    """demo.launch with mockprep's page script, styles and recorder routes."""
    from mockprep.ui.render import CSS

    result = demo.launch(css=CSS, head=CLOCK_JS, **kwargs)
    add_live_routes(demo.app, demo.room)
    return result


def _few_malloc_arenas() -> None:
    """glibc gives each thread that allocates its own heap arena (up to 8 per core); the server's threads
    (HTTP, queue, transcription worker) then hold freed memory apart. Two arenas keep the peak ~20-30 MiB
    lower during an answer (docs/benchmarks.md). The same as MALLOC_ARENA_MAX=2; a no-op off glibc."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX


def serve(host: str | None = None, port: int | None = None, auth: str | None = None,
          settings: Settings | None = None, block: bool = True):
    """Start the app on 127.0.0.1 unless told otherwise; beyond this machine only with --auth."""

    settings = settings or config.SETTINGS
    host = host or settings.host
    port = port or settings.port
    credentials = None
    if auth:
        user, _, password = auth.partition(":")
        if not user or not password:
            print("mockprep: --auth takes user:password.", file=sys.stderr)
            return 2
        credentials = (user, password)
    if host not in LOOPBACK and credentials is None:
        print(f"mockprep: refusing to serve on {host} without --auth user:password: recordings are private.",
              file=sys.stderr)
        return 2
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _few_malloc_arenas()
    from mockprep.transcribe import warm_up

    demo = build_app(settings)
    _, url, _ = launch(demo, server_name=host, server_port=port, auth=credentials, prevent_thread_lock=True,
                       share=False, inbrowser=False, quiet=True, max_file_size=f"{int(settings.max_upload_mb)}mb",
                       footer_links=["settings"])
    # Warm the model once the page is up (not before: it would slow the start); the first answer, a minute
    # or two away, then pays nothing for it.
    # A moment's delay lets the first page load without librosa's import holding the interpreter.
    warm = threading.Timer(2.0, warm_up, args=(settings,))
    warm.daemon = True
    warm.start()
    print(f"mockprep is running at {url}  (data: {settings.data_dir}; Ctrl+C to stop)", flush=True)
    if not block:
        return demo
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        demo.close()
    return 0
