"""After an interview tab: one debrief per interview kept in the store, and the patterns across them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockprep.ui import recovery

ROWS = [["Tell me about a project that failed.", "It was a team thing.", "I rambled, no result.", "She moved on"],
        ["How does a hash join work?", "", "I never used hash joins", "He frowned"]]


@pytest.fixture
def room(tmp_path: Path):
    from mockprep.config import SETTINGS
    from mockprep.ui.room import Room

    return Room(SETTINGS.with_overrides(data_dir=tmp_path / "data"))


def test_each_interview_is_its_own_debrief_and_the_patterns_follow(room) -> None:
    status, causes, which, patterns, *_ = recovery.save_debrief(
        room, recovery.NEW, "Acme", "Engineer", "2026-03-02", "us_canada", "video", "startup", "1-50", "rejected",
        ROWS)
    assert status.startswith("Saved.") and [r[5] for r in causes] == ["failure", "other"]
    first = which.value
    assert "at least 2 interviews" in patterns and "there is 1" in patterns
    # The user confirms the suggested causes and names the second question's competency.
    causes[1][5] = "technical depth"
    assert recovery.confirm_causes(room, first, causes)[0] == "Causes confirmed."
    # A second interview: a new row, not the first one replaced.
    _, _, which2, patterns, *_ = recovery.save_debrief(
        room, recovery.NEW, "Initech", "Engineer", "2026-04-10", "us_canada", "Video", "startup", "51-500",
        "went_badly", ROWS[:1])
    assert which2.value != first and len(room.store.debriefs()) == 2
    assert [label for label, _ in which2.choices][1:] == ["Initech · 2026-04-10 · went badly",
                                                         "Acme · 2026-03-02 · rejected"]
    assert "- company kind: startup, in 2 of 2 bad interviews." in patterns
    assert "- format: video, in 2 of 2 bad interviews." in patterns
    assert "|  | technical depth | 1 | 0 |" in patterns
    # Opening the first again fills the form from it, its confirmed causes and competency kept.
    company, *_, kind, size, outcome, rows, causes, day1, _, _, _, _ = recovery.open_debrief(room, first)
    assert "at Acme" in str(day1.choices)  # its own plan, not the last saved one's
    assert (company, kind, size, outcome) == ("Acme", "startup", "1-50", "rejected")
    assert [r[2] for r in causes] == ["yes", "yes"] and causes[1][5] == "technical depth"
    # Saved again from the form (which holds no causes), it keeps what was confirmed, in place.
    recovery.save_debrief(room, first, "Acme", "Engineer", "2026-03-02", "us_canada", "video", "startup",
                          "1-50", "rejected", rows)
    again = recovery.load(room.store, int(first))
    assert again is not None and again.questions[1].competency == "technical depth" and again.questions[0].cause
    assert len(room.store.debriefs()) == 2
    # The practise and mock buttons take the weakest questions of the interview picked.
    assert len(recovery.worst_ids(room, 3, first)) == 2 and len(recovery.worst_ids(room, 3, which2.value)) == 1
    assert recovery.open_debrief(room, recovery.NEW)[0] == ""  # a new interview: a blank form
