"""Mock interview tab: N questions mixed as a real interview mixes them, each answer followed by the probe
its weakest part calls for (or a dig into the thinnest layer of the story told), then a summary. Recorded
with the same recorder as Practice."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from html import escape

import gradio as gr

from mockprep import mock, stories
from mockprep.mock import MockInterview, Phase
from mockprep.render import warn_html
from mockprep.ui.practice import outcome_html
from mockprep.ui.room import Room
from mockprep.ui.widgets import question_html, recorder_html

INTRO = ('<div class="mp-card">A run of questions like a real interview: an opener, stories, a motivation '
         "question; each answer under the limit, each followed by the probe an interviewer would ask.</div>")


def view(st: MockInterview | None) -> str:
    if st is None:
        return INTRO
    if st.phase == Phase.DONE:
        s = st.summary()
        avg = f"average score {s.average_score}" if s.average_score is not None else "no scored answers"
        return (f'<div class="mp-card" id="mp-mock-summary"><h3>Mock interview done</h3>'
                f"<p>{s.answers} answers, {avg}, {s.over_limit} over the limit.</p><p>{escape(s.advice)}</p></div>")
    n = len(st.questions)
    q = st.question
    if st.phase == Phase.PROBE and q is not None:
        # The recorder names the question it answers and the follow-up asked about it.
        return (f'<div class="mp-card" id="mp-mock-now"><small>Follow-up to question {st.pos + 1} of {n}</small>'
                f'<div class="mp-question" data-qid="{escape(q.id)}" data-probe="{escape(st.probe or "")}">'
                f"{escape(st.probe or '')}</div></div>")
    return f'<div class="mp-card" id="mp-mock-now"><small>Question {st.pos + 1} of {n}</small>{question_html(q)}</div>'


def begin(room: Room, n: float, only_ids: list[str] | None = None) -> tuple:
    if only_ids:
        qs = [q for q in (room.question(i) for i in only_ids) if q]
    else:
        qs = mock.pick_questions(room.all_questions(), int(n))
    if not qs:
        return None, warn_html("No questions to ask."), ""
    st = MockInterview.start(room.store.add_mock([q.id for q in qs]), qs)
    return st, view(st), ""


def answered(room: Room, token: str, st: MockInterview | None) -> tuple:
    """The page has sent an answer: keep it under the interview, then ask what comes next."""
    if st is None or st.phase == Phase.DONE:
        room.drop_live(str(token or ""))
        return st, view(st), warn_html("Start a mock interview first."), ""
    if st.phase == Phase.PROBE:
        out = room.stop_live(str(token or ""), parent_id=st.parent_id, mock_id=st.id)
    else:
        out = room.stop_live(str(token or ""), mock_id=st.id)
    # The story's layers over every telling of it (this one is stored by now), for the follow-up to dig into.
    layers = stories.layers_for(room.store, out.attempt_id, room.settings) \
        if st.phase == Phase.ANSWER and out and out.attempt_id and out.analysis and out.analysis.star else None
    nxt = st.answered(out.analysis if out else None, out.attempt_id if out else None, layers)
    room.store.set_mock(st.id, nxt.pos, nxt.phase.value if nxt.phase == Phase.DONE else "running")
    return nxt, view(nxt), outcome_html(out), ""


def skip(room: Room, st: MockInterview | None) -> tuple:
    if st is None:
        return st, view(st), warn_html("Start a mock interview first.")
    nxt = st.skip()
    room.store.set_mock(st.id, nxt.pos, nxt.phase.value if nxt.phase == Phase.DONE else "running")
    return nxt, view(nxt), ""


@dataclass(frozen=True)
class MockTab:
    state: gr.State
    started: list  # what `begin` fills
    begin_fn: object


def build(room: Room) -> MockTab:
    state = gr.State(None)
    with gr.Row():
        n = gr.Slider(1, 10, value=5, step=1, label="Questions", elem_id="mp-mock-n")
        go = gr.Button("Start a mock interview", variant="primary", elem_id="mp-mock-start")
    now = gr.HTML(INTRO, elem_id="mp-mock-question")
    gr.HTML(recorder_html("mock-audio", room.settings.limit_s, "mp-mock-finish", "mp-mock-token"))
    token = gr.Textbox(elem_id="mp-mock-token", elem_classes=["mp-hidden"], show_label=False, container=False)
    done = gr.Button("finish", elem_id="mp-mock-finish", elem_classes=["mp-hidden"])
    nxt = gr.Button("Skip this one", elem_id="mp-mock-next")
    feedback = gr.HTML(elem_id="mp-mock-feedback")

    started = [state, now, feedback]
    go.click(partial(begin, room), [n], started, api_name="mock_start",
             js="(n) => { window.mpApp?.reset(); return n; }")
    done.click(partial(answered, room), [token, state], [state, now, feedback, token], api_name="mock_answer",
               concurrency_id="asr", show_progress="minimal",
               js="(t, s) => [window.mpApp.token('mp-mock-finish'), s]",
               ).then(None, js="() => { window.mpApp?.analysed(); }")
    nxt.click(partial(skip, room), [state], [state, now, feedback], api_visibility="private",
              js="(s) => { window.mpApp?.reset(); return s; }")
    return MockTab(state, started, partial(begin, room))
