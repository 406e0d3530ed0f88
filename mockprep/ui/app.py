"""The practice room: a question, a 2-minute clock, the microphone, and the feedback a moment after Stop.

Tabs: Practice, Review (history, compare, export, delete), Progress, Drill, Mock interview.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from html import escape
from typing import Any

from mockprep import config
from mockprep.config import Settings

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
</script>
"""


def _question_html(q: dict[str, Any] | None) -> str:
    if not q:
        return "<div>No question loaded; add a bank file to the data folder.</div>"
    tag = f"{q.get('competency', '').replace('_', ' ')} · {q.get('bank', '').replace('_', ' ')}"
    return f'<div class="mp-question">{escape(q["text"])}</div><div style="color:#6b7280">{escape(tag)}</div>'


def _probes_md(q: dict[str, Any] | None) -> str:
    if not q or not q.get("probes"):
        return ""
    return "Follow-ups an interviewer may ask:\n" + "\n".join(f"- {p}" for p in q["probes"])


def _clock_html(audio_id: str, limit_s: float) -> str:
    return (f'<div id="{audio_id}-clock" class="mp-clock">{int(limit_s // 60)}:{int(limit_s % 60):02d}</div>')


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
        from mockprep.ui.render import feedback_html

        if not path:
            return _warn("No recording arrived; press Record and answer, then Stop."), {}
        limit = float(limit_s or self.settings.limit_s)
        out = practice.attempt(self.store, path, q, limit, self.settings, parent_id=parent_id, mock_id=mock_id)
        if out.analysis is None:
            return _warn(f"{out.error} The recording is kept as attempt {out.attempt_id}."), {}
        cut = not soft and out.analysis["duration_s"] >= limit - 1.5
        return feedback_html(out.analysis, cut_at_limit=cut), out.analysis

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


def build_app(settings: Settings | None = None):
    import gradio as gr

    from mockprep import mock as mock_mod
    from mockprep import report

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
                            limit = gr.Number(limit_default, label="Time limit (seconds)", minimum=10, maximum=1200)
                            soft = gr.Checkbox(False, label="Soft limit: keep recording, mark the overtime")
                            think = gr.Slider(0, 60, value=0, step=5, label="Think time before recording (s)")
                            think_go = gr.Button("Start with think time")
                audio = gr.Audio(sources=["microphone", "upload"], type="filepath", label="Your answer",
                                 elem_id="answer-audio", waveform_options=gr.WaveformOptions(sample_rate=16000))
                again = gr.Button("Try again (same question)", elem_id="mp-again")
                feedback = gr.HTML(ready, elem_id="feedback")
                result_json = gr.JSON(visible=False)

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
                due_view = gr.HTML(room.due_html)
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

        # ---------------------------------------------------------------- events: practice
        def new_question(c, b, q):
            nq = room.pick(c, b, q)
            return nq, _question_html(nq), _probes_md(nq), None, ready

        def next_due_question(q):
            nq = room.next_due()
            if nq is None:
                return q, _question_html(q), _probes_md(q), None, _warn("Nothing is due yet: answer some questions.")
            return nq, _question_html(nq), _probes_md(nq), None, ready

        q_outputs = [question, question_view, probes, audio, feedback]
        new_q.click(new_question, [comp, bank, question], q_outputs, api_name="new_question")
        comp.change(new_question, [comp, bank, question], q_outputs, api_visibility="private")
        bank.change(new_question, [comp, bank, question], q_outputs, api_visibility="private")
        due_q.click(next_due_question, [question], q_outputs, api_name="next_due")
        again.click(lambda: (None, ready), None, [audio, feedback], api_visibility="private",
                    js=f"() => {{ window.mpClock?.reset('answer-audio', {limit_default}); }}")

        def on_answer(path, q, lim, is_soft):
            return room.answer(path, q, lim, is_soft)

        audio.start_recording(None, [limit, soft], None,
                              js="(l, s) => { window.mpClock.start('answer-audio', l, s); }")
        audio.stop_recording(None, None, None, js="() => { window.mpClock.stop('answer-audio'); }")
        audio.stop_recording(on_answer, [audio, question, limit, soft], [feedback, result_json],
                             api_name="analyze", concurrency_id="asr", show_progress="minimal")
        audio.upload(on_answer, [audio, question, limit, soft], [feedback, result_json],
                     api_visibility="private", concurrency_id="asr", show_progress="minimal")
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
            qs = mock_mod.pick_questions(room.questions, int(n), only_ids=only_ids)
            if not qs:
                return None, _warn("No questions to ask."), None, ""
            mid = room.store.add_mock([q.id for q in qs])
            st = {"id": mid, "questions": [room.as_dict(q) for q in qs], "pos": 0, "phase": "answer",
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
        demo.load(refresh_review, None, review_outputs, api_visibility="private")
    demo.queue(default_concurrency_limit=1, max_size=32)
    demo.room = room  # for tests and other adapters
    return demo


def serve(host: str | None = None, port: int | None = None, auth: str | None = None,
          settings: Settings | None = None, block: bool = True):
    """Start the app on 127.0.0.1 unless told otherwise; beyond this machine only with --auth."""
    from mockprep.ui.render import CSS

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
    from mockprep.transcribe import warm_up

    # Warm the model while the page loads; the first answer then pays nothing for it.
    threading.Thread(target=warm_up, args=(settings,), daemon=True).start()
    demo = build_app(settings)
    _, url, _ = demo.launch(server_name=host, server_port=port, auth=credentials, prevent_thread_lock=True,
                            share=False, inbrowser=False, quiet=True, css=CSS, head=CLOCK_JS,
                            max_file_size=f"{int(settings.max_upload_mb)}mb", footer_links=["settings"])
    print(f"mockprep is running at {url}  (data: {settings.data_dir}; Ctrl+C to stop)", flush=True)
    if not block:
        return demo
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        demo.close()
    return 0
