"""STAR labelling and each named check, on text with synthetic word times."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockprep import star
from mockprep.assessment import Assessment, CheckId
from mockprep.sentences import sentence_text, split_sentences
from mockprep.words import Word

ROOT = Path(__file__).resolve().parent.parent


def words(*sentences: str, rate: float = 0.38) -> list[Word]:
    out, t = [], 0.3
    for s in sentences:
        for tok in s.split():
            out.append(Word(tok, round(t, 2), round(t + rate - 0.05, 2), 0.9))
            t += rate
        t += 0.4
    return out


def result(*sentences: str, limit: float = 120.0) -> Assessment:
    ws = words(*sentences)
    return star.assess(split_sentences(ws), ws[-1].end + 0.3, limit)


STRONG = (
    "At my last job I was a support lead at a software company.",
    "Our refund queue had grown to three weeks of waiting.",
    "I was responsible for getting it under two days before the holiday season.",
    "I sorted the backlog by type and found that half were duplicate requests.",
    "I wrote a script that merged the duplicates and flagged the urgent ones.",
    "Then I trained two new colleagues on the refund tool and set up a daily check.",
    "I also met with finance every Friday to approve the large refunds in one batch.",
    "As a result the wait fell from three weeks to a day and a half within a month.",
    "Complaints about refunds dropped by forty percent that quarter.",
)


def test_strong_answer_labels_in_order_and_passes_every_check() -> None:
    s = result(*STRONG)
    labels = [x.label for x in s.sentences]
    assert labels[0] == "situation"
    assert labels[2] == "task"
    assert labels[3:7] == ["action"] * 4
    assert labels[-2:] == ["result", "result"]
    assert all(c.passed for c in s.checks.values()), {k: c.detail for k, c in s.checks.items() if not c.passed}
    assert s.score == 100


def test_check_ids_are_exactly_the_contract() -> None:
    assert set(result(*STRONG).checks) == {
        "all_parts_present", "action_result_share", "situation_brief", "task_ownership", "action_uses_i",
        "result_quantified", "result_specific", "within_limit", "is_story"}
    assert all(isinstance(k, CheckId) for k in result(*STRONG).checks)


def test_missing_result_fails_presence_and_result_checks() -> None:
    s = result(*STRONG[:7], "So yeah, that's what I did.")
    assert not s.checks["all_parts_present"].passed
    assert "Result" in s.checks["all_parts_present"].detail
    assert not s.checks["result_quantified"].passed
    assert not s.checks["result_specific"].passed
    assert s.sentences[-1].label == "other"


def test_we_only_actions_fail_action_uses_i() -> None:
    s = result(STRONG[0], STRONG[1], STRONG[2],
               "We sorted the backlog by type and found duplicates.",
               "We wrote a script that merged the duplicates.",
               "Then we trained two new colleagues on the refund tool.",
               STRONG[7])
    assert not s.checks["action_uses_i"].passed
    assert s.checks["action_uses_i"].evidence is not None
    assert s.checks["action_uses_i"].evidence.quote.startswith("We")


def test_rambling_situation_fails_situation_brief_and_share() -> None:
    s = result(
        "So I was working at a big logistics company at the time.",
        "There were about four hundred drivers across the region.",
        "The dispatch system was really old and nobody liked it.",
        "Our manager had just left and the team was pretty demoralised.",
        "And on top of that the busiest season was about to start.",
        "I was asked to fix the dispatch delays.",
        "I rewrote the routing rules.",
        "Delays fell by ten percent.",
    )
    assert not s.checks["situation_brief"].passed
    assert s.parts["situation"].sentences >= 3
    assert not s.checks["action_result_share"].passed


def test_team_only_task_fails_ownership() -> None:
    s = result(STRONG[0], STRONG[1], "Our team was asked to get the queue down before the holidays.", *STRONG[3:])
    assert not s.checks["task_ownership"].passed


@pytest.mark.parametrize("phrase", ["I was responsible for", "My job was to", "My manager asked me to",
                                    "It fell to me to"])
def test_ownership_phrasings_pass(phrase: str) -> None:
    s = result(STRONG[0], STRONG[1], f"{phrase} get the refund queue under two days.", *STRONG[3:])
    assert s.checks["task_ownership"].passed


@pytest.mark.parametrize(("sentence", "quantified"), [
    ("As a result the error rate fell by forty percent.", True),
    ("As a result the error rate fell by 40%.", True),
    ("In the end we saved the company three hundred thousand dollars.", True),
    ("In the end the report went from two days to four hours.", True),
    ("As a result we cut the onboarding time in half.", True),
    ("In the end it went really well and everyone was happy.", False),
    ("In the end the client was very pleased with the new process.", False),
])
def test_result_quantified_spoken_and_written_numbers(sentence: str, quantified: bool) -> None:
    s = result(*STRONG[:7], sentence)
    assert s.sentences[-1].label == "result"
    assert s.checks["result_quantified"].passed is quantified


def test_vague_result_fails_specific_with_evidence() -> None:
    s = result(*STRONG[:7], "In the end it went really well and everyone was happy.")
    c = s.checks["result_specific"]
    assert not c.passed and c.evidence is not None and "went really well" in c.evidence.quote


def test_concrete_result_without_number_is_specific_not_quantified() -> None:
    s = result(*STRONG[:7], "In the end the client renewed their contract and the process became our standard.")
    assert s.checks["result_specific"].passed
    assert not s.checks["result_quantified"].passed


def test_scale_numbers_in_situation_do_not_quantify_the_result() -> None:
    s = result("At my last job we had forty thousand users and a team of twelve.",
               "I was responsible for the mobile app.", *STRONG[3:7],
               "In the end everyone was really happy with it.")
    assert not s.checks["result_quantified"].passed


def test_self_description_is_not_a_story() -> None:
    s = result("I'm a very proactive person.",
               "Whenever there's a problem I always try to fix it before anyone asks.",
               "I think you have to take ownership of things.",
               "I would first look at the data and then talk to the people involved.")
    assert not s.checks["is_story"].passed
    assert all(x.label == "other" for x in s.sentences)
    assert s.score < 30


def test_within_limit_uses_the_limit() -> None:
    assert result(*STRONG, limit=120).checks["within_limit"].passed
    assert not result(*STRONG, limit=10).checks["within_limit"].passed


def test_sentence_split_on_punctuation_and_long_pause() -> None:
    ws = words("I fixed it.", "Then I shipped it")
    ws2 = [*ws[:3], Word("and", 5.0, 5.2, 0.9), Word("we", 5.2, 5.3, 0.9), Word("left", 5.3, 5.5, 0.9),
           Word("early", 5.5, 5.8, 0.9)]
    assert [sentence_text(s) for s in split_sentences(ws)] == ["I fixed it.", "Then I shipped it"]
    # no punctuation, but a 3.7 s silence after three words: not split (too short a sentence), then split
    assert len(split_sentences(ws2)) == 2


def test_run_on_sentence_is_cut_at_a_conjunction() -> None:
    long = " ".join(["I checked every log file by hand,"] * 5 + ["and then I wrote a script that did it for me."])
    parts = split_sentences(words(long))
    assert len(parts) >= 2
    assert all(len(p) <= 45 for p in parts)


def test_labeller_on_the_written_corpus() -> None:
    """Regression guard on our own labelled corpus (tests/data/star_corpus.yaml; see scripts/eval_star.py)."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import eval_star

    report = eval_star.evaluate(eval_star.corpus_items(ROOT / "tests/data/star_corpus.yaml"))
    assert report["macro_f1_star"] >= 0.82, report
    assert report["presence_accuracy"] >= 0.9, report
    assert report["ar_share_mae"] <= 0.08, report
    assert report["checks_overall"] >= 0.9, report
