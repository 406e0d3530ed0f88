"""Mock interviews: questions mixed as a real interview, the follow-up from the weakest part, the summary."""

from __future__ import annotations

import random

import pytest

from mockprep import mock
from mockprep.assessment import QuestionType
from mockprep.banks import builtin_banks_dir, load_banks
from mockprep.mock import MockInterview, Phase
from tests.conftest import analysed


def test_questions_come_in_the_order_of_a_real_interview() -> None:
    qs, _ = load_banks([builtin_banks_dir()])
    picked = mock.pick_questions(qs, 5, random.Random(3))
    assert len(picked) == 5 and len({q.id for q in picked}) == 5
    assert picked[0].type == QuestionType.INTRODUCTION and picked[-1].type == QuestionType.MOTIVATION
    stories = [q for q in picked if q.type == QuestionType.STORY]
    assert len(stories) == 2 and len({q.competency for q in stories}) == 2
    assert [q.type for q in mock.pick_questions(qs, 1, random.Random(1))] == [QuestionType.STORY]


@pytest.mark.slow
def test_probe_comes_from_the_weakest_part() -> None:
    assert mock.follow_up(analysed("no_result_dashboard")) == "What was the outcome, in numbers?"
    assert mock.follow_up(analysed("we_only_outage")) == "What exactly did you do yourself?"
    assert mock.follow_up(analysed("rambling_onboarding")) in {"What was your part in it?",
                                                              "What was the outcome, in numbers?"}
    assert "specific time" in mock.follow_up(analysed("not_story"))
    qs, _ = load_banks([builtin_banks_dir()])
    strong_q = next(q for q in qs if q.probes)
    assert mock.follow_up(analysed("strong_leadership"), strong_q) in {strong_q.probes[0], *mock.PROBES.values()}


def test_the_interview_moves_question_probe_question_then_summary() -> None:
    qs, _ = load_banks([builtin_banks_dir()])
    st = MockInterview.start(1, qs[:2])
    assert st.phase == Phase.ANSWER and st.asking == qs[0].text
    st = st.answered(analysed("we_only_outage"), 11)
    assert st.phase == Phase.PROBE and st.asking == "What exactly did you do yourself?" and st.parent_id == 11
    st = st.answered(analysed("strong_47s"), 12)  # the follow-up's answer: on to the next question
    assert st.phase == Phase.ANSWER and st.pos == 1 and st.parent_id is None
    assert st.answered(None, None) == st  # nothing usable heard: the question stands
    st = st.skip()
    assert st.phase == Phase.DONE and st.question is None
    s = st.summary()
    assert s.answers == 1 and s.average_score == analysed("we_only_outage").score


@pytest.mark.slow
def test_summary() -> None:
    s = mock.summary([analysed(f) for f in ("strong_47s", "we_only_launch", "we_only_outage", "over_limit")])
    assert s.answers == 4 and s.over_limit == 1
    assert s.most_common_gap == "action_we" and "yourself" in s.advice
