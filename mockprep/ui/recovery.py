"""After an interview tab: the debrief, root causes, audit, five-day plan, addendum, rejection reading, and
the patterns across every interview debriefed.

The logic is mockprep.debrief; this module renders it and keeps it in the store (a row per debrief, key-value
rows for the plan and the audit), so a reload or a restart finds everything where the user left it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial
from html import escape
from typing import Any

import gradio as gr
from fsrs import Card

from mockprep import debrief as db
from mockprep.store import Store
from mockprep.ui.room import Room

NEW = "new"  # the interview picker's "a new interview"
PLAN_KEY = "plan:checked"
AUDIT_KEY = "debrief:audit"
QUESTION_COLUMNS = ["question as asked", "your answer", "what was missing", "their reaction"]
CAUSE_COLUMNS = ["question", "cause", "confirmed", "why", "what to do", "competency"]


def saved(store: Store) -> list[tuple[int, db.Debrief]]:
    """Every debrief with its id, the last saved first."""
    return [(row.id, db.Debrief.from_dict(row.data)) for row in store.debriefs()]


def load(store: Store, debrief_id: int | None = None) -> db.Debrief | None:
    """The debrief with this id, or the last saved."""
    return next((d for i, d in saved(store) if debrief_id is None or i == debrief_id), None)


def picked(which: str | None) -> int | None:
    return int(which) if which and str(which).isdigit() else None


def debrief_choices(store: Store) -> list[tuple[str, str]]:
    return [("A new interview", NEW)] + [
        (f"{d.company or 'no company'} · {d.date or 'no date'} · {db.OUTCOMES.get(d.outcome, 'outcome not set')}",
         str(i)) for i, d in saved(store)]


def from_form(company: str, role: str, date: str, region: str, fmt: str, kind: str | None, size: str | None,
              outcome: str | None, rows: Any) -> db.Debrief:
    """The form's fields and question table (a DataFrame or list of rows) as a Debrief."""
    values = rows.values.tolist() if hasattr(rows, "values") else list(rows or [])
    qs = []
    for row in values:
        cells = [("" if c is None else str(c)).strip() for c in [*row, "", "", "", ""][:4]]
        if cells[0] and cells[0].lower() != "nan":
            qs.append(db.AskedQuestion(*[c if c.lower() != "nan" else "" for c in cells]))
    return db.Debrief(company.strip(), role.strip(), (date or "").strip(), region or "", (fmt or "").strip(),
                      tuple(qs), kind or "", size or "", outcome or "")


def save(store: Store, d: db.Debrief, debrief_id: int | None = None) -> int:
    return store.save_debrief(d.to_dict(), debrief_id)


def causes_rows(d: db.Debrief) -> list[list[str]]:
    rows = []
    for q in d.questions:
        rc = db.cause_of(q)
        rows.append([q.text, rc.cause, "yes" if rc.confirmed else "suggested", rc.reason, rc.remedy,
                     db.competency_of(q)])
    return rows


def confirm(d: db.Debrief, table: Any) -> db.Debrief:
    """Apply the cause and competency columns as the user left them (accepting or overriding each suggestion)."""
    values = table.values.tolist() if hasattr(table, "values") else list(table or [])
    rows = {str(r[0]): [("" if c is None else str(c)).strip() for c in [*r, "", "", "", "", "", ""][:6]]
            for r in values if r and r[0]}
    qs = []
    for q in d.questions:
        row = rows.get(q.text)
        cause = row[1].lower() if row else None
        q = db.confirm_cause(q, cause if cause in db.ROOT_CAUSES else None)
        qs.append(replace(q, competency=row[5].lower()) if row and row[5] and row[5].lower() != "nan" else q)
    return replace(d, questions=tuple(qs))


def _md(text: str) -> str:
    # What the user typed (a format, a competency) shows as text: no markup, and no "|" to break the table.
    return escape(text, quote=False).replace("|", "&#124;")


def patterns_view(store: Store) -> str:
    """What the bad interviews share, as sentences and a table of the counts (Markdown)."""
    p = db.patterns([d for _, d in saved(store)])
    out = [f"- {_md(line)}" for line in db.pattern_lines(p)]
    if p.enough:
        out += ["", f"| | value | bad interviews (of {p.bad}) | others (of {p.others}) |", "|---|---|---|---|"]
        out += [f"| {dim if k == 0 else ''} | {_md(t.value)} | {t.bad} | {t.others} |"
                for dim, rows in p.tallies.items() for k, t in enumerate(rows)]
    return "\n".join(out)


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


def save_debrief(room: Room, which: str | None, *form: Any) -> tuple:
    d = from_form(*form)
    if not d.questions:
        return "**Add at least one question as it was asked.**", gr.skip(), gr.skip(), gr.skip(), *[gr.skip()] * 5
    debrief_id = picked(which)
    old = load(room.store, debrief_id) if debrief_id is not None else None
    if old:  # keep the causes and competencies the user already confirmed for the same questions
        before = {q.text: q for q in old.questions}
        d = replace(d, questions=tuple(
            replace(q, cause=before[q.text].cause, competency=before[q.text].competency) if q.text in before else q
            for q in d.questions))
    debrief_id = save(room.store, d, debrief_id)
    ids = add_to_drills(room.store, d)
    return (f"Saved. {len(ids)} questions joined your drills, weakest first.", causes_rows(d),
            gr.Dropdown(choices=debrief_choices(room.store), value=str(debrief_id)), patterns_view(room.store),
            *plan_updates(room, d))


def confirm_causes(room: Room, which: str | None, table: Any) -> tuple:
    debrief_id = picked(which)
    d = load(room.store, debrief_id) if debrief_id is not None else None
    if d is None:
        return "**Save the debrief first.**", gr.skip(), gr.skip()
    d = confirm(d, table)
    save(room.store, d, debrief_id)
    return "Causes confirmed.", causes_rows(d), patterns_view(room.store)


def form_values(d: db.Debrief | None) -> list:
    """The form as this debrief fills it (blank for a new interview)."""
    if d is None:
        return ["", "", time.strftime("%Y-%m-%d"), "us_canada", "", None, None, None, [["", "", "", ""]] * 4, None]
    rows = [[q.text, q.answer, q.missing, q.reaction] for q in d.questions]
    rows += [["", "", "", ""]] * max(1, 4 - len(rows))
    return [d.company, d.role, d.date, d.region or "us_canada", d.format, d.company_kind or None,
            d.company_size or None, d.outcome or None, rows, causes_rows(d)]


def open_debrief(room: Room, which: str | None) -> list:
    """Another interview picked: its debrief in the form, and its plan (the addendum follows the last saved)."""
    debrief_id = picked(which)
    d = load(room.store, debrief_id) if debrief_id is not None else None
    return [*form_values(d), *plan_updates(room, d)]


def worst_ids(room: Room, n: int, which: str | None = None) -> list[str]:
    """The n weakest questions of the interview picked (of the last saved while none is)."""
    d = load(room.store, picked(which))
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
    last = next(iter(saved(room.store)), None)
    saved_audit = room.store.get_value(AUDIT_KEY, {}) or {}
    audits = [saved_audit.get(item.id, "not sure") for item in db.AUDIT_ITEMS]
    which = gr.Dropdown(choices=debrief_choices(room.store), value=str(last[0]) if last else NEW)
    if last is None:
        return [which] + [gr.skip()] * 10 + plan_updates(room, None) + audits + [patterns_view(room.store)]
    return [which, *form_values(last[1]), *plan_updates(room, last[1]), *audits, patterns_view(room.store)]


# ---------------------------------------------------------------- layout


@dataclass(frozen=True)
class RecoveryTab:
    which: gr.Dropdown  # the interview picked: the practise and mock buttons take its weakest questions
    practise: gr.Button  # practise the worst question (wired by the app: it switches tab)
    mock: gr.Button  # a mock interview on the worst questions
    status: gr.Markdown
    restored: list
    restore_fn: object


def build(room: Room) -> RecoveryTab:
    last = next(iter(saved(room.store)), None)
    saved_d = last[1] if last else None
    c_company, c_role, c_date, c_region, c_fmt, c_kind, c_size, c_outcome, c_rows, c_causes = form_values(saved_d)
    gr.Markdown("Write it down while it is fresh: what they asked, what you said, what was missing, how they "
                "reacted. mockprep suggests a root cause for each, builds a five-day plan and puts the worst "
                "questions first in your drills. Keep one debrief per interview: across them, the patterns show.")
    which = gr.Dropdown(debrief_choices(room.store), value=str(last[0]) if last else NEW, label="Interview",
                        elem_id="mp-d-which")
    with gr.Row():
        company = gr.Textbox(c_company, label="Company", elem_id="mp-d-company")
        role = gr.Textbox(c_role, label="Role")
        date = gr.Textbox(c_date, label="Date")
        region = gr.Dropdown([(v, k) for k, v in db.REGIONS.items()], value=c_region, label="Region")
        fmt = gr.Dropdown(list(db.FORMATS), value=c_fmt or None, allow_custom_value=True, label="Format",
                          elem_id="mp-d-format")
    with gr.Row():
        kind = gr.Dropdown(list(db.COMPANY_KINDS), value=c_kind, label="Kind of company", elem_id="mp-d-kind")
        size = gr.Dropdown(list(db.COMPANY_SIZES), value=c_size, label="People at the company", elem_id="mp-d-size")
        outcome = gr.Dropdown([(v, k) for k, v in db.OUTCOMES.items()], value=c_outcome, label="How it went",
                              elem_id="mp-d-outcome")
    questions = gr.Dataframe(c_rows, headers=QUESTION_COLUMNS,
                             column_count=4, row_count=4, interactive=True, wrap=True, label="Questions asked",
                             elem_id="mp-d-questions")
    save_btn = gr.Button("Save the debrief and suggest root causes", variant="primary", elem_id="mp-d-save")
    causes = gr.Dataframe(c_causes, headers=CAUSE_COLUMNS, interactive=True, wrap=True, elem_id="mp-d-causes",
                          label="Root causes: change the cause column to any of knowledge, communication, culture, "
                                "logistics (and the competency, if the guess is wrong), then confirm")
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
    with gr.Accordion("Patterns across your interviews", open=True):
        patterns = gr.Markdown(patterns_view(room.store), elem_id="mp-d-patterns")
    with gr.Accordion("Five-day plan", open=True):
        plan = plan_choices(saved_d)
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

    form = [company, role, date, region, fmt, kind, size, outcome, questions]
    save_btn.click(partial(save_debrief, room), [which, *form], [status, causes, which, patterns, *days],
                   api_name="debrief_save")
    confirm_btn.click(partial(confirm_causes, room), [which, causes], [status, causes, patterns],
                      api_name="debrief_confirm")
    which.input(partial(open_debrief, room), [which], [*form, causes, *days], api_visibility="private")
    for radio in audits:
        radio.change(partial(audit, room), audits, [verdict], api_visibility="private")
    for group in days:
        group.change(partial(tick_plan, room), days, None, api_visibility="private")
    draft.click(partial(draft_note, room), [region, challenge, action, result], [note, note_checks],
                api_name="addendum")
    read.click(lambda m: rejection_view(room.store, m), [message], [reading], api_name="read_rejection")
    return RecoveryTab(which, practise, mock, status, [which, *form, causes, *days, *audits, patterns],
                       partial(restore, room))
