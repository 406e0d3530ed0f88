"""Exports: an attempt or a mock interview as Markdown and HTML (audio alongside), the history as CSV."""

from __future__ import annotations

import csv
import io
import shutil
import time
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from mockprep.assessment import RUBRIC_NAMES, unscored_reason
from mockprep.config import SETTINGS, Settings
from mockprep.render import feedback_html
from mockprep.store import Attempt, Store
from mockprep.words import clock


def _bar(share: float, width: int = 30) -> str:
    n = round(share * width)
    return "█" * n + "·" * (width - n)


def attempt_markdown(a: Attempt, audio_name: str | None = None, settings: Settings = SETTINGS) -> str:
    lines = [f"## {a.question_text or 'Answer'}", "", f"*{a.when}* · attempt {a.id} · status {a.status}", ""]
    if audio_name:
        lines += [f"Audio: [{audio_name}]({audio_name})", ""]
    d = a.analysis
    if d is None or not d.ok or d.assessment is None or d.delivery is None:
        lines.append(a.error or (d.message if d else None) or "No analysis.")
        return "\n".join(lines) + "\n"
    x, dl = d.assessment, d.delivery
    lines += [f"> {n}" for n in d.notes] + ([""] if d.notes else [])
    score = f"**Score {d.score}/100**" if d.score is not None else f"**No content score**: {unscored_reason(d.rubric)}"
    lines += [f"{score} · judged as {RUBRIC_NAMES[d.rubric]} · length {clock(d.duration_s)} of {clock(d.limit_s)}"
              + (f" · {d.over_limit_s:.0f} s over the limit" if d.over_limit_s else ""), ""]
    if x.parts:
        lines += ["### Timeline", "", "```"]
        lines += [f"{name:<10} {_bar(p.share)} {p.seconds:5.0f} s {p.share:4.0%}" for name, p in x.parts.items()]
        lines += ["```", ""]
    lines += ["### Fix first", ""]
    lines += [f"{i}. {t.message}" for i, t in enumerate(d.feedback(settings), 1)] or ["Nothing urgent."]
    lines += ["", "### Transcript", ""]
    lines += [f"- **{s.label.upper()}** ({clock(s.start)}) {s.text}" for s in x.sentences]
    pauses = ", ".join(f"{clock(p.start)} ({p.duration:.1f} s)" for p in dl.pauses) or "none"
    lo, hi = settings.pace_band_wpm
    lines += ["", "### Delivery", "",
              f"- Pace: {dl.wpm:.0f} words a minute (articulation {dl.articulation_wpm:.0f}; aim {lo:.0f}-{hi:.0f})",
              f"- Fillers: {dl.filler_count} ({dl.fillers_per_min:.1f} a minute)",
              f"- Long pauses: {pauses}", ""]
    if x.checks:
        lines += ["### Checks", ""]
        lines += [f"- {'✓' if c.passed else '✗'} {k.value}: {c.detail}" for k, c in x.checks.items()]
    return "\n".join(lines) + "\n"


def page_css() -> str:
    """The app's own stylesheet, so an exported report looks like the feedback view."""
    return (resources.files("mockprep") / "ui" / "static" / "mockprep.css").read_text(encoding="utf-8")


def attempt_html(a: Attempt, audio_name: str | None = None) -> str:
    title = escape(a.question_text or "Answer")
    body = feedback_html(a.analysis) if a.analysis else f"<p>{escape(a.error or 'No analysis.')}</p>"
    audio = f'<audio controls src="{escape(audio_name)}"></audio>' if audio_name else ""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{page_css()}</style>"
            f"</head><body style='font-family:sans-serif;max-width:960px;margin:auto'><h2>{title}</h2>"
            f"<p>{escape(a.when)} · attempt {a.id}</p>{audio}{body}</body></html>")


def export_attempts(store: Store, attempts: list[Attempt], name: str) -> Path:
    """A folder with report.md, report.html and the audio files; returns the folder."""
    folder = store.data_dir / "exports" / f"{time.strftime('%Y%m%d-%H%M%S')}-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    md, html = [], []
    for a in attempts:
        audio_name = None
        src = Path(a.audio_path)
        if src.is_file():
            audio_name = f"attempt-{a.id}{src.suffix}"
            shutil.copyfile(src, folder / audio_name)
        md.append(attempt_markdown(a, audio_name))
        html.append(attempt_html(a, audio_name))
    (folder / "report.md").write_text("\n".join(md), encoding="utf-8")
    (folder / "report.html").write_text("\n".join(html), encoding="utf-8")
    return folder


HISTORY_FIELDS = ["id", "date", "question_id", "question", "competency", "status", "score", "duration_s",
                  "over_limit_s", "wpm", "fillers_per_min", "audio_path"]


def history_csv(attempts: list[Attempt]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HISTORY_FIELDS)
    for a in attempts:
        w.writerow([a.id, a.when, a.question_id or "", _safe_cell(a.question_text or ""), a.competency or "",
                    a.status, a.score if a.score is not None else "", a.duration_s or "", a.over_limit_s or "",
                    a.wpm or "", a.fillers_per_min or "", a.audio_path])
    return buf.getvalue()


def _safe_cell(text: str) -> str:
    # A cell starting with = + - @ runs as a formula in spreadsheet programs.
    return "'" + text if text[:1] in "=+-@" else text


def summary_rows(attempts: list[Attempt]) -> list[dict[str, Any]]:
    return [{"id": a.id, "date": a.when, "question": a.question_text or "", "score": a.score,
             "duration": clock(a.duration_s or 0), "over limit": "yes" if (a.over_limit_s or 0) > 0 else "",
             "status": a.status} for a in attempts]
