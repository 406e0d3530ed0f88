"""Review tab: every attempt kept; open one, compare two, export, delete."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from html import escape

import gradio as gr

from mockprep import report
from mockprep.render import feedback_html, player_html, warn_html
from mockprep.store import Attempt
from mockprep.ui.room import Room
from mockprep.words import clock

HEADERS = ["id", "date", "question", "score", "length", "over limit", "status"]


def history_rows(room: Room) -> list[list]:
    return [[a.id, a.when, a.question_text or "", a.score if a.score is not None else "", clock(a.duration_s or 0),
             "yes" if (a.over_limit_s or 0) > 0 else "", a.status] for a in room.store.attempts()]


def attempt_choices(room: Room) -> list[tuple[str, int]]:
    return [(f"#{a.id} · {a.when} · {(a.question_text or '')[:60]} · {a.score if a.score is not None else '-'}",
             a.id) for a in room.store.attempts()]


def attempt_view(a: Attempt) -> str:
    head = f'<div class="mp-card"><b>{escape(a.question_text or "Answer")}</b><br>{escape(a.when)}</div>'
    missing = a.error or "Not analysed yet; run mockprep reanalyze."
    body = feedback_html(a.analysis) if a.analysis else warn_html(missing)
    return head + player_html(a.id) + body


def open_attempt(room: Room, attempt_id: int | None) -> str:
    a = room.store.get(int(attempt_id)) if attempt_id else None
    return attempt_view(a) if a else '<div class="mp-card">Pick an attempt to open it.</div>'


def compare(room: Room, left: int | None, right: int | None) -> str:
    cols = []
    for aid in (left, right):
        a = room.store.get(int(aid)) if aid else None
        cols.append(attempt_view(a) if a else '<div class="mp-card">Pick an attempt.</div>')
    return '<div class="mp-compare">' + "".join(f"<div>{c}</div>" for c in cols) + "</div>"


def refresh(room: Room) -> tuple:
    choices = attempt_choices(room)
    return history_rows(room), gr.Dropdown(choices=choices), gr.Dropdown(choices=choices), gr.Dropdown(choices=choices)


def export_one(room: Room, aid: int | None) -> tuple:
    if not aid:
        return None, "Pick an attempt first."
    a = room.store.get(int(aid))
    if a is None:
        return None, "That attempt is gone."
    folder = report.export_attempts(room.store, [a], f"attempt-{a.id}")
    return [str(p) for p in sorted(folder.iterdir())], f"Exported to {folder}."


def export_csv(room: Room) -> tuple:
    folder = room.store.data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"history-{time.strftime('%Y%m%d-%H%M%S')}.csv"
    p.write_text(report.history_csv(room.store.attempts()), encoding="utf-8")
    return [str(p)], f"Exported {p}."


def delete_one(room: Room, aid: int | None) -> tuple:
    if not aid:
        return "Pick an attempt first.", *refresh(room)
    ok = room.store.delete_attempt(int(aid))
    return (f"Deleted attempt {aid} and its audio." if ok else "Already gone."), *refresh(room)


def delete_all(room: Room, confirmed: bool) -> tuple:
    if not confirmed:
        return "Tick the box to confirm: this deletes every recording and result.", *refresh(room)
    room.store.delete_all()
    return "All your data is deleted.", *refresh(room)


@dataclass(frozen=True)
class ReviewTab:
    refreshed: list
    refresh_fn: object


def build(room: Room) -> ReviewTab:
    history = gr.Dataframe(headers=HEADERS, value=partial(history_rows, room), interactive=False,
                           elem_id="mp-history", wrap=True)
    with gr.Row():
        pick = gr.Dropdown(choices=attempt_choices(room), label="Open an attempt", elem_id="mp-open-attempt")
        again = gr.Button("Refresh")
    opened = gr.HTML(elem_id="mp-opened")
    with gr.Accordion("Compare two attempts", open=False):
        with gr.Row():
            left = gr.Dropdown(choices=attempt_choices(room), label="Left")
            right = gr.Dropdown(choices=attempt_choices(room), label="Right")
        compared = gr.HTML(elem_id="mp-compare")
    with gr.Accordion("Export and delete", open=False):
        with gr.Row():
            one = gr.Button("Export this attempt (Markdown + HTML)")
            csv = gr.Button("Export history (CSV)")
        exported = gr.File(label="Exported files", file_count="multiple")
        with gr.Row():
            drop = gr.Button("Delete this attempt", variant="stop")
            confirm = gr.Checkbox(False, label="Yes, delete all my data")
            drop_all = gr.Button("Delete all data", variant="stop")
        said = gr.Markdown()

    refreshed = [history, pick, left, right]
    again.click(partial(refresh, room), None, refreshed, api_name="history")
    pick.change(partial(open_attempt, room), [pick], [opened], api_name="open_attempt")
    left.change(partial(compare, room), [left, right], [compared], api_visibility="private")
    right.change(partial(compare, room), [left, right], [compared], api_name="compare")
    one.click(partial(export_one, room), [pick], [exported, said], api_name="export_attempt")
    csv.click(partial(export_csv, room), None, [exported, said], api_name="export_csv")
    drop.click(partial(delete_one, room), [pick], [said, *refreshed], api_name="delete_attempt")
    drop_all.click(partial(delete_all, room), [confirm], [said, *refreshed], api_name="delete_all")
    return ReviewTab(refreshed, partial(refresh, room))
