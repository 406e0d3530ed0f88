"""Drill tab: the three weakest answers to rework, and the queue of questions due again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from html import escape

import gradio as gr

from mockprep import drill
from mockprep.ui.room import Room
from mockprep.words import clock


def weakest_html(room: Room) -> str:
    weak = drill.weakest(room.store)
    if not weak:
        return '<div class="mp-card">No weak answers yet. Answer a few questions first.</div>'
    items = "".join(
        f'<li><b>{escape(w.question_text)}</b> — '
        f'{f"score {w.score}" if w.score is not None else "no content score"}, {clock(w.duration_s)}; '
        f'{escape(", ".join(w.reasons) or "below 80")}</li>' for w in weak)
    return ('<div class="mp-card" id="mp-weakest"><h3>Your three weakest answers</h3>'
            "<p>Rework each one by the fixes below (for a story: two sentences of Situation, your Task, what "
            "<i>you</i> did, a Result with a number) and re-record until it scores well and stays under the "
            f"limit.</p><ol>{items}</ol></div>")


def due_html(room: Room) -> str:
    cards = room.store.cards()
    if not cards:
        return '<div class="mp-card">Nothing scheduled yet: every answered question is scheduled here.</div>'
    now = datetime.now(UTC).timestamp()
    rows = []
    for c in cards[:20]:
        q = room.question(c["question_id"])
        wait = c["due"] - now
        when = "due now" if wait <= 0 else f"in {clock(wait)}" if wait < 3600 else \
            f"in {wait / 86400:.1f} days" if wait > 86400 else f"in {wait / 3600:.1f} h"
        rows.append(f"<li>{escape(q.text if q else c['question_id'])} — last score "
                    f"{c['last_score'] if c['last_score'] is not None else '-'}, {when}</li>")
    return f'<div class="mp-card"><h3>Drill queue</h3><ol>{"".join(rows)}</ol></div>'


def views(room: Room) -> tuple[str, str]:
    return weakest_html(room), due_html(room)


@dataclass(frozen=True)
class DrillTab:
    views: list
    refresh_fn: object
    go: gr.Button


def build(room: Room) -> DrillTab:
    weakest = gr.HTML(partial(weakest_html, room), elem_id="mp-weakest-view")
    due = gr.HTML(partial(due_html, room), elem_id="mp-due")
    go = gr.Button("Practice the next due question", variant="primary", elem_id="mp-drill-go")
    return DrillTab([weakest, due], partial(views, room), go)
