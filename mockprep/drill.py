"""Weak questions come back: an FSRS schedule per question, rated from what the analysis measured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

from mockprep.analysis import Analysis
from mockprep.assessment import Rubric
from mockprep.feedback import GapId, Severity
from mockprep.store import Store

# Fuzzing off: the same answers give the same schedule, which users (and tests) can follow.
SCHEDULER = Scheduler(enable_fuzzing=False)


@dataclass(frozen=True)
class Weak:
    question_id: str
    question_text: str
    score: int | None
    duration_s: float
    reasons: tuple[str, ...]
    attempt_id: int


# How each gap reads in a list of what to work on.
REASONS = {
    GapId.NOT_A_STORY: "not a specific story",
    GapId.OVER_LIMIT: "over the time limit",
    GapId.MISSING_RESULT: "no Result",
    GapId.RESULT_NOT_QUANTIFIED: "Result without a number",
    GapId.ACTION_WE: "“we” instead of “I”",
    GapId.MISSING_ACTION: "no actions of your own",
    GapId.SITUATION_LONG: "long Situation",
    GapId.ACTION_RESULT_SHORT: "too little on Action and Result",
    GapId.TASK_OWNERSHIP: "your own task not stated",
    GapId.FILLERS: "many fillers",
    GapId.PACE_FAST: "too fast",
    GapId.PACE_SLOW: "too slow",
    GapId.LONG_PAUSES: "long pauses",
    GapId.MONOTONE: "flat delivery",
    GapId.LENGTH_FITS: "too short or too long for the question",
    GapId.OPENS_WITH_PRESENT: "does not open with where you are now",
    GapId.COVERS_PAST: "nothing on how you got here",
    GapId.RECENT_AND_RELEVANT: "too far back or too personal",
    GapId.NAMES_A_HIGHLIGHT: "no achievement named",
    GapId.LOOKS_AHEAD: "nothing on what you want next",
    GapId.ENDS_ON_THIS_ROLE: "never says why this role",
    GapId.SPECIFIC_TO_EMPLOYER: "could be said to any employer",
    GapId.REASONS_ABOUT_THE_WORK: "no reason about the work itself",
    GapId.TIED_TO_EXPERIENCE: "not tied to your own experience",
    GapId.FORWARD_LOOKING: "nothing on what you would do next",
    GapId.NO_BLAME: "blames an employer",
    GapId.NAMES_TRAIT: "the strength or weakness is not named",
    GapId.GENUINE_TRAIT: "a cliché instead of a real trait",
    GapId.STEPS_TAKEN: "no steps taken",
    GapId.EVIDENCE_OF_CHANGE: "no proof it changed",
    GapId.RECENT_EXAMPLE: "no recent example",
    GapId.FRAMES_SITUATION: "straight to action, no framing",
    GapId.WEIGHS_OPTIONS: "only one option",
    GapId.MAKES_DECISION: "no decision",
    GapId.GIVES_REASONS: "a decision without a reason",
    GapId.PLANS_FOLLOW_UP: "no check that it worked",
    GapId.REAL_EXAMPLE: "no real example",
}


def weaknesses(analysis: Analysis) -> list[str]:
    """What made this answer weak, in words a candidate can act on: its gaps, most important first."""
    if not analysis.ok:
        return ["no answer was heard"]
    return [REASONS.get(t.id, t.id.value.replace("_", " ")) for t in analysis.gaps
            if t.severity != Severity.LOW]


# Gaps that make an answer fail outright, whatever it scored: it has to be done again soon. Each rubric has
# its own: what an interviewer would hold against that kind of answer.
SERIOUS = frozenset({GapId.NOT_A_STORY, GapId.MISSING_RESULT, GapId.OVER_LIMIT})
SERIOUS_OF: dict[Rubric, frozenset[GapId]] = {
    Rubric.STAR: SERIOUS,
    Rubric.INTRODUCTION: frozenset({GapId.OVER_LIMIT, GapId.RECENT_AND_RELEVANT, GapId.ENDS_ON_THIS_ROLE}),
    Rubric.MOTIVATION: frozenset({GapId.OVER_LIMIT, GapId.NO_BLAME, GapId.SPECIFIC_TO_EMPLOYER}),
    Rubric.STRENGTH_WEAKNESS: frozenset({GapId.OVER_LIMIT, GapId.GENUINE_TRAIT, GapId.STEPS_TAKEN}),
    Rubric.SITUATIONAL: frozenset({GapId.OVER_LIMIT, GapId.MAKES_DECISION}),
    Rubric.OPEN: frozenset({GapId.OVER_LIMIT}),
}


def rating(analysis: Analysis) -> Rating:
    """Again for a broken answer, Hard for a weak one, Good or Easy as it stops having gaps.

    Rated by the answer's own rubric: its score and its gaps (delivery alone for an open question)."""
    if not analysis.ok:
        return Rating.Again
    serious = any(t.id in SERIOUS_OF[analysis.rubric] for t in analysis.gaps)
    weak = any(t.severity != Severity.LOW for t in analysis.gaps)
    score = analysis.score if analysis.score is not None else (100 if not (serious or weak) else 60)
    if score < 50 or serious:
        return Rating.Again
    if score < 70 or weak:
        return Rating.Hard
    return Rating.Good if score < 90 else Rating.Easy


def review(store: Store, question_id: str, analysis: Analysis, now: datetime | None = None) -> datetime:
    """Schedule the question's next drill from this answer; returns when it is due."""
    saved = store.card(question_id)
    card = Card.from_json(saved[0]) if saved else Card()
    card, _ = SCHEDULER.review_card(card, rating(analysis), now or datetime.now(UTC))
    store.save_card(question_id, card.to_json(), card.due.timestamp(), analysis.score)
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


def weakest(store: Store, n: int = 3) -> list[Weak]:
    """The n questions whose latest answer is weakest: the answers to rewrite and record again."""
    latest = {}
    for a in store.attempts():  # newest first
        if a.question_id and a.question_id not in latest and a.analysis is not None:
            latest[a.question_id] = a
    rows = []
    for qid, a in latest.items():
        reasons = weaknesses(a.analysis)
        if reasons or (a.score or 0) < 80:
            rows.append(Weak(qid, a.question_text or qid, a.score, a.duration_s or 0.0, tuple(reasons), a.id))
    # Unscored (open) answers rank by their delivery gaps alone, after scored answers of the same weight.
    return sorted(rows, key=lambda w: (w.score if w.score is not None else 80, -len(w.reasons)))[:n]
