"""Weak questions come back: an FSRS schedule per question, rated from what the analysis measured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fsrs import Card, Rating, Scheduler

from mockprep.config import SETTINGS, Settings
from mockprep.store import Store

# Fuzzing off: the same answers give the same schedule, which users (and tests) can follow.
SCHEDULER = Scheduler(enable_fuzzing=False)


@dataclass(frozen=True)
class Weak:
    question_id: str
    question_text: str
    score: int
    duration_s: float
    reasons: tuple[str, ...]
    attempt_id: int


def weaknesses(analysis: dict[str, Any], settings: Settings = SETTINGS) -> list[str]:
    """What made this answer weak, in words a candidate can act on."""
    if analysis.get("status") != "ok":
        return ["no answer was heard"]
    out = []
    star = analysis["star"]
    checks = star["checks"]
    if star["parts"]["result"]["sentences"] == 0:
        out.append("no Result")
    elif not checks["result_quantified"]["passed"]:
        out.append("Result without a number")
    if analysis.get("over_limit_s", 0) > 0:
        out.append(f"{analysis['over_limit_s']:.0f} s over the limit")
    if not checks["action_uses_i"]["passed"]:
        out.append("“we” instead of “I”")
    if not checks["situation_brief"]["passed"]:
        out.append("long Situation")
    if not checks["is_story"]["passed"]:
        out.append("not a specific story")
    if analysis["delivery"]["fillers_per_min"] >= settings.fillers_per_min_high:
        out.append(f"{analysis['delivery']['fillers_per_min']:.0f} fillers a minute")
    return out


def rating(analysis: dict[str, Any], settings: Settings = SETTINGS) -> Rating:
    """Again for a broken answer, Hard for a weak one, Good or Easy as it becomes a strict STAR answer."""
    if analysis.get("status") != "ok":
        return Rating.Again
    score = analysis["star"]["score"]
    weak = weaknesses(analysis, settings)
    serious = {"no Result", "not a specific story"} & set(weak) or analysis.get("over_limit_s", 0) > 0
    if score < 50 or serious:
        return Rating.Again
    if score < 70 or weak:
        return Rating.Hard
    return Rating.Good if score < 90 else Rating.Easy


def review(store: Store, question_id: str, analysis: dict[str, Any], now: datetime | None = None) -> datetime:
    """Schedule the question's next drill from this answer; returns when it is due."""
    saved = store.card(question_id)
    card = Card.from_json(saved[0]) if saved else Card()
    card, _ = SCHEDULER.review_card(card, rating(analysis), now or datetime.now(UTC))
    store.save_card(question_id, card.to_json(), card.due.timestamp(), (analysis.get("star") or {}).get("score"))
    return card.due


def due(store: Store, now: datetime | None = None) -> list[str]:
    """Question ids due for drilling now, the most overdue and lowest scoring first."""
    t = (now or datetime.now(UTC)).timestamp()
    cards = [c for c in store.cards() if c["due"] <= t]
    return [c["question_id"] for c in sorted(cards, key=lambda c: (c["due"], c["last_score"] or 0))]


def next_due(store: Store, now: datetime | None = None) -> str | None:
    """The question to drill next: a due one, else the one coming due soonest, else none."""
    ids = due(store, now)
    if ids:
        return ids[0]
    cards = store.cards()
    return cards[0]["question_id"] if cards else None


def weakest(store: Store, n: int = 3, settings: Settings = SETTINGS) -> list[Weak]:
    """The n questions whose latest answer is weakest: the stories to rewrite in strict STAR."""
    latest: dict[str, Any] = {}
    for a in store.attempts():  # newest first
        if a.question_id and a.question_id not in latest and a.status in ("ok", "no_speech"):
            latest[a.question_id] = a
    rows = []
    for qid, a in latest.items():
        reasons = weaknesses(a.analysis or {}, settings)
        if reasons or (a.score or 0) < 80:
            rows.append(Weak(qid, a.question_text or qid, a.score or 0, a.duration_s or 0.0, tuple(reasons), a.id))
    return sorted(rows, key=lambda w: (w.score, -len(w.reasons)))[:n]
