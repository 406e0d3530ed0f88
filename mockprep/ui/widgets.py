"""Small pieces of page shared by the tabs: the question, the clock and the recorder (wired by static/app.js)."""

from __future__ import annotations

from html import escape

from mockprep.assessment import RUBRIC_NAMES, RUBRIC_OF, QuestionType
from mockprep.banks import Question
from mockprep.words import clock

TYPE_CHOICES = [(t.value.replace("_", " or "), t.value) for t in QuestionType]


def question_html(q: Question | None, prefix: str = "") -> str:
    if q is None:
        return "<div>No question loaded; add a bank file to the data folder.</div>"
    tag = " · ".join(escape(x.replace("_", " ")) for x in (q.competency, q.bank) if x)
    return (f'<div class="mp-question" data-qid="{escape(q.id)}">{prefix}{escape(q.text)}</div>'
            f'<div class="mp-qtag">{tag}</div>')


def type_note(q: Question | None) -> str:
    """Which rubric an answer to this question is judged by, and how the type was decided."""
    if q is None:
        return ""
    how = "guessed from the wording" if q.type_inferred else "from the question bank"
    return f"Judged as: **{RUBRIC_NAMES[RUBRIC_OF[q.type]]}** ({how}; change it if that is not what was asked)."


def probes_md(q: Question | None) -> str:
    if not q or not q.probes:
        return ""
    return "Follow-ups an interviewer may ask:\n" + "\n".join(f"- {p}" for p in q.probes)


def recorder_html(rec_id: str, limit_s: float, finish_id: str, token_id: str) -> str:
    """The clock and the Record/Stop control. app.js streams the answer and, once the server has it all,
    puts the token in `token_id` and clicks `finish_id` for the feedback."""
    return (f'<div id="{rec_id}" class="mp-rec" data-finish="{finish_id}" data-token="{token_id}" '
            f'data-limit="{limit_s:g}">'
            f'<div class="mp-clock" role="timer" aria-live="off">{clock(limit_s)}</div>'
            # Disabled until the page's recorder script has loaded (static/app.js enables it).
            '<button class="record-button mp-rec-btn" type="button" aria-label="Record" disabled>● Record</button>'
            '<button class="stop-button mp-rec-btn" type="button" aria-label="Stop" style="display:none">'
            '■ Stop</button><span class="mp-rec-status" role="status" aria-live="polite"></span></div>')


READY = ('<div class="mp-card">Press <b>Record</b>, answer, then <b>Stop</b>. Feedback appears here a moment '
         "later. You can also upload a recording.</div>")
