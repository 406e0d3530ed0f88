"""The rubric for the question asked (issue 13): every check of every non-story rubric on written answers,
good and weak, the held-out bar, and what feedback, storage, the views, the mock interviewer and the drill do
with the new rubrics. Written answers are timed at 150 words a minute (rubrics.text_words)."""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path

import pytest
import yaml

from mockprep import drill, feedback, mock, rubrics
from mockprep.analysis import Analysis
from mockprep.assessment import Assessment, Check, CheckId, QuestionType, Rubric, unscored_reason
from mockprep.confidence import Confidence
from mockprep.config import SETTINGS
from mockprep.delivery import Delivery
from mockprep.render import feedback_html
from mockprep.sentences import split_sentences
from mockprep.star import WEIGHTS as STAR_WEIGHTS
from mockprep.words import Evidence, Word, hide, quote

DATA = Path(__file__).resolve().parent / "data"
C = CheckId
WEIGHTS = {Rubric.INTRODUCTION: SETTINGS.intro_weights, Rubric.MOTIVATION: SETTINGS.motivation_weights,
           Rubric.STRENGTH_WEAKNESS: SETTINGS.strength_weakness_weights,
           Rubric.SITUATIONAL: SETTINGS.situational_weights}
STAR_IDS = {c.value for c in STAR_WEIGHTS} | {C.IS_STORY.value}


@cache
def corpus(name: str) -> tuple[dict, ...]:
    return tuple(yaml.safe_load((DATA / name).read_text()))


def judge(rubric: Rubric, text: str, question: str | None = None) -> Assessment:
    return rubrics.assess_text(rubric, text, question=question)


def item_id(it: dict) -> str:
    return it["id"]


def twins(items: tuple[dict, ...]) -> list[tuple[dict, dict]]:
    """(good, weak) pairs: a weak answer and the good one its notes name as its twin."""
    by_id = {it["id"]: it for it in items}
    out = []
    for it in items:
        note = str(it.get("notes") or "")
        if it["quality"] == "weak" and "twin of " in note:
            out.append((by_id[note.split("twin of ")[1].split(";")[0].split()[0].strip(".,")], it))
    return out


# ---------------------------------------------------------------- the rubrics' shape


@pytest.mark.parametrize("rubric", list(WEIGHTS))
def test_each_rubric_has_its_documented_checks_and_weights_summing_to_100(rubric: Rubric) -> None:
    weights = dict(WEIGHTS[rubric])
    assert sum(weights.values()) == 100
    a = judge(rubric, "I'm a nurse on a cardiac ward. I want to teach. Your team trains new nurses.")
    assert {c.value for c in a.checks} == set(weights)
    assert a.rubric == rubric and not (set(weights) & STAR_IDS - {"within_limit"})
    assert set(a.parts) == set(rubrics.PARTS[rubric])
    assert {s.label for s in a.sentences} <= {*rubrics.PARTS[rubric], "other"}


def test_the_dispatcher_keeps_star_for_stories() -> None:
    ws = rubrics.text_words("At my last job our refund queue had grown to three weeks. I wrote a script that merged "
                            "the duplicates. As a result the wait fell to two days.")
    a = rubrics.assess(Rubric.STAR, split_sentences(ws), ws[-1].end, 120.0)
    assert a.rubric == Rubric.STAR and set(a.checks) == {CheckId(c) for c in STAR_IDS}


def test_open_questions_get_no_content_score_no_checks_no_parts() -> None:
    a = judge(Rubric.OPEN, "A hash map stores keys in buckets. Lookups are constant time on average.")
    assert a.score is None and a.checks == {} and a.parts == {}
    assert [s.label for s in a.sentences] == ["other", "other"]


# ---------------------------------------------------------------- every check on written answers


@pytest.mark.parametrize("it", corpus("rubric_corpus.yaml") + corpus("rubric_own.yaml"), ids=item_id)
def test_tuning_answers_get_the_checks_a_coach_would_give(it: dict) -> None:
    a = judge(Rubric(it["type"]), it["text"], it["question"])
    got = {k.value: c.passed for k, c in a.checks.items()}
    assert got == it["expected"], {k: c.detail for k, c in a.checks.items() if c.passed != it["expected"][k.value]}


@pytest.mark.parametrize("pair", twins(corpus("rubric_corpus.yaml")), ids=lambda p: p[1]["id"])
def test_tuning_twins_good_scores_well_and_weak_far_below(pair: tuple[dict, dict]) -> None:
    good, weak = (judge(Rubric(x["type"]), x["text"], x["question"]).score for x in pair)
    assert good is not None and weak is not None
    assert good >= 70 and weak <= good - 20, (good, weak)


# One rule at a time: a short answer that passes the check and one that fails it.
RULES: list[tuple[Rubric, CheckId, str, str, str | None]] = [
    (Rubric.INTRODUCTION, C.OPENS_WITH_PRESENT,
     "Right now I'm a staff nurse on a children's ward. Before that I trained in Leeds.",
     "I grew up in Cork. I'm a staff nurse on a children's ward now.", None),
    (Rubric.INTRODUCTION, C.COVERS_PAST,
     "I'm a chef at a hotel. Before that I spent four years in a bakery.",
     "I'm a chef at a hotel. I run the pastry section and the breakfast service.", None),
    (Rubric.INTRODUCTION, C.RECENT_AND_RELEVANT,
     "I'm a chef at a hotel, where I run the pastry section and breakfast for two hundred guests. Before that I "
     "spent four years in a bakery.",
     "I'm a chef at a hotel. When I was a kid I baked with my mum every Sunday.", None),
    (Rubric.INTRODUCTION, C.NAMES_A_HIGHLIGHT,
     "I'm a chef at a hotel. Last year I rebuilt the menu and cut food waste by a third.",
     "I'm a chef at a hotel. I do the menus, the ordering and the rota.", None),
    (Rubric.INTRODUCTION, C.LOOKS_AHEAD,
     "I'm a chef at a hotel. I run the pastry section. Next I want to run a whole kitchen.",
     "I'm a chef at a hotel. I run the pastry section. I also do the ordering.", None),
    (Rubric.INTRODUCTION, C.ENDS_ON_THIS_ROLE,
     "I'm a chef at a hotel. I want to run a kitchen. Your new restaurant is exactly that step.",
     "I'm a chef at a hotel. I want to run a kitchen. So that's me, I like cooking.", None),
    (Rubric.MOTIVATION, C.SPECIFIC_TO_EMPLOYER,
     "Your team is moving its support to live chat this year, and I've set up chat before.",
     "You're a great company with a great culture and a strong reputation.", None),
    (Rubric.MOTIVATION, C.REASONS_ABOUT_THE_WORK,
     "What draws me is the chance to work with patients after they leave hospital.",
     "What draws me is the salary, the benefits and the short commute.", None),
    (Rubric.MOTIVATION, C.TIED_TO_EXPERIENCE,
     "In my last role I built the onboarding course for new agents.",
     "I studied maths and I'm very organised.", None),
    (Rubric.MOTIVATION, C.FORWARD_LOOKING,
     "I'd like to lead the onboarding programme here within a couple of years.",
     "The office is nice and the people seem friendly.", None),
    (Rubric.MOTIVATION, C.NO_BLAME,
     "My role was cut in a reorganisation, and I'm looking for a team that builds tools.",
     "My manager is a nightmare and the company is a mess.", None),
    (Rubric.STRENGTH_WEAKNESS, C.NAMES_TRAIT,
     "My biggest weakness is saying yes to too much. I've started blocking time.",
     "That's a tricky question to think about. Everyone has things to work on in some way or other.",
     "What's your biggest weakness?"),
    (Rubric.STRENGTH_WEAKNESS, C.GENUINE_TRAIT,
     "My weakness is that I write long emails. I now write the ask first.",
     "My weakness is that I'm a perfectionist and I work too hard.", "What's your greatest weakness?"),
    (Rubric.STRENGTH_WEAKNESS, C.STEPS_TAKEN,
     "I tend to overcommit. So I started keeping a list of what I've promised. I also asked my lead to check it "
     "with me every Monday.",
     "I tend to overcommit. I'm trying to be better at it. I will try to say no more.",
     "What's your greatest weakness?"),
    (Rubric.STRENGTH_WEAKNESS, C.EVIDENCE_OF_CHANGE,
     "I tend to overcommit. I started a list. Since then I haven't missed a deadline.",
     "I tend to overcommit. I started a list. I think I've gotten better.", "What's your greatest weakness?"),
    (Rubric.STRENGTH_WEAKNESS, C.RECENT_EXAMPLE,
     "I tend to overcommit. Last month I started a list of what I've promised.",
     "I tend to overcommit. Years ago in college I started a list of what I promised.",
     "What's your greatest weakness?"),
    (Rubric.SITUATIONAL, C.FRAMES_SITUATION,
     "First I'd want to understand why the deadline moved. Then I'd tell the client.",
     "I'd tell the client straight away. Then I'd move the date.", None),
    (Rubric.SITUATIONAL, C.WEIGHS_OPTIONS,
     "I could cut scope or move the date. I'd cut scope because the date matters more.",
     "I'd cut scope because the date matters more.", None),
    (Rubric.SITUATIONAL, C.MAKES_DECISION,
     "I'd tell the client the same day, because surprises cost trust.",
     "It really depends on the client. Every situation is different, so it's hard to say.", None),
    (Rubric.SITUATIONAL, C.GIVES_REASONS,
     "I'd tell the client the same day, so they can plan around it.",
     "I'd tell the client the same day. Honesty is really important to me.", None),
    (Rubric.SITUATIONAL, C.PLANS_FOLLOW_UP,
     "I'd tell the client today. A week later I'd check whether the new date still holds.",
     "I'd tell the client today. I'd make sure we hit the date.", None),
    (Rubric.SITUATIONAL, C.REAL_EXAMPLE,
     "I'd tell the client today. This actually happened in my last job, and telling them early kept the account.",
     "I'd tell the client today, because they need time to plan.", None),
]


@pytest.mark.parametrize(("rubric", "check", "good", "weak", "question"), RULES,
                         ids=[f"{r.value}-{c.value}" for r, c, *_ in RULES])
def test_each_rule_passes_the_good_answer_and_fails_the_weak(rubric: Rubric, check: CheckId, good: str, weak: str,
                                                             question: str | None) -> None:
    ok, bad = judge(rubric, good, question).checks[check], judge(rubric, weak, question).checks[check]
    assert ok.passed, ok.detail
    assert not bad.passed, bad.detail
    assert bad.evidence is not None and bad.evidence.quote  # a failed check points at what was said


@pytest.mark.parametrize("rubric", list(WEIGHTS))
@pytest.mark.parametrize("text", ["Um.", "Sure. So yeah, that's it.", "I, I, I.", "Two hundred percent! 2019."])
def test_every_failed_check_points_at_something_said_even_in_a_scrap_of_an_answer(rubric: Rubric, text: str) -> None:
    a = judge(rubric, text)
    assert a.score is not None and 0 <= a.score <= 100
    assert all(c.passed or (c.evidence is not None and c.evidence.quote) for c in a.checks.values())


def test_length_fits_per_rubric_band() -> None:
    words = "I built the tool. " * 10  # 40 words: 16 s
    assert not judge(Rubric.SITUATIONAL, words).checks[C.LENGTH_FITS].passed
    assert judge(Rubric.SITUATIONAL, words * 2).checks[C.LENGTH_FITS].passed  # 32 s
    assert not judge(Rubric.INTRODUCTION, words * 2).checks[C.LENGTH_FITS].passed  # under 50 s
    assert not judge(Rubric.MOTIVATION, words * 8).checks[C.LENGTH_FITS].passed  # 128 s


def test_a_negated_cliche_is_not_a_cliche() -> None:
    a = judge(Rubric.STRENGTH_WEAKNESS, "I won't give you the perfectionist line. My weakness is estimating work.",
              "What's your greatest weakness?")
    assert a.checks[C.GENUINE_TRAIT].passed


def test_what_the_employer_does_is_specific_but_what_it_values_or_offers_is_not() -> None:
    does = judge(Rubric.MOTIVATION, "Your hospital also trains its own theatre nurses, and I'd really like to be one.")
    praise = judge(Rubric.MOTIVATION, "Your company really values its people and offers great benefits.")
    assert does.checks[C.SPECIFIC_TO_EMPLOYER].passed and does.checks[C.FORWARD_LOOKING].passed
    assert not praise.checks[C.SPECIFIC_TO_EMPLOYER].passed


def test_neutral_facts_about_leaving_are_not_blame() -> None:
    a = judge(Rubric.MOTIVATION, "The office is closing in June. There's no data team to grow into there.")
    assert a.checks[C.NO_BLAME].passed


def test_introduction_parts_come_in_order_for_the_timeline() -> None:
    a = judge(Rubric.INTRODUCTION, corpus("rubric_corpus.yaml")[0]["text"])
    labels = [s.label for s in a.sentences if s.label != "other"]
    assert labels[0] == "present" and "past" in labels and labels[-1] == "future"
    assert a.parts["present"].seconds > 0 and a.parts["future"].seconds > 0


# ---------------------------------------------------------------- the held-out bar (measure only)

KNOWN_BELOW_BAR: set[str] = set()  # held-out pairs known to miss the bar (docs/scoring.md): none now


def heldout_pairs() -> list:
    out = []
    for good, weak in twins(corpus("rubric_heldout.yaml")):
        marks = [pytest.mark.xfail(strict=True, reason="known held-out miss, see docs/scoring.md")] \
            if good["id"] in KNOWN_BELOW_BAR else []
        out.append(pytest.param(good, weak, id=f"{good['id']}+{weak['id']}", marks=marks))
    return out


@pytest.mark.parametrize(("good", "weak"), heldout_pairs())
def test_heldout_bar_good_at_least_70_weak_20_below_its_twin(good: dict, weak: dict) -> None:
    g, w = (judge(Rubric(x["type"]), x["text"], x["question"]) for x in (good, weak))
    for a in (g, w):
        assert a.rubric != Rubric.STAR and not ({c.value for c in a.checks} & (STAR_IDS - {"within_limit"}))
    assert g.score is not None and w.score is not None
    assert g.score >= 70 and w.score <= g.score - 20, (g.score, w.score)


def test_heldout_checks_mostly_right() -> None:
    right = total = 0
    for it in corpus("rubric_heldout.yaml"):
        a = judge(Rubric(it["type"]), it["text"], it["question"])
        total += len(it["expected"])
        right += sum(a.checks[CheckId(k)].passed == v for k, v in it["expected"].items())
    assert right / total >= 0.90, f"{right}/{total}"


# ---------------------------------------------------------------- feedback, storage, views, mock, drill


def analysis_of(qtype: QuestionType, text: str, question: str = "Q?") -> Analysis:
    ws = rubrics.text_words(text)
    duration = ws[-1].end + 0.3
    a = rubrics.assess(Rubric(qtype.value) if qtype != QuestionType.STORY else Rubric.STAR, split_sentences(ws),
                       duration, 120.0, question=question)
    d = Delivery(wpm=150.0, articulation_wpm=160.0, first_word_s=0.3, speech_s=duration - 1, speech_start=0.3,
                 speech_end=ws[-1].end, word_count=len(ws), pauses=(), fillers=(), pitch_range_st=6.0,
                 loudness_std_db=4.0, monotone=False)
    gaps = feedback.gaps(a, d, ws, duration, 120.0)
    return Analysis("ok", None, question, qtype, 120.0, duration, tuple(ws), d, a, tuple(gaps))


def weak_items() -> list[dict]:
    return [it for it in corpus("rubric_corpus.yaml") if it["quality"] == "weak"]


@pytest.mark.parametrize("it", weak_items(), ids=item_id)
def test_every_tip_quotes_what_was_said_and_when_and_none_is_star(it: dict) -> None:
    an = analysis_of(QuestionType(it["type"]), it["text"], it["question"])
    words = " ".join(w.text for w in an.words)
    assert an.gaps, "a weak answer gets tips"
    failed = {c.value for c, chk in an.assessment.checks.items() if not chk.passed}
    for tip in an.gaps:
        assert tip.id.value not in {g.value for g in (feedback.GapId.NOT_A_STORY, feedback.GapId.MISSING_RESULT,
                                                       feedback.GapId.ACTION_WE, feedback.GapId.TASK_OWNERSHIP,
                                                       feedback.GapId.SITUATION_LONG)}
        assert tip.evidence.quote.rstrip("…").split()[0] in words
        assert 0 <= tip.evidence.start <= an.duration_s
        assert tip.id.value in failed or tip.id.value in {"over_limit", "fillers", "pace_fast", "pace_slow",
                                                          "long_pauses", "monotone"}


def test_an_open_answer_says_plainly_that_content_is_not_scored() -> None:
    an = analysis_of(QuestionType.OPEN, "A hash map stores keys in buckets. Lookups are constant time on average.")
    first = an.feedback()[0]
    assert first.id == feedback.GapId.CONTENT_NOT_SCORED and "doesn't judge what you said" in first.message
    assert first.evidence.quote.startswith("A hash map")
    assert an.score is None and an.to_dict()["star"] is None


@pytest.mark.parametrize("qtype", [t for t in QuestionType if t != QuestionType.STORY])
def test_stored_analyses_of_every_rubric_read_back(qtype: QuestionType) -> None:
    it = next((x for x in corpus("rubric_corpus.yaml") if x["type"] == qtype.value), corpus("rubric_corpus.yaml")[0])
    an = analysis_of(qtype, it["text"])
    d = json.loads(json.dumps(an.to_dict()))
    assert d["rubric"] == qtype.value and d["assessment"]["rubric"] == qtype.value and d["star"] is None
    back = Analysis.from_dict(d)
    assert back.rubric == an.rubric and back.score == an.score
    assert back.assessment.checks == an.assessment.checks
    assert [s.label for s in back.assessment.sentences] == [s.label for s in an.assessment.sentences]
    assert back.gaps == an.gaps


def test_the_feedback_view_names_the_rubric_and_shows_its_parts() -> None:
    html = feedback_html(analysis_of(QuestionType.INTRODUCTION, corpus("rubric_corpus.yaml")[0]["text"]))
    assert "Judged as: introduction" in html and "a introduction" not in html
    assert "Present" in html and "Past" in html and "Future" in html
    assert "opens with present" in html  # the checks table
    html = feedback_html(analysis_of(QuestionType.STRENGTH_WEAKNESS, "My weakness is estimating. I started a log. "
                                                                     "Since then I've hit every estimate."))
    assert "Trait" in html and "the_trait" not in html.split("mp-transcript")[0].split("mp-timeline")[1]
    html = feedback_html(analysis_of(QuestionType.OPEN, "A hash map stores keys in buckets. Lookups are fast."))
    assert "no content score" in html and 'id="mp-timeline"' not in html


def test_follow_up_probes_fit_the_rubric_of_the_answer() -> None:
    weak_intro = next(it for it in corpus("rubric_corpus.yaml") if it["id"] == "tune-intro-02")
    probe = mock.follow_up(analysis_of(QuestionType.INTRODUCTION, weak_intro["text"]))
    assert probe in {mock.PROBES[g] for g in (feedback.GapId.OPENS_WITH_PRESENT, feedback.GapId.RECENT_AND_RELEVANT,
                                              feedback.GapId.ENDS_ON_THIS_ROLE)}
    hedge = analysis_of(QuestionType.SITUATIONAL, "It really depends on the people. Every situation is different, so "
                                                  "it's hard to say without more detail. It depends.")
    assert mock.follow_up(hedge) == mock.PROBES[feedback.GapId.MAKES_DECISION]
    open_answer = analysis_of(QuestionType.OPEN, "A hash map stores keys in buckets. Lookups are fast on average.")
    assert mock.follow_up(open_answer) == mock.FALLBACK_PROBES[Rubric.OPEN]
    assert all("specific time" not in p for p in (probe, mock.follow_up(hedge)))


def test_drilling_rates_by_the_answers_own_rubric() -> None:
    from fsrs import Rating

    good = next(it for it in corpus("rubric_corpus.yaml") if it["id"] == "tune-motiv-01")
    blame = "My manager is a nightmare and the company is a mess. " + good["text"]
    assert drill.rating(analysis_of(QuestionType.MOTIVATION, good["text"])) in {Rating.Good, Rating.Easy}
    assert drill.rating(analysis_of(QuestionType.MOTIVATION, blame)) == Rating.Again  # blame is serious here
    reasons = drill.weaknesses(analysis_of(QuestionType.MOTIVATION, blame))
    assert "blames an employer" in reasons


# ---------------------------------------------------------------- spoken fixtures (synthesized, slow)

RUBRIC_AUDIO = Path(__file__).resolve().parent / "fixtures" / "rubric_audio"


@cache
def spoken(fid: str) -> tuple[dict, Analysis]:
    from mockprep.analysis import analyze

    truth = json.loads((RUBRIC_AUDIO / f"{fid}.json").read_text())
    return truth, analyze(RUBRIC_AUDIO / f"{fid}.flac", truth["question"], question_type=QuestionType(truth["type"]))


def spoken_pairs() -> list[tuple[str, str]]:
    """(good, weak) fixtures: each weak answer follows its good twin in rubric_answers.yaml."""
    entries = yaml.safe_load((Path(__file__).resolve().parent / "fixtures" / "rubric_answers.yaml").read_text())
    have = {p.stem for p in RUBRIC_AUDIO.glob("*.json")}
    return [(g["id"], w["id"]) for g, w in zip(entries[::2], entries[1::2], strict=True)
            if g["quality"] == "good" and w["quality"] == "weak" and g["type"] == w["type"]
            and {g["id"], w["id"]} <= have]


@pytest.mark.slow
@pytest.mark.parametrize(("good", "weak"), spoken_pairs(), ids=lambda p: p if isinstance(p, str) else "")
def test_spoken_answers_are_judged_by_their_own_rubric(good: str, weak: str) -> None:
    (tg, g), (_, w) = spoken(good), spoken(weak)
    for a in (g, w):
        assert a.ok and a.assessment is not None and a.rubric != Rubric.STAR and a.star is None
        assert not ({c.value for c in a.assessment.checks} & (STAR_IDS - {"within_limit"}))
        assert all(t.id.value not in {"not_a_story", "missing_result", "action_we"} for t in a.gaps)
    if tg["type"] == "open":
        assert g.score is None and w.score is None
        assert g.feedback()[0].id == feedback.GapId.CONTENT_NOT_SCORED
        return
    assert g.score >= 70 and w.score <= g.score - 20, (g.score, w.score)


def test_every_check_of_the_other_rubrics_has_its_gap_under_the_same_id() -> None:
    # feedback.py turns a failed check into the gap GapId(check id): the two enums must stay in step.
    weights = (SETTINGS.intro_weights, SETTINGS.motivation_weights, SETTINGS.strength_weakness_weights,
               SETTINGS.situational_weights)
    ids = {CheckId(cid) for pairs in weights for cid, _ in pairs}
    assert CheckId.LENGTH_FITS in ids
    assert {feedback.GapId(c.value).value for c in ids} == {c.value for c in ids}


# ---------------------------------------------------------------- no evidence from doubtful words (issue 14)


def in_doubt(text: str) -> tuple[list[list[Word]], list[Word], list[tuple[float, float]]]:
    """A written answer whose [bracketed] words the recogniser was unsure of: its sentences, its words, and the
    doubtful stretches as the analysis would find them (confidence.Confidence, margins included)."""
    ws = [Word(w.text.strip("[]"), w.start, w.end, 0.2 if w.text.startswith("[") else 0.95)
          for w in rubrics.text_words(text)]
    marked = tuple(i for i, w in enumerate(ws) if w.probability < 0.5)
    spans = Confidence(0.5, True, marked).doubtful_spans(ws)
    return split_sentences(ws), ws, spans


def doubtful_answer(rubric: Rubric, text: str, question: str | None = None) -> tuple[Assessment, list[feedback.Tip]]:
    chunks, ws, spans = in_doubt(text)
    duration = ws[-1].end + 0.3
    a = rubrics.assess_in_doubt(rubric, chunks, spans, duration, 120.0, question=question)
    d = Delivery(wpm=150.0, articulation_wpm=160.0, first_word_s=0.3, speech_s=duration - 1, speech_start=0.3,
                 speech_end=ws[-1].end, word_count=len(ws), pauses=(), fillers=(), pitch_range_st=6.0,
                 loudness_std_db=4.0, monotone=False)
    return a, feedback.gaps(a, d, hide(ws, spans), duration, 120.0)


def quoted(a: Assessment, tips: list[feedback.Tip]) -> str:
    """Everything the feedback and the checks show as said: quotes, details and tip messages."""
    parts = [t.message + " " + t.evidence.quote for t in tips]
    parts += [c.detail + " " + (c.evidence.quote if c.evidence else "") for c in a.checks.values()]
    return " ".join(parts).lower()


def test_a_trusted_transcript_is_judged_as_before() -> None:
    text = corpus("rubric_corpus.yaml")[0]["text"]
    ws = rubrics.text_words(text)
    chunks = split_sentences(ws)
    assert rubrics.assess_in_doubt(Rubric.INTRODUCTION, chunks, [], ws[-1].end, 120.0) == \
        rubrics.assess(Rubric.INTRODUCTION, chunks, ws[-1].end, 120.0)


def test_doubtful_words_and_their_neighbours_are_hidden_and_quoted_as_one_gap() -> None:
    _, ws, spans = in_doubt("We moved the whole [warehouse] onto the new scanners in March.")
    shown = [w.text for w in hide(ws, spans)]
    assert shown == ["We", "moved", "the", "…", "…", "…", "the", "new", "scanners", "in", "March."]
    assert quote(hide(ws, spans)) == "We moved the … the new scanners in March."
    assert Evidence("… the new scanners", 1.0, 2.0).said and Evidence("Delegating.", 1.0, 2.0).said
    assert not Evidence("…", 1.0, 2.0).said and not Evidence("I … big …", 1.0, 2.0).said


def test_a_check_that_would_pass_on_doubtful_words_alone_is_left_unsure_and_scores_nothing() -> None:
    text = ("I've run the night shift at a parcel depot for three years and built its loading plan. "
            "Your depot is opening a second sorting line. Longer term I'd [like] to supervise a line of my own.")
    clear, _ = doubtful_answer(Rubric.MOTIVATION, text.replace("[", "").replace("]", ""))
    a, tips = doubtful_answer(Rubric.MOTIVATION, text)
    assert clear.checks[C.FORWARD_LOOKING].passed
    fwd = a.checks[C.FORWARD_LOOKING]
    assert not fwd.passed and fwd.unsure and fwd.evidence is None
    assert not a.failed(C.FORWARD_LOOKING)  # not judged: neither a pass nor a fault
    assert a.score == clear.score - dict(SETTINGS.motivation_weights)["forward_looking"]
    assert C.FORWARD_LOOKING.value not in {t.id.value for t in tips}  # no tip for what may have been said
    assert "like" not in quoted(a, tips).split()


def test_a_fault_heard_only_in_doubtful_words_is_neither_quoted_nor_passed() -> None:
    text = ("My manager is a [nightmare] and I'm tired of it. I've spent two years building the returns process, "
            "and your team is rolling it out to every store.")
    clear, clear_tips = doubtful_answer(Rubric.MOTIVATION, text.replace("[", "").replace("]", ""))
    a, tips = doubtful_answer(Rubric.MOTIVATION, text)
    assert clear.failed(C.NO_BLAME) and "nightmare" in quoted(clear, clear_tips)
    assert a.checks[C.NO_BLAME].unsure and not a.checks[C.NO_BLAME].passed
    assert "nightmare" not in quoted(a, tips) and C.NO_BLAME.value not in {t.id.value for t in tips}


STORY = ("At my last job I was a support lead at a software company. Our refund queue had grown to three weeks of "
         "waiting. I was responsible for getting it under two days. I sorted the backlog by type and found half "
         "were duplicates. I wrote a script that merged the duplicates. Then I trained two colleagues on the refund "
         "tool. As a result the wait fell sharply. Complaints about refunds dropped by {n} percent that quarter.")


def test_a_star_result_whose_number_is_in_doubt_is_not_called_unmeasured_nor_credited() -> None:
    clear, _ = doubtful_answer(Rubric.STAR, STORY.format(n="forty"))
    a, tips = doubtful_answer(Rubric.STAR, STORY.format(n="[forty]"))
    assert clear.checks[C.RESULT_QUANTIFIED].passed
    assert a.checks[C.RESULT_QUANTIFIED].unsure and not a.checks[C.RESULT_QUANTIFIED].passed
    assert a.score is not None and clear.score is not None and a.score < clear.score
    assert feedback.GapId.RESULT_NOT_QUANTIFIED not in {t.id for t in tips}  # it may well have had a number
    assert "forty" not in quoted(a, tips) and all(t.evidence.said for t in tips)


def test_a_star_result_heard_only_in_doubt_is_not_called_missing() -> None:
    story = STORY.format(n="forty").replace("As a result the wait fell sharply. Complaints about refunds dropped by "
                                            "forty percent that quarter.",
                                            "[As] [a] [result] [complaints] [dropped] [by] [forty] [percent.]")
    a, tips = doubtful_answer(Rubric.STAR, story)
    assert a.checks[C.ALL_PARTS_PRESENT].unsure
    assert not {t.id for t in tips} & {feedback.GapId.MISSING_RESULT, feedback.GapId.RESULT_NOT_QUANTIFIED}
    assert "forty" not in quoted(a, tips) and "complaints" not in quoted(a, tips)


def test_no_check_passes_and_no_tip_quotes_from_an_answer_heard_only_in_doubt() -> None:
    text = "[I] [tend] [to] [say] [yes] [to] [everything.] [So] [I] [started] [a] [list.]"
    a, tips = doubtful_answer(Rubric.STRENGTH_WEAKNESS, text, "What's your greatest weakness?")
    assert not a.checks[C.NAMES_TRAIT].passed and not a.checks[C.STEPS_TAKEN].passed
    assert tips == [] and "list" not in quoted(a, tips)


@pytest.mark.parametrize("it", [it for it in corpus("rubric_corpus.yaml") if it["quality"] == "good"][::7],
                         ids=item_id)
def test_every_fifth_word_in_doubt_is_never_quoted(it: dict) -> None:
    toks = it["text"].split()
    marked = {i for i in range(2, len(toks), 5)}
    text = " ".join(f"[{t}]" if i in marked else t for i, t in enumerate(toks))
    a, tips = doubtful_answer(Rubric(it["type"]), text, it["question"])
    _, ws, spans = in_doubt(text)
    hidden = {round(w.start, 2) for w, h in zip(ws, hide(ws, spans), strict=True) if h.text != w.text}
    assert all(t.evidence.said for t in tips)
    for ev in [t.evidence for t in tips] + [c.evidence for c in a.checks.values() if c.evidence]:
        inside = [w for w in ws if ev.start - 1e-6 <= w.start <= ev.end + 1e-6]
        shown = [w.text for w in inside if round(w.start, 2) not in hidden]
        assert all(tok in shown or tok in ("…", "") for tok in ev.quote.rstrip("…").split()), ev
    assert all(c.passed is False for c in a.checks.values() if c.unsure)


def test_an_unsure_check_is_stored_and_read_back() -> None:
    an = analysis_of(QuestionType.MOTIVATION, "Your team is moving to live chat. I set up chat at my last job.")
    checks = dict(an.assessment.checks)
    checks[C.NO_BLAME] = Check(False, rubrics.UNSURE, None, unsure=True)
    an = dataclasses.replace(an, assessment=dataclasses.replace(an.assessment, checks=checks))
    d = an.to_dict()
    assert d["assessment"]["checks"]["no_blame"]["unsure"] is True
    back = Analysis.from_dict(json.loads(json.dumps(d)))
    assert back.assessment.checks[C.NO_BLAME].unsure and not back.assessment.failed(C.NO_BLAME)


def test_an_answer_heard_mostly_in_doubt_gets_no_score_rather_than_a_low_one() -> None:
    text = ("I've run the night shift at a parcel depot for three years and built its loading plan. "
            "Your depot is opening a second sorting line. Longer term I'd like to supervise a line of my own.")
    clear, _ = doubtful_answer(Rubric.MOTIVATION, text)
    a, _ = doubtful_answer(Rubric.MOTIVATION, " ".join(f"[{w}]" for w in text.split()))
    assert clear.score is not None and clear.score >= 70
    assert sum(c.unsure for c in a.checks.values()) >= len(a.checks) / 2
    assert a.score is None and not any(c.passed for c in a.checks.values() if c.unsure)
    assert unscored_reason(Rubric.MOTIVATION).startswith("Not scored")
