"""After an interview tab: the debrief, root causes, audit, five-day plan, addendum and rejection reading.

The logic is mockprep.debrief; this module renders it and keeps it in the store (key-value rows), so a
reload or a restart finds everything where the user left it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import gradio as gr
from fsrs import Card

from mockprep import debrief as db
from mockprep.store import Store
from mockprep.ui.room import Room

DEBRIEF_KEY = "debrief:latest"
PLAN_KEY = "plan:checked"
AUDIT_KEY = "debrief:audit"
QUESTION_COLUMNS = ["question as asked", "your answer", "what was missing", "their reaction"]


def load(store: Store) -> db.Debrief | None:
    data = store.get_value(DEBRIEF_KEY)
    return db.Debrief.from_dict(data) if data else None


def from_form(company: str, role: str, date: str, region: str, fmt: str, rows: Any) -> db.Debrief:
    """The form's fields and question table (a DataFrame or list of rows) as a Debrief."""
    values = rows.values.tolist() if hasattr(rows, "values") else list(rows or [])
    qs = []
    for row in values:
        cells = [("" if c is None else str(c)).strip() for c in [*row, "", "", "", ""][:4]]
        if cells[0] and cells[0].lower() != "nan":
            qs.append(db.AskedQuestion(*[c if c.lower() != "nan" else "" for c in cells]))
    return db.Debrief(company.strip(), role.strip(), (date or "").strip(), region or "", (fmt or "").strip(),
                      tuple(qs))


def save(store: Store, d: db.Debrief) -> None:
    store.put(DEBRIEF_KEY, d.to_dict())


def causes_rows(d: db.Debrief) -> list[list[str]]:
    rows = []
    for q in d.questions:
        rc = db.cause_of(q)
        rows.append([q.text, rc.cause, "yes" if rc.confirmed else "suggested", rc.reason, rc.remedy])
    return rows


def confirm(d: db.Debrief, table: Any) -> db.Debrief:
    """Apply the cause column as the user left it (accepting or overriding each suggestion)."""
    values = table.values.tolist() if hasattr(table, "values") else list(table or [])
    chosen = {str(r[0]): str(r[1]).strip().lower() for r in values if r and r[0]}
    qs = []
    for q in d.questions:
        cause = chosen.get(q.text)
        qs.append(db.confirm_cause(q, cause if cause in db.ROOT_CAUSES else None))
    return db.Debrief(d.company, d.role, d.date, d.region, d.format, tuple(qs))


def add_to_drills(store: Store, d: db.Debrief) -> list[str]:
    """The debrief's questions join the user's bank; the weakest are due first in the drill queue."""
    import time

    own = db.debrief_questions(d)  # weakest first
    now = time.time()
    for rank, q in enumerate(own):
        store.add_own_question(q.id, q.text, q.competency, q.source)  # its type is read from the wording
        # Due now, in weakness order: the earliest due is drilled first.
        store.save_card(q.id, Card().to_json(), now - 3600 + rank, None)
    return [q.id for q in own]


def plan_choices(d: db.Debrief | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """(day title, [(task text, task id)]) for each day."""
    if d is None:
        return []
    return [(f"Day {day.number}: {day.title}", [(f"{t.text}  [{t.feature.replace('_', ' ')}]", t.id)
                                               for t in day.tasks]) for day in db.five_day_plan(d)]


def audit_answers(values: list[str | None]) -> dict[str, bool | None]:
    return {item.id: (None if v in (None, "", "not sure") else v == "yes")
            for item, v in zip(db.AUDIT_ITEMS, values, strict=True)}


def addendum_view(d: db.Debrief | None, region: str, challenge: str, action: str, result: str) -> tuple[str, str]:
    if d is None or not d.questions:
        return "", "Save a debrief with at least one question first."
    example = {k: v.strip() for k, v in (("challenge", challenge), ("action", action), ("result", result)) if v}
    note = db.draft_addendum(d, region or d.region or "us_canada", example or None)
    checks = "\n".join(f"- {'✓' if ok else '✗'} {msg}" for ok, msg in note.checks.values())
    tips = "\n".join(f"- {t}" for t in note.tone_tips)
    return note.text, f"**{note.word_count} words.**\n\n{checks}\n\n**Tone:**\n{tips}\n\nNothing is sent: copy it " \
                      "into your own email."


def rejection_view(store: Store, message: str) -> str:
    reading = db.read_rejection(message or "")
    out = [f"**{reading.kind.capitalize()}.** {reading.summary}"]
    if reading.items:
        for q in db.rejection_questions(reading):
            store.add_own_question(q.id, q.text, q.competency, q.source)
            store.save_card(q.id, Card().to_json(), 0.0, None)
        out += ["", "Added to your drills:"] + [f"- **{i.skill}** — “{i.quote}” → {i.drill_question}"
                                              for i in reading.items]
    return "\n".join(out)


# ---------------------------------------------------------------- handlers


def plan_updates(room: Room, d: db.Debrief | None) -> list:
    plan = plan_choices(d)
    checked = set(room.store.get_value(PLAN_KEY, []) or [])
    return [gr.CheckboxGroup(choices=plan[i][1], label=plan[i][0], value=[t for _, t in plan[i][1] if t in checked])
            if i < len(plan) else gr.CheckboxGroup(choices=[]) for i in range(5)]


def save_debrief(room: Room, *form: Any) -> tuple:
    d = from_form(*form)
    if not d.questions:
        return "**Add at least one question as it was asked.**", gr.skip(), *[gr.skip()] * 5
    old = load(room.store)
    if old:  # keep causes the user already confirmed for the same questions
        confirmed = {q.text: q.cause for q in old.questions if q.cause}
        d = db.Debrief(d.company, d.role, d.date, d.region, d.format,
                       tuple(db.AskedQuestion(q.text, q.answer, q.missing, q.reaction, confirmed.get(q.text))
                             for q in d.questions))
    save(room.store, d)
    ids = add_to_drills(room.store, d)
    return (f"Saved. {len(ids)} questions joined your drills, weakest first.", causes_rows(d),
            *plan_updates(room, d))


def confirm_causes(room: Room, table: Any) -> tuple:
    d = load(room.store)
    if d is None:
        return "**Save the debrief first.**", gr.skip()
    d = confirm(d, table)
    save(room.store, d)
    return "Causes confirmed.", causes_rows(d)


def worst_ids(room: Room, n: int) -> list[str]:
    d = load(room.store)
    return db.drill_ids(d, n) if d else []


def audit(room: Room, *values: str | None) -> str:
    answers = audit_answers(list(values))
    room.store.put(AUDIT_KEY, {k: ("not sure" if v is None else "yes" if v else "no") for k, v in answers.items()})
    return db.audit_verdict(answers)


def tick_plan(room: Room, *groups: list[str] | None) -> None:
    room.store.put(PLAN_KEY, sorted({t for g in groups for t in (g or [])}))


def draft_note(room: Room, region: str, challenge: str, action: str, result: str) -> tuple[str, str]:
    return addendum_view(load(room.store), region, challenge, action, result)


def restore(room: Room) -> list:
    """What the tab holds in the store, so a reload shows it as the user left it."""
    d = load(room.store)
    saved_audit = room.store.get_value(AUDIT_KEY, {}) or {}
    audits = [saved_audit.get(item.id, "not sure") for item in db.AUDIT_ITEMS]
    if d is None:
        return [gr.skip()] * 7 + plan_updates(room, None) + audits
    rows = [[q.text, q.answer, q.missing, q.reaction] for q in d.questions]
    rows += [["", "", "", ""]] * max(1, 4 - len(rows))
    return [d.company, d.role, d.date, d.region or "us_canada", d.format, rows, causes_rows(d),
            *plan_updates(room, d), *audits]


# ---------------------------------------------------------------- layout


@dataclass(frozen=True)
class RecoveryTab:
    practise: gr.Button  # practise the worst question (wired by the app: it switches tab)
    mock: gr.Button  # a mock interview on the worst questions
    status: gr.Markdown
    restored: list
    restore_fn: object


def build(room: Room) -> RecoveryTab:
    saved = load(room.store)
    gr.Markdown("Write it down while it is fresh: what they asked, what you said, what was missing, how they "
                "reacted. mockprep suggests a root cause for each, builds a five-day plan and puts the worst "
                "questions first in your drills.")
    with gr.Row():
        company = gr.Textbox(saved.company if saved else "", label="Company", elem_id="mp-d-company")
        role = gr.Textbox(saved.role if saved else "", label="Role")
        date = gr.Textbox(saved.date if saved else time.strftime("%Y-%m-%d"), label="Date")
        region = gr.Dropdown([(v, k) for k, v in db.REGIONS.items()],
                             value=(saved.region if saved and saved.region else "us_canada"), label="Region")
        fmt = gr.Textbox(saved.format if saved else "", label="Format (phone, video, onsite...)")
    rows = [[q.text, q.answer, q.missing, q.reaction] for q in saved.questions] if saved else []
    questions = gr.Dataframe(rows + [["", "", "", ""]] * max(1, 4 - len(rows)), headers=QUESTION_COLUMNS,
                             column_count=4, row_count=4, interactive=True, wrap=True, label="Questions asked",
                             elem_id="mp-d-questions")
    save_btn = gr.Button("Save the debrief and suggest root causes", variant="primary", elem_id="mp-d-save")
    causes = gr.Dataframe(causes_rows(saved) if saved else None,
                          headers=["question", "cause", "confirmed", "why", "what to do"], interactive=True,
                          wrap=True, elem_id="mp-d-causes",
                          label="Root causes: change the cause column to any of knowledge, communication, culture, "
                                "logistics, then confirm")
    confirm_btn = gr.Button("Confirm these causes", elem_id="mp-d-confirm")
    with gr.Row():
        practise = gr.Button("Practise the worst question now", variant="primary", elem_id="mp-d-practice")
        mock = gr.Button("Mock interview on exactly these questions", elem_id="mp-d-mock")
    status = gr.Markdown(elem_id="mp-d-status")
    with gr.Accordion("Rejection audit", open=False):
        audit_saved = room.store.get_value(AUDIT_KEY, {}) or {}
        audits = [gr.Radio(["yes", "no", "not sure"], label=item.text, value=audit_saved.get(item.id, "not sure"))
                  for item in db.AUDIT_ITEMS]
        verdict = gr.Markdown()
    with gr.Accordion("Five-day plan", open=True):
        plan = plan_choices(saved)
        checked = room.store.get_value(PLAN_KEY, []) or []
        days = [gr.CheckboxGroup(plan[i][1] if i < len(plan) else [],
                                 value=[c for c in checked if plan and i < len(plan)
                                        and c in {t for _, t in plan[i][1]}],
                                 label=plan[i][0] if i < len(plan) else f"Day {i + 1}", elem_id=f"mp-day-{i + 1}")
                for i in range(5)]
    with gr.Accordion("Follow-up note (addendum)", open=False):
        gr.Markdown("One clarifying example for your weakest answer: the challenge, what you did, the result with a "
                    "number. Nothing is sent.")
        with gr.Row():
            challenge = gr.Textbox(label="The challenge")
            action = gr.Textbox(label="What you did")
            result = gr.Textbox(label="The result, with a number")
        draft = gr.Button("Draft the note")
        note = gr.Textbox(label="Draft", lines=10, buttons=["copy"], elem_id="mp-d-note")
        note_checks = gr.Markdown()
    with gr.Accordion("Read a rejection message", open=False):
        message = gr.Textbox(label="Paste the message", lines=5)
        read = gr.Button("Read it")
        reading = gr.Markdown(elem_id="mp-d-rejection")

    form = [company, role, date, region, fmt, questions]
    save_btn.click(partial(save_debrief, room), form, [status, causes, *days], api_name="debrief_save")
    confirm_btn.click(partial(confirm_causes, room), [causes], [status, causes], api_name="debrief_confirm")
    for radio in audits:
        radio.change(partial(audit, room), audits, [verdict], api_visibility="private")
    for group in days:
        group.change(partial(tick_plan, room), days, None, api_visibility="private")
    draft.click(partial(draft_note, room), [region, challenge, action, result], [note, note_checks],
                api_name="addendum")
    read.click(lambda m: rejection_view(room.store, m), [message], [reading], api_name="read_rejection")
    return RecoveryTab(practise, mock, status, [*form, causes, *days, *audits], partial(restore, room))
