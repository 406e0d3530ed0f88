"""The practice room: a question, a 2-minute clock, the microphone, and the feedback a moment after Stop."""

from __future__ import annotations

import random
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

from mockprep import config
from mockprep.config import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

CLOCK_JS = """
<script>
window.mpClock = (() => {
  let timer = null, t0 = 0, limit = 120, soft = false, stopped = false;
  const el = () => document.getElementById('mp-clock');
  const fmt = s => { const a = Math.max(0, Math.round(Math.abs(s))); return (s < 0 ? '+' : '') +
    Math.floor(a / 60) + ':' + String(a % 60).padStart(2, '0'); };
  const paint = (text, cls) => { const e = el(); if (e) { e.textContent = text; e.className = cls; } };
  const click = sel => { const b = document.querySelector('#answer-audio ' + sel); if (b) b.click(); return !!b; };
  function tick() {
    const left = limit - (Date.now() - t0) / 1000;
    paint(fmt(left), left <= 10 ? 'red' : left <= 30 ? 'amber' : '');
    if (left <= 0 && !soft && !stopped) { stopped = true; click('.stop-button'); }
  }
  return {
    start(lim, isSoft) { limit = Number(lim) || 120; soft = !!isSoft; stopped = false; t0 = Date.now();
      clearInterval(timer); timer = setInterval(tick, 200); tick(); },
    stop() { clearInterval(timer); timer = null; },
    reset(lim) { clearInterval(timer); timer = null; paint(fmt(Number(lim) || 120), ''); },
    think(seconds) { let left = Number(seconds) || 0; clearInterval(timer);
      const go = () => { if (left <= 0) { clearInterval(timer); click('.record-button'); return; }
        paint('think ' + fmt(left), 'amber'); left -= 1; };
      go(); timer = setInterval(go, 1000); },
  };
})();
</script>
"""


def _question_md(q: dict[str, Any] | None) -> str:
    from html import escape

    if not q:
        return "No question loaded; add a bank file to the data folder."
    tag = f"{q['competency'].replace('_', ' ')} · {q['bank'].replace('_', ' ')}"
    return f'<div id="mp-question">{escape(q["text"])}</div><div style="color:#6b7280">{escape(tag)}</div>'


def _probes_md(q: dict[str, Any] | None) -> str:
    if not q or not q.get("probes"):
        return ""
    return "Follow-ups an interviewer may ask:\n" + "\n".join(f"- {p}" for p in q["probes"])


def keep_recording(path: str, settings: Settings, question_id: str | None) -> Path:
    """Copy the browser's temporary recording into the data folder before anything else can fail."""
    folder = settings.data_dir / "recordings"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    safe_q = "".join(c for c in (question_id or "answer") if c.isalnum() or c in "-_")[:40]
    dest = folder / f"{stamp}-{safe_q}{Path(path).suffix.lower() or '.wav'}"
    n = 1
    while dest.exists():
        dest = folder / f"{stamp}-{safe_q}-{n}{Path(path).suffix.lower() or '.wav'}"
        n += 1
    shutil.copyfile(path, dest)
    return dest


def analyze_answer(path: str | None, question: dict[str, Any] | None, limit_s: float, soft: bool,
                   settings: Settings) -> tuple[str, dict[str, Any]]:
    """The feedback HTML and analysis dict for one recorded or uploaded answer."""
    from mockprep.analysis import analyze
    from mockprep.audio import AudioError
    from mockprep.ui.render import feedback_html

    if not path:
        return '<div class="mp-card mp-warn">No recording arrived; press Record and answer, then Stop.</div>', {}
    kept = keep_recording(path, settings, (question or {}).get("id"))
    try:
        result = analyze(kept, (question or {}).get("text"), float(limit_s or settings.limit_s), settings)
    except AudioError as e:
        from html import escape

        return (f'<div class="mp-card mp-warn"><b>{escape(str(e))}</b> The file is kept at '
                f"{escape(str(kept))}.</div>"), {}
    d = result.to_dict()
    d["audio_path"] = str(kept)
    cut = not soft and result.duration_s >= float(limit_s or settings.limit_s) - 1.5
    return feedback_html(d, cut_at_limit=cut), d


def build_app(settings: Settings | None = None):
    import gradio as gr

    from mockprep.banks import builtin_banks_dir, competencies, load_banks

    settings = settings or config.SETTINGS
    questions, errors = load_banks([builtin_banks_dir(), settings.data_dir / "banks"])
    for e in errors:
        print(f"mockprep: {e}", file=sys.stderr)
    by_id = {q.id: q for q in questions}
    banks = sorted({q.bank for q in questions})

    def as_dict(q) -> dict[str, Any]:
        return {"id": q.id, "text": q.text, "competency": q.competency, "bank": q.bank, "probes": list(q.probes)}

    def pick(competency: str, bank: str, current: dict[str, Any] | None = None) -> dict[str, Any] | None:
        pool = [q for q in questions if competency in ("", "any", None) or q.competency == competency]
        pool = [q for q in pool if bank in ("", "any", None) or q.bank == bank] or list(questions)
        if current and len(pool) > 1:
            pool = [q for q in pool if q.id != current.get("id")]
        return as_dict(random.choice(pool)) if pool else None

    first = as_dict(by_id["general-01"]) if "general-01" in by_id else pick("any", "any")

    with gr.Blocks(title="mockprep — practice room", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        question = gr.State(first)
        with gr.Row():
            gr.Markdown("## mockprep · practice room\nAnswer aloud. Everything stays on this machine.")
        with gr.Row():
            with gr.Column(scale=3):
                question_view = gr.HTML(_question_md(first), elem_id="mp-question-card")
                with gr.Row():
                    comp = gr.Dropdown(["any", *competencies(questions)], value="any", label="Competency")
                    bank = gr.Dropdown(["any", *banks], value="any", label="Bank / role")
                    new_q = gr.Button("Another question", elem_id="mp-new-question")
                probes = gr.Markdown(_probes_md(first))
            with gr.Column(scale=1):
                gr.HTML(f'<div id="mp-clock">{int(settings.limit_s // 60)}:{int(settings.limit_s % 60):02d}</div>')
                with gr.Accordion("Settings", open=False):
                    limit = gr.Number(settings.limit_s, label="Time limit (seconds)", minimum=10, maximum=1200)
                    soft = gr.Checkbox(False, label="Soft limit: keep recording, mark the overtime")
                    think = gr.Slider(0, 60, value=0, step=5, label="Think time before recording (seconds)")
                    think_go = gr.Button("Start with think time")
        audio = gr.Audio(sources=["microphone", "upload"], type="filepath", label="Your answer",
                         elem_id="answer-audio", waveform_options=gr.WaveformOptions(sample_rate=16000))
        with gr.Row():
            again = gr.Button("Try again (same question)", elem_id="mp-again")
        feedback = gr.HTML('<div class="mp-card">Press <b>Record</b>, answer, then <b>Stop</b>. '
                           "Feedback appears here a moment later. You can also upload a recording.</div>",
                           elem_id="feedback")
        result_json = gr.JSON(visible=False)

        def on_answer(path, q, lim, is_soft):
            return analyze_answer(path, q, lim, is_soft, settings)

        def on_new(c, b, q):
            nq = pick(c, b, q)
            ready = '<div class="mp-card">New question. Record when ready.</div>'
            return nq, _question_md(nq), _probes_md(nq), None, ready

        new_q.click(on_new, [comp, bank, question], [question, question_view, probes, audio, feedback],
                    api_name="new_question")
        comp.change(on_new, [comp, bank, question], [question, question_view, probes, audio, feedback],
                    api_visibility="private")
        bank.change(on_new, [comp, bank, question], [question, question_view, probes, audio, feedback],
                    api_visibility="private")
        again.click(lambda: (None, '<div class="mp-card">Same question. Record when ready.</div>'), None,
                    [audio, feedback], api_visibility="private", js="() => { window.mpClock?.reset(); }")

        audio.start_recording(None, [limit, soft], None, js="(l, s) => { window.mpClock.start(l, s); }")
        audio.stop_recording(None, None, None, js="() => { window.mpClock.stop(); }")
        audio.stop_recording(on_answer, [audio, question, limit, soft], [feedback, result_json],
                             api_name="analyze", concurrency_id="asr", show_progress="minimal")
        audio.upload(on_answer, [audio, question, limit, soft], [feedback, result_json],
                     api_visibility="private", concurrency_id="asr", show_progress="minimal")
        think_go.click(None, [think], None, js="(t) => { window.mpClock.think(t); }")
    demo.queue(default_concurrency_limit=1, max_size=16)
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
