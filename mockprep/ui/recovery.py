"""After a bad interview: the debrief, root causes, audit, five-day plan, addendum and rejection reading.

The logic is mockprep.debrief; this module renders it and keeps it in the store (key-value rows), so a
reload or a restart finds everything where the user left it.
"""

from __future__ import annotations

from typing import Any

from fsrs import Card

from mockprep import debrief as db
from mockprep.store import Store

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
        store.add_own_question(q.id, q.text, q.competency, q.source)
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
