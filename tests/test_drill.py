"""Drilling: ratings from measured results, FSRS scheduling, due order, the three weakest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from mockprep import drill
from mockprep.analysis import Analysis
from mockprep.assessment import Assessment, QuestionType, Rubric
from mockprep.banks import Question
from mockprep.feedback import GapId, Severity, Tip
from mockprep.store import Store
from mockprep.words import Evidence
from tests.conftest import analysed


def fake(score: int, *, result: bool = True, over: float = 0.0, fillers: float = 1.0, we: bool = False) -> Analysis:
    """An answer with just the gaps named: what the drill rating reads."""
    ev = Evidence("…", 1.0, 2.0)
    gaps = [Tip(GapId.OVER_LIMIT, Severity.HIGH, "over", ev)] * (over > 0) + \
        [Tip(GapId.MISSING_RESULT, Severity.HIGH, "no result", ev)] * (not result) + \
        [Tip(GapId.ACTION_WE, Severity.HIGH, "we", ev)] * we + \
        [Tip(GapId.FILLERS, Severity.MEDIUM, "fillers", ev)] * (fillers >= 4)
    return Analysis("ok", None, None, QuestionType.STORY, 120.0, 90.0 + over, (), None,
                    Assessment(Rubric.STAR, (), {}, {}, score), tuple(gaps))


def q(qid: str) -> Question:
    return Question(qid, qid, "general", "test", "role", "general", ())


def test_rating_follows_what_was_measured() -> None:
    assert drill.rating(fake(95)) == Rating.Easy
    assert drill.rating(fake(85)) == Rating.Good
    assert drill.rating(fake(85, fillers=9)) == Rating.Hard
    assert drill.rating(fake(85, we=True)) == Rating.Hard
    assert drill.rating(fake(95, result=False)) == Rating.Again
    assert drill.rating(fake(95, over=20)) == Rating.Again
    assert drill.rating(Analysis("no_speech", "…", None, QuestionType.STORY, 120, 3, (), None, None, ())) == \
        Rating.Again


def test_weak_answers_come_back_first_and_strong_ones_later(tmp_path: Path) -> None:
    s = Store(tmp_path)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    weak_due = drill.review(s, "weak", fake(40, result=False), now)
    mid_due = drill.review(s, "mid", fake(75, we=True), now)
    strong_due = drill.review(s, "strong", fake(98), now)
    assert weak_due <= mid_due < strong_due
    assert strong_due - now >= timedelta(days=1)
    assert drill.due(s, now + timedelta(hours=1)) == ["weak", "mid"]
    assert drill.next_due(s, now + timedelta(hours=1)) == "weak"
    # Drilled until it stops being weak: a strong answer pushes it out.
    later = now + timedelta(hours=1)
    assert drill.review(s, "weak", fake(98), later) > later + timedelta(minutes=30)
    assert "weak" not in drill.due(s, later + timedelta(minutes=30))


@pytest.mark.slow
def test_three_weakest_from_real_answers(tmp_path: Path) -> None:
    s = Store(tmp_path)
    for fid in ("strong_leadership", "no_result_dashboard", "we_only_launch", "rambling_migration", "strong_cache"):
        aid = s.add_attempt(tmp_path / f"{fid}.wav", q(fid), 120)
        s.finish_attempt(aid, analysed(fid))
    weak = drill.weakest(s)
    assert len(weak) == 3
    ids = [w.question_id for w in weak]
    assert "strong_leadership" not in ids
    assert "rambling_migration" in ids and "no_result_dashboard" in ids
    assert weak[0].score <= weak[1].score <= weak[2].score
    assert "no Result" in next(w for w in weak if w.question_id == "no_result_dashboard").reasons
