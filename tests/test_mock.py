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


# ---------------------------------------------------------------- the follow-up digs into the story's layers


def test_a_story_follow_up_digs_into_its_thinnest_layer_over_every_telling(tmp_path) -> None:
    from mockprep import stories
    from mockprep.feedback import GapId
    from mockprep.store import Store
    from tests.test_ui_review import add, story

    store = Store(tmp_path / "data")
    qs, _ = load_banks([builtin_banks_dir()])
    q = next(q for q in qs if q.type == QuestionType.STORY and q.probes)
    a, x = story()
    aid = add(store, a, x, tmp_path, q)
    layers = stories.layers_for(store, aid)
    assert layers is not None and stories.thin_layers(layers) == ["people and what was said"]
    # The thin layer outranks the answer's lesser gap (and the question's own probe), and the follow-up quotes
    # what the candidate did, without the "um" they began it with.
    assert a.gaps[0].id == GapId.ACTION_RESULT_SHORT
    probe = mock.follow_up(a, q, layers)
    assert probe == ("You said “I rebuilt the export and I tested it with the finance team”. "
                     + mock.LAYER_PROBES["people and what was said"])
    assert mock.follow_up(a, q) == mock.PROBES[GapId.ACTION_RESULT_SHORT]  # without its layers, as before
    st = MockInterview.start(1, [q]).answered(a, aid, layers)
    assert st.phase == Phase.PROBE and st.asking == probe and st.parent_id == aid

    # An earlier telling of the same story named the people: nothing is thin now, so the lesser gap's probe.
    b, bx = story("My manager told me the board wanted payroll fixed by Friday.")
    add(store, b, bx, tmp_path, q, when=1.0)
    layers = stories.layers_for(store, aid)
    assert "My manager told me" in layers["people and what was said"] and not stories.thin_layers(layers)
    assert mock.follow_up(a, q, layers) == mock.PROBES[GapId.ACTION_RESULT_SHORT]
    # The user's own edits of the layers count too: emptied, the overview is the thinnest, quoted where it began.
    [told] = stories.stories(store.attempts())
    store.put(stories.story_key(told), {"overview": ""})
    layers = stories.layers_for(store, aid)
    assert stories.thinnest(layers) == "overview"
    assert mock.follow_up(a, q, layers) == ("You began with “Last year our payroll system failed for two thousand "
                                           "employees”. " + mock.LAYER_PROBES["overview"])


def test_a_serious_gap_outranks_a_thin_layer(tmp_path) -> None:
    from mockprep import stories
    from mockprep.feedback import GapId, Severity
    from mockprep.store import Store
    from tests.test_ui_review import STORY, add, synth

    store = Store(tmp_path / "data")
    no_result, x = synth(STORY[:3], pause_after=(1,))  # no result said: that is what an interviewer asks about
    aid = add(store, no_result, x, tmp_path)
    layers = stories.layers_for(store, aid)
    assert layers and stories.thin_layers(layers)
    first = no_result.gaps[0]
    assert first.severity == Severity.HIGH and first.id == GapId.MISSING_RESULT
    assert mock.follow_up(no_result, None, layers) == mock.PROBES[GapId.MISSING_RESULT]
    # The thinnest layer is the one with the fewest content words; stop words and "um"s fill nothing.
    layers = {"overview": "Our payroll system failed before the year-end run",
              "data points": "um, it was a lot of them", "people and what was said": "My manager said ship it"}
    assert stories.thinnest(layers) == "data points"
