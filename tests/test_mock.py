"""Mock interviews: question mix, the follow-up probe from the weakest part, the summary."""

from __future__ import annotations

import random

from mockprep import mock
from mockprep.banks import builtin_banks_dir, load_banks
from tests.conftest import analysed


def test_questions_mix_competencies() -> None:
    qs, _ = load_banks([builtin_banks_dir()])
    picked = mock.pick_questions(qs, 5, random.Random(3))
    assert len(picked) == 5 and len({q.competency for q in picked}) == 5
    assert mock.pick_questions(qs, 0, only_ids=[qs[3].id, qs[1].id]) == [qs[3], qs[1]]


def test_probe_comes_from_the_weakest_part() -> None:
    assert mock.follow_up(analysed("no_result_dashboard").to_dict()) == "What was the outcome, in numbers?"
    assert mock.follow_up(analysed("we_only_outage").to_dict()) == "What exactly did you do yourself?"
    assert mock.follow_up(analysed("rambling_onboarding").to_dict()) in {"What was your part in it?",
                                                                          "What was the outcome, in numbers?"}
    assert "specific time" in mock.follow_up(analysed("not_story").to_dict())
    strong = analysed("strong_leadership").to_dict()
    assert mock.follow_up(strong, {"probes": ["What did you say to her?"]}) == "What did you say to her?"


def test_summary() -> None:
    rows = [analysed(f).to_dict() for f in ("strong_47s", "we_only_launch", "we_only_outage", "over_limit")]
    s = mock.summary(rows)
    assert s["answers"] == 4 and s["over_limit"] == 1
    assert s["most_common_gap"] == "we" and "yourself" in s["advice"]
