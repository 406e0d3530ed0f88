"""Practice tab: a question, the 2-minute clock, the recorder, and the feedback a moment after Stop."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import gradio as gr

from mockprep import practice
from mockprep.assessment import QuestionType
from mockprep.banks import Question
from mockprep.practice import Outcome
from mockprep.render import feedback_html, player_html, warn_html
from mockprep.ui.room import Room
from mockprep.ui.widgets import READY, TYPE_CHOICES, probes_md, question_html, recorder_html, type_note

NO_RECORDING = "No recording arrived; press Record and answer, then Stop."


def outcome_html(out: Outcome | None) -> str:
    """An attempt's page: its player, then the feedback (or why there is none; the recording is kept)."""
    if out is None:
        return warn_html(NO_RECORDING)
    if out.analysis is None:
        kept = warn_html(f"{out.error} The recording is kept as attempt {out.attempt_id}.")
        return kept + player_html(out.attempt_id)
    return player_html(out.attempt_id) + feedback_html(out.analysis)


# ---------------------------------------------------------------- handlers


def show(q: Question | None, feedback: str = READY) -> tuple:
    return q, question_html(q), type_note(q), q.type.value if q else None, probes_md(q), feedback


def new_question(room: Room, competency: str, bank: str, qtype: str, current: Question | None) -> tuple:
    return show(room.pick(competency, bank, qtype, current))


def next_due(room: Room, current: Question | None) -> tuple:
    q = room.next_due()
    if q is None:
        return show(current, warn_html("Nothing is due yet: answer some questions."))
    return show(q)


def change_type(room: Room, current: Question | None, qtype: str | None) -> tuple[Question | None, str]:
    if current is None or not qtype or qtype == current.type.value:
        return current, type_note(current)
    q = room.set_type(current.id, QuestionType(qtype))
    return q, type_note(q)


def finish(room: Room, token: str) -> tuple[str, str]:
    """The page has sent the whole answer: its feedback (the token box is cleared for the next one)."""
    return outcome_html(room.stop_live(str(token or ""))), ""


def upload(room: Room, path: str | None, current: Question | None, limit: float) -> str:
    if not path:
        return warn_html(NO_RECORDING)
    return outcome_html(practice.attempt(room.store, path, current, float(limit or room.settings.limit_s),
                                         room.settings))


# ---------------------------------------------------------------- layout


@dataclass(frozen=True)
class PracticeTab:
    question: gr.State
    shown: list  # what `show` fills: the question and everything that depends on it
    limit: gr.Number


def build(room: Room) -> PracticeTab:
    first = room.first_question()
    qs = room.all_questions()
    question = gr.State(first)
    with gr.Row():
        with gr.Column(scale=3):
            question_view = gr.HTML(question_html(first), elem_id="mp-question")
            with gr.Row():
                qtype = gr.Radio(TYPE_CHOICES, value=first.type.value if first else None, label="Kind of question",
                                 elem_id="mp-type")
            type_view = gr.Markdown(type_note(first), elem_id="mp-type-note")
            with gr.Row():
                comp = gr.Dropdown(["any", *sorted({q.competency for q in qs})], value="any", label="Competency")
                bank = gr.Dropdown(["any", *sorted({q.bank for q in qs})], value="any", label="Bank / role")
                kind = gr.Dropdown([("any", "any"), *TYPE_CHOICES], value="any", label="Kind")
            with gr.Row():
                new_q = gr.Button("Another question", elem_id="mp-new-question")
                due_q = gr.Button("Next due for drilling", elem_id="mp-next-due")
            probes = gr.Markdown(probes_md(first))
        with gr.Column(scale=1), gr.Accordion("Settings", open=False):
            limit = gr.Number(room.settings.limit_s, label="Time limit (seconds)", minimum=10, maximum=1200,
                              elem_id="mp-limit")
            gr.Checkbox(False, label="Soft limit: keep recording, mark the overtime", elem_id="mp-soft")
            gr.Slider(0, 60, value=0, step=5, label="Think time before recording (s)", elem_id="mp-think")
            gr.Button("Start with think time", elem_id="mp-think-go")
    gr.HTML(recorder_html("answer-audio", room.settings.limit_s, "mp-finish", "mp-token"))
    token = gr.Textbox(elem_id="mp-token", elem_classes=["mp-hidden"], show_label=False, container=False)
    done = gr.Button("finish", elem_id="mp-finish", elem_classes=["mp-hidden"])
    again = gr.Button("Try again (same question)", elem_id="mp-again")
    feedback = gr.HTML(READY, elem_id="feedback")
    with gr.Accordion("Or upload a recording", open=False):
        uploaded = gr.Audio(sources=["upload"], type="filepath", label="Recording", elem_id="answer-upload")

    shown = [question, question_view, type_view, qtype, probes, feedback]
    new_q.click(partial(new_question, room), [comp, bank, kind, question], shown, api_name="new_question")
    for dd in (comp, bank, kind):
        dd.change(partial(new_question, room), [comp, bank, kind, question], shown, api_visibility="private")
    due_q.click(partial(next_due, room), [question], shown, api_name="next_due")
    qtype.input(partial(change_type, room), [question, qtype], [question, type_view], api_name="set_type")
    again.click(lambda: READY, None, [feedback], api_visibility="private", js="() => { window.mpApp?.reset(); }")
    done.click(partial(finish, room), [token], [feedback, token], api_visibility="private",
               concurrency_id="asr", show_progress="minimal", js="(t) => [window.mpApp.token('mp-finish')]",
               ).then(None, js="() => { window.mpApp?.analysed(); }")
    uploaded.upload(partial(upload, room), [uploaded, question, limit], [feedback], api_name="analyze",
                    concurrency_id="asr", show_progress="minimal")
    return PracticeTab(question, shown, limit)
