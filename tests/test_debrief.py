"""After a bad interview: root causes, weakest answers, the audit, the five-day plan, the addendum, rejections."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from mockprep import debrief as db
from mockprep.debrief import AskedQuestion, Debrief

PIPELINE = AskedQuestion(
    "Tell me about a time you improved a slow data pipeline.",
    answer="We moved some jobs around and it got better, I talked about Spark for a while.",
    missing="No example with a real result and no numbers; I rambled about the tech stack.",
    reaction="She looked confused and moved on quickly.",
)
HASH_JOIN = AskedQuestion(
    "How does a hash join work, and when would the optimiser pick it?",
    answer="",
    missing="I never used hash joins directly and couldn't explain the algorithm or its memory cost.",
    reaction="He frowned and wrote something down.",
)
WHY_US = AskedQuestion(
    "Why do you want to work here?",
    answer="I use the product every day and I like that the team ships small changes often.",
    missing="",
    reaction="Nodded and smiled, asked a friendly follow-up.",
)
RATE_LIMITER = AskedQuestion(
    "Design a rate limiter for a public API.",
    answer="Token bucket per key in Redis, then I started on the sliding window.",
    missing="Ran out of time before sharding and failure modes.",
    reaction="Fine, a bit impatient at the end.",
)
FOUR = Debrief("Acme Analytics", "Data Engineer", "2026-03-02", "us_canada", "video",
               (PIPELINE, HASH_JOIN, WHY_US, RATE_LIMITER))


# ------------------------------------------------------------------------------------------ root causes

@pytest.mark.parametrize(("q", "cause", "quoted"), [
    (HASH_JOIN, "knowledge", ("never used", "couldn't explain the algorithm")),
    (PIPELINE, "communication", ("rambled", "No example")),
    (AskedQuestion("How do you handle disagreement with your manager?",
                   answer="I escalate early and write it down.",
                   missing="I don't think I showed their values around ownership.",
                   reaction="Said they wanted someone more hands-on with customers; felt like I was not a fit for "
                            "the team style."),
     "culture", ("values", "not a fit")),
    (AskedQuestion("Walk me through your last project.",
                   answer="I covered the architecture and the launch.",
                   missing="Joined ten minutes late because the invite had the wrong time zone.",
                   reaction="The connection dropped twice and we had to restart."),
     "logistics", ("wrong time zone", "connection dropped")),
])
def test_suggestion_names_the_cause_and_quotes_the_deciding_words(q: AskedQuestion, cause: str,
                                                                   quoted: tuple[str, ...]) -> None:
    got, reason = db.suggest_root_cause(q)
    assert got == cause
    assert reason.startswith(db.CAUSE_NAMES[cause])
    for words in quoted:
        assert f"“{words}" in reason


def test_nothing_to_go_on_defaults_to_communication_and_says_so() -> None:
    cause, reason = db.suggest_root_cause(WHY_US)
    assert cause == "communication"
    assert "default" in reason and "confirm" in reason


def test_a_tie_defaults_to_communication_and_names_both_sides() -> None:
    q = AskedQuestion("Tell me about a failure.", "I talked about a launch.", missing="never used the tool",
                      reaction="the call dropped out")
    cause, reason = db.suggest_root_cause(q)
    assert cause == "communication"
    assert "knowledge gap" in reason and "logistics" in reason and "default" in reason


def test_ordinary_words_in_the_answer_do_not_decide_the_cause() -> None:
    # "stayed late" is part of the story, not a logistics problem in the interview.
    q = AskedQuestion("Tell me about a deadline.", answer="I stayed late every night to ship the release.")
    assert db.suggest_root_cause(q)[0] == "communication"
    assert "default" in db.suggest_root_cause(q)[1]
    data = AskedQuestion("How do you handle outliers?", answer="I clip values above the 99th percentile.")
    assert "default" in db.suggest_root_cause(data)[1]
    # The same word in the user's own reflection does count.
    assert db.suggest_root_cause(AskedQuestion("Why us?", missing="I never mentioned their values."))[0] == "culture"


def test_user_confirms_or_overrides_and_the_cause_is_kept() -> None:
    assert db.cause_of(HASH_JOIN).confirmed is False
    kept = db.confirm_cause(HASH_JOIN)
    assert (kept.cause.cause, kept.cause.confirmed) == ("knowledge", True)
    changed = db.confirm_cause(HASH_JOIN, "logistics")
    assert db.cause_of(changed) == changed.cause
    assert changed.cause.cause == "logistics" and changed.cause.confirmed
    assert "suggested: knowledge gap" in changed.cause.reason
    assert changed.cause.remedy == db.CAUSE_REMEDIES["logistics"]
    with pytest.raises(ValueError, match="unknown root cause"):
        db.RootCause("talent", "nope")


def test_every_cause_has_a_name_and_a_remedy() -> None:
    assert set(db.CAUSE_NAMES) == set(db.CAUSE_REMEDIES) == set(db.ROOT_CAUSES)
    assert all(len(db.CAUSE_REMEDIES[c].split()) > 10 for c in db.ROOT_CAUSES)


def test_debrief_round_trips_through_json() -> None:
    d = Debrief(FOUR.company, FOUR.role, FOUR.date, FOUR.region, FOUR.format,
                (db.confirm_cause(HASH_JOIN, "knowledge"), PIPELINE))
    again = Debrief.from_dict(json.loads(json.dumps(d.to_dict())))
    assert again == d
    assert again.questions[0].cause is not None and again.questions[0].cause.confirmed
    blank = Debrief.from_dict({"company": "X", "questions": [{"text": "Q?", "answer": None}]})
    assert blank.questions[0].answer == "" and blank.date == "" and blank.questions[0].cause is None
    with pytest.raises(ValueError):
        Debrief.from_dict({"questions": "not a list"})


# ------------------------------------------------------------------------------------------ weakest

def test_weakest_orders_by_empty_answers_negative_reactions_and_missing_text() -> None:
    assert db.weakness_score(HASH_JOIN) > db.weakness_score(PIPELINE) > db.weakness_score(RATE_LIMITER)
    assert db.weakness_score(WHY_US) == 0
    assert db.weakest(FOUR) == [HASH_JOIN, PIPELINE, RATE_LIMITER]
    assert db.weakest(FOUR, 1) == [HASH_JOIN]


def test_not_impressed_is_not_read_as_praise() -> None:
    base = AskedQuestion("Q?", answer="A long enough answer with more than ten words in it, honestly.")
    assert db.weakness_score(AskedQuestion(base.text, base.answer, reaction="not impressed")) > \
        db.weakness_score(AskedQuestion(base.text, base.answer, reaction="impressed"))


def test_debrief_questions_join_the_bank_weakest_first_with_stable_ids() -> None:
    own = db.debrief_questions(FOUR)
    assert [q.text for q in own] == [q.text for q in db.weakest(FOUR, 4)]
    assert own[0].id == "debrief-acme-analytics-2026-03-02-2"  # HASH_JOIN was asked second
    assert db.drill_ids(FOUR) == [q.id for q in own[:3]]
    assert db.debrief_questions(FOUR) == own


# ------------------------------------------------------------------------------------------ audit

def test_three_no_is_a_preparation_problem() -> None:
    answers = {"research": False, "tailored": False, "questions": False, "listening": True, "timing": True}
    assert db.audit_verdict(answers) == "More than two No: this calls for better preparation, not better talent."
    assert [i.id for i in db.audit_gaps(answers)] == ["research", "tailored", "questions"]


def test_two_no_is_not_the_preparation_verdict() -> None:
    verdict = db.audit_verdict({"research": False, "tailored": True, "questions": False, "listening": True,
                                "timing": True})
    assert verdict != db.MORE_THAN_TWO_NO
    assert verdict.startswith("2 No")


def test_unanswered_items_do_not_count_as_no() -> None:
    verdict = db.audit_verdict({"research": False, "tailored": False})
    assert verdict != db.MORE_THAN_TWO_NO
    assert "3 items not answered yet" in verdict
    assert "No gaps" not in db.audit_verdict({})
    with pytest.raises(ValueError, match="unknown audit item"):
        db.audit_verdict({"reserch": True})
    assert len(db.AUDIT_ITEMS) == 5


# ------------------------------------------------------------------------------------------ plan

def test_plan_has_five_days_in_order_linked_to_features() -> None:
    plan = db.five_day_plan(FOUR)
    assert [d.number for d in plan] == [1, 2, 3, 4, 5]
    assert [d.title for d in plan] == ["Document and decompress", "Analyze and categorize", "Practice and simulate",
                                      "Reframe and research", "Apply and engage"]
    features = [[t.feature for t in d.tasks] for d in plan]
    assert features[0] == ["debrief", "thank_you_note"]
    assert set(features[1]) == {"root_causes"}
    assert features[2] == ["drill", "drill", "drill", "mock_interview"]
    assert features[3] == ["addendum", "research"]
    assert set(features[4]) == {"apply"}
    ids = [t.id for d in plan for t in d.tasks]
    assert len(ids) == len(set(ids))
    assert "d1-debrief" in ids and "d3-mock" in ids
    assert all(t.id.startswith(f"d{d.number}-") for d in plan for t in d.tasks)
    assert ids == [t.id for d in db.five_day_plan(FOUR) for t in d.tasks]  # stable across calls


def test_plan_names_each_question_and_the_three_weakest() -> None:
    plan = db.five_day_plan(FOUR)
    causes = [t for t in plan[1].tasks if t.id.startswith("d2-cause-")]
    assert len(causes) == 4
    for task, q in zip(causes, FOUR.questions, strict=True):
        assert q.text in task.text and db.cause_of(q).name in task.text
    drills = [t for t in plan[2].tasks if t.feature == "drill"]
    assert [q.text in t.text for t, q in zip(drills, [HASH_JOIN, PIPELINE, RATE_LIMITER], strict=True)] == [True] * 3
    mock = plan[2].tasks[-1].text
    assert all(q.text in mock for q in (HASH_JOIN, PIPELINE, RATE_LIMITER))
    assert WHY_US.text not in mock
    assert HASH_JOIN.text in plan[3].tasks[0].text  # the addendum is for the weakest answer
    assert "Acme Analytics" in plan[0].tasks[0].text


def test_plan_without_questions_asks_for_them() -> None:
    plan = db.five_day_plan(Debrief("Acme", "PM", "", "eu", "phone"))
    assert [t.feature for t in plan[2].tasks] == ["debrief"]
    assert [t.id for t in plan[3].tasks] == ["d4-research"]


# ------------------------------------------------------------------------------------------ addendum

EXAMPLE = {"challenge": "Our nightly join of two large tables took six hours",
           "action": "I profiled the plan and replaced the sort-merge join with a hash join on the smaller table",
           "result": "it now runs in 40 minutes, 89% faster"}


@pytest.mark.parametrize("region", list(db.REGIONS))
def test_addendum_passes_its_own_checks_and_stays_short(region: str) -> None:
    a = db.draft_addendum(FOUR, region, EXAMPLE)
    assert a.passed, a.checks
    assert a.word_count == len(a.text.split()) <= db.ADDENDUM_WORD_LIMIT
    assert a.checks == db.brevity_checks(a.text)
    assert HASH_JOIN.text in a.text  # the weakest answer
    assert PIPELINE.text not in a.text
    for part in ("The challenge: Our nightly join", "What I did: I profiled", "The result: it now runs in 40"):
        assert part in a.text
    assert a.tone_tips == db.TONE_TIPS[region] and len(a.tone_tips) >= 2


def test_greeting_closing_and_tips_change_with_the_region() -> None:
    drafts = {r: db.draft_addendum(FOUR, r, EXAMPLE) for r in db.REGIONS}
    assert len({a.text.splitlines()[0] for a in drafts.values()}) == 4
    assert len({a.text.splitlines()[-2] for a in drafts.values()}) == 4
    assert drafts["us_canada"].text.startswith("Hi ")
    assert drafts["mena"].text.startswith("Dear Mr./Ms.")
    assert len({a.tone_tips for a in drafts.values()}) == 4
    with pytest.raises(ValueError, match="unknown region"):
        db.draft_addendum(FOUR, "apac")


def test_addendum_without_a_result_leaves_a_number_placeholder_and_says_so() -> None:
    a = db.draft_addendum(FOUR, "eu")
    assert "[a number: e.g. 30% faster]" in a.text
    ok, detail = a.checks["quantified_result"]
    assert not ok and "add a number" in detail
    assert a.checks["word_limit"][0] and a.checks["one_point"][0]
    with pytest.raises(ValueError, match="no questions"):
        db.draft_addendum(Debrief("Acme", "PM", "", "eu", "phone"), "eu")


def test_checks_flag_a_long_note_with_several_examples() -> None:
    story = ("When I led the migration we cut costs by 20% and I also trained the team on the new tooling, "
             "which took several weeks of evenings and a lot of patience from everyone involved in it. ")
    note = ("Dear Ana, sorry again for my answers, and sorry for the delay. " + story
            + "Another example: when I ran the billing project we also shipped early. " + story * 3
            + "I hope you will reconsider.")
    checks = db.brevity_checks(note)
    assert not checks["word_limit"][0] and "limit 150" in checks["word_limit"][1]
    assert not checks["one_point"][0] and "“Another example”" in checks["one_point"][1]
    assert not checks["no_apology_spiral"][0]
    assert not checks["no_pressure"][0] and "reconsider" in checks["no_pressure"][1]
    assert checks["quantified_result"][0]


def test_one_innocent_also_is_still_one_point() -> None:
    assert db.brevity_checks("The result: I also wrote the tests, and errors fell by 40%.")["one_point"][0]


# ------------------------------------------------------------------------------------------ rejection

def test_generic_rejection_says_little() -> None:
    r = db.read_rejection("Thank you for your interest in Acme. After careful consideration, we have decided to "
                          "move forward with other candidates whose experience more closely matches our needs. "
                          "We wish you the best in your search.")
    assert r.kind == "generic" and r.items == ()
    assert "standard wording" in r.summary and "Don't read more into it" in r.summary
    assert db.rejection_questions(r) == []


def test_specific_feedback_becomes_learning_items_and_drills() -> None:
    sentence = "We were looking for someone with more experience in distributed systems for this role."
    r = db.read_rejection(f"Hi Sam, thanks for your time last week.\n{sentence} We wish you the best.")
    assert r.kind == "specific"
    assert [i.skill for i in r.items] == ["distributed systems"]
    assert r.items[0].quote == sentence
    assert r.items[0].drill_question.startswith("Tell me about a time you used distributed systems to ")
    own = db.rejection_questions(r, "Acme rejection")
    assert [(q.id, q.text, q.source) for q in own] == [
        ("feedback-distributed-systems", r.items[0].drill_question, "Acme rejection")]


def test_several_specific_points_are_each_extracted_exactly() -> None:
    r = db.read_rejection("The panel felt you would benefit from stronger stakeholder management skills. "
                          "We felt your SQL was not yet at the level this team needs, and there was not enough "
                          "depth in capacity planning.")
    assert r.kind == "specific"
    assert [i.skill for i in r.items] == ["stakeholder management", "SQL", "capacity planning"]
    assert r.items[1].quote.startswith("We felt your SQL was not yet")
    assert all(i.skill in i.drill_question for i in r.items)


def test_a_long_question_is_shortened_in_the_note() -> None:
    long_q = AskedQuestion("Tell me about a time you had to convince a skeptical group of senior engineers from "
                           "three different teams to adopt a new deployment process they did not ask for.")
    d = Debrief("Acme", "SRE", "", "us_canada", "onsite", (long_q,))
    a = db.draft_addendum(d, "us_canada", EXAMPLE)
    assert long_q.text not in a.text and "“Tell me about a time you had to convince a skeptical group…”" in a.text
    assert a.passed


# ------------------------------------------------------------------------------------------ patterns across interviews


def interview(company: str, kind: str, size: str, fmt: str, outcome: str, *qs: AskedQuestion) -> Debrief:
    return Debrief(company, "Data Engineer", "2026-03-02", "us_canada", fmt, qs, kind, size, outcome)


FAILED = AskedQuestion("Tell me about a project that failed.", "It was a team thing.", "No result, I rambled.",
                       "She moved on quickly.")


def test_a_debrief_keeps_where_and_how_it_went_and_reads_version_1() -> None:
    d = interview("Acme", "startup", "1-50", "video", "rejected", db.confirm_cause(FAILED, "communication"))
    again = Debrief.from_dict(json.loads(json.dumps(d.to_dict())))
    assert again == d and again.bad and again.to_dict()["version"] == 2
    old = Debrief.from_dict({"version": 1, "company": "X", "format": "phone", "questions": [{"text": "Q?"}]})
    assert (old.company_kind, old.company_size, old.outcome, old.questions[0].competency) == ("", "", "", "")
    assert not old.bad
    with pytest.raises(ValueError, match="unknown outcome"):
        interview("X", "", "", "", "ghosted")


def test_the_competency_asked_is_the_users_or_guessed_from_the_wording() -> None:
    assert db.competency_of(FAILED) == "failure"
    assert db.competency_of(WHY_US) == "motivation"
    assert db.competency_of(replace(FAILED, competency="resilience")) == "resilience"
    assert db.competency_of(AskedQuestion("Qwzx vbnm?")) == "other"


def test_one_bad_interview_is_not_a_pattern_and_says_what_is_needed() -> None:
    saved = [interview("Acme", "startup", "1-50", "video", "rejected", FAILED),
             interview("Globex", "startup", "1-50", "video", "", FAILED)]
    p = db.patterns(saved)
    assert (p.bad, p.others, p.unknown) == (1, 0, 1) and not p.enough
    [line] = db.pattern_lines(p)
    assert "at least 2 interviews" in line and "there is 1" in line and "1 saved debrief has no outcome" in line
    assert "startup" not in line  # nothing is made of one interview


def test_what_the_bad_interviews_share_is_counted_against_the_others() -> None:
    comm = db.confirm_cause(FAILED, "communication")
    saved = [
        interview("Acme", "startup", "1-50", "video", "rejected", comm, HASH_JOIN),
        interview("Initech", "startup", "51-500", "Video ", "went_badly", comm),
        interview("Hooli", "large company", "over 5,000", "panel", "rejected", db.confirm_cause(HASH_JOIN)),
        interview("Globex", "large company", "over 5,000", "onsite", "next_round", WHY_US, FAILED),
        interview("Umbrella", "scale-up", "501-5,000", "video", "offer", WHY_US),
        interview("Soylent", "startup", "1-50", "video", "", comm),  # no outcome yet: counted in neither
    ]
    p = db.patterns(saved)
    assert (p.bad, p.others, p.unknown) == (3, 2, 1) and p.enough
    shared = {dim: t for dim, t in p.shared}
    assert shared["company kind"] == db.Tally("startup", 2, 0)
    assert shared["format"] == db.Tally("video", 2, 1)  # "Video " and "video" are one format
    assert shared["root cause (confirmed)"] == db.Tally("communication", 2, 0)
    assert shared["competency asked"] == db.Tally("failure", 2, 1)
    assert "company size" not in shared  # 1-50, 51-500, over 5,000: no size in two of them
    assert p.tallies["company size"][0] == db.Tally("1-50", 1, 0)
    # Unconfirmed suggestions are not counted as causes: only the user's confirmed ones.
    assert {t.value for t in p.tallies["root cause (confirmed)"]} == {"communication", "knowledge"}
    lines = db.pattern_lines(p)
    assert "company kind: startup, in 2 of 3 bad interviews, against 0 of 2 other interviews." in lines
    assert "format: video, in 2 of 3 bad interviews, against 1 of 2 other interviews." in lines
    assert "target list" in lines[-1] and "company kind startup" in lines[-1] and "format video" in lines[-1]


def test_bad_interviews_with_nothing_in_common_say_so() -> None:
    saved = [interview("Acme", "startup", "1-50", "video", "rejected", WHY_US),
             interview("Hooli", "large company", "over 5,000", "panel", "rejected", HASH_JOIN)]
    p = db.patterns(saved)
    assert p.enough and p.shared == ()
    [line] = db.pattern_lines(p)
    assert "share no company kind" in line and "target list needs to change" in line
