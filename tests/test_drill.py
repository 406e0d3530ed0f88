"""Drilling: ratings from measured results, FSRS scheduling, due order, the three weakest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import Rating

from mockprep import drill
from mockprep.store import Store
from tests.conftest import analysed


def fake(score: int, *, result: bool = True, over: float = 0.0, fillers: float = 1.0, we: bool = False) -> dict:
    checks = {k: {"passed": True, "detail": ""} for k in
              ("all_parts_present", "action_result_share", "situation_brief", "task_ownership", "action_uses_i",
               "result_quantified", "result_specific", "within_limit", "is_story")}
    checks["action_uses_i"]["passed"] = not we
    checks["result_quantified"]["passed"] = result
    return {"status": "ok", "over_limit_s": over, "duration_s": 90.0,
            "star": {"score": score, "checks": checks,
                     "parts": {p: {"sentences": 1 if (p != "result" or result) else 0, "seconds": 10, "share": 0.25}
                               for p in ("situation", "task", "action", "result")}},
            "delivery": {"fillers_per_min": fillers}}


def test_rating_follows_what_was_measured() -> None:
    assert drill.rating(fake(95)) == Rating.Easy
    assert drill.rating(fake(85)) == Rating.Good
    assert drill.rating(fake(85, fillers=9)) == Rating.Hard
    assert drill.rating(fake(85, we=True)) == Rating.Hard
    assert drill.rating(fake(95, result=False)) == Rating.Again
    assert drill.rating(fake(95, over=20)) == Rating.Again
    assert drill.rating({"status": "no_speech"}) == Rating.Again


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


def test_three_weakest_from_real_answers(tmp_path: Path) -> None:
    s = Store(tmp_path)
    for fid in ("strong_leadership", "no_result_dashboard", "we_only_launch", "rambling_migration", "strong_cache"):
        d = analysed(fid).to_dict()
        aid = s.add_attempt(tmp_path / f"{fid}.wav", {"id": fid, "text": fid}, 120)
        s.finish_attempt(aid, d)
    weak = drill.weakest(s)
    assert len(weak) == 3
    ids = [w.question_id for w in weak]
    assert "strong_leadership" not in ids
    assert "rambling_migration" in ids and "no_result_dashboard" in ids
    assert weak[0].score <= weak[1].score <= weak[2].score
    assert "no Result" in next(w for w in weak if w.question_id == "no_result_dashboard").reasons
