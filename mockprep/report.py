"""Exports: an attempt or a mock interview as Markdown and HTML (audio alongside), the history as CSV."""

from __future__ import annotations

import csv
import io
import shutil
import time
from html import escape
from pathlib import Path
from typing import Any

from mockprep.feedback import clock
from mockprep.store import Attempt, Store


def _bar(share: float, width: int = 30) -> str:
    n = round(share * width)
    return "█" * n + "·" * (width - n)


def attempt_markdown(a: Attempt, audio_name: str | None = None) -> str:
    lines = [f"## {a.question_text or 'Answer'}", "", f"*{a.when}* · attempt {a.id} · status {a.status}", ""]
    if audio_name:
        lines += [f"Audio: [{audio_name}]({audio_name})", ""]
    d = a.analysis
    if not d or d.get("status") != "ok":
        lines.append(a.error or (d or {}).get("message") or "No analysis.")
        return "\n".join(lines) + "\n"
    star, dl = d["star"], d["delivery"]
    lines += [f"**Score {star['score']}/100** · length {clock(d['duration_s'])} of {clock(d['limit_s'])}"
              + (f" · {d['over_limit_s']:.0f} s over the limit" if d["over_limit_s"] else ""), "",
              "### STAR timeline", "", "```"]
    lines += [f"{name:<10} {_bar(p['share'])} {p['seconds']:5.0f} s {p['share']:4.0%}"
              for name, p in star["parts"].items()]
    lines += ["```", "", "### Fix first", ""]
    lines += [f"{i}. {t['message']}" for i, t in enumerate(d["feedback"], 1)] or ["Nothing urgent."]
    lines += ["", "### Transcript", ""]
    lines += [f"- **{s['label'].upper()}** ({clock(s['start'])}) {s['text']}" for s in star["sentences"]]
    pauses = ", ".join(f"{clock(p['start'])} ({p['end'] - p['start']:.1f} s)" for p in dl["pauses"]) or "none"
    lines += ["", "### Delivery", "",
              f"- Pace: {dl['wpm']:.0f} words a minute (articulation {dl['articulation_wpm']:.0f}; aim 130-160)",
              f"- Fillers: {dl['filler_count']} ({dl['fillers_per_min']:.1f} a minute)",
              f"- Long pauses: {pauses}",
              "", "### Checks", ""]
    lines += [f"- {'✓' if c['passed'] else '✗'} {k}: {c['detail']}" for k, c in star["checks"].items()]
    return "\n".join(lines) + "\n"


def attempt_html(a: Attempt, audio_name: str | None = None) -> str:
    from mockprep.ui.render import CSS, feedback_html

    title = escape(a.question_text or "Answer")
    body = feedback_html(a.analysis) if a.analysis else f"<p>{escape(a.error or 'No analysis.')}</p>"
    audio = f'<audio controls src="{escape(audio_name)}"></audio>' if audio_name else ""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{CSS}</style></head>"
            f"<body style='font-family:sans-serif;max-width:960px;margin:auto'><h2>{title}</h2>"
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
