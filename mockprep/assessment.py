"""What a rubric decides about an answer: its parts, its checks and its score.

Every kind of question gets its own rubric (a story gets STAR, an introduction present-past-future, ...),
and every rubric answers in this one shape, so feedback, storage, the views and the drill schedule do not
need to know which rubric spoke.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mockprep.sentences import Sentence
from mockprep.words import Evidence


class QuestionType(StrEnum):
    STORY = "story"  # behavioural: "tell me about a time"
    INTRODUCTION = "introduction"  # "tell me about yourself"
    MOTIVATION = "motivation"  # why this role, this company, why leaving, five years, values
    STRENGTH_WEAKNESS = "strength_weakness"
    SITUATIONAL = "situational"  # "what would you do if"
    OPEN = "open"  # knowledge, technical, anything else: delivery only


class Rubric(StrEnum):
    STAR = "star"
    INTRODUCTION = "introduction"
    MOTIVATION = "motivation"
    STRENGTH_WEAKNESS = "strength_weakness"
    SITUATIONAL = "situational"
    OPEN = "open"


RUBRIC_OF = {QuestionType.STORY: Rubric.STAR, **{t: Rubric(t.value) for t in QuestionType if t != QuestionType.STORY}}
RUBRIC_NAMES = {
    Rubric.STAR: "STAR story",
    Rubric.INTRODUCTION: "introduction (present, past, future)",
    Rubric.MOTIVATION: "motivation",
    Rubric.STRENGTH_WEAKNESS: "strength or weakness",
    Rubric.SITUATIONAL: "situational (what would you do)",
    Rubric.OPEN: "open question (delivery only)",
}


class CheckId(StrEnum):
    """Every check of every rubric: the ids the JSON contract, the tips and the drill rating share."""

    # star
    ALL_PARTS_PRESENT = "all_parts_present"
    ACTION_RESULT_SHARE = "action_result_share"
    SITUATION_BRIEF = "situation_brief"
    TASK_OWNERSHIP = "task_ownership"
    ACTION_USES_I = "action_uses_i"
    RESULT_QUANTIFIED = "result_quantified"
    RESULT_SPECIFIC = "result_specific"
    WITHIN_LIMIT = "within_limit"
    IS_STORY = "is_story"
    # every rubric but STAR and open: speaking time inside the rubric's band
    LENGTH_FITS = "length_fits"
    # introduction
    OPENS_WITH_PRESENT = "opens_with_present"
    COVERS_PAST = "covers_past"
    RECENT_AND_RELEVANT = "recent_and_relevant"
    NAMES_A_HIGHLIGHT = "names_a_highlight"
    LOOKS_AHEAD = "looks_ahead"
    ENDS_ON_THIS_ROLE = "ends_on_this_role"
    # motivation
    SPECIFIC_TO_EMPLOYER = "specific_to_employer"
    REASONS_ABOUT_THE_WORK = "reasons_about_the_work"
    TIED_TO_EXPERIENCE = "tied_to_experience"
    FORWARD_LOOKING = "forward_looking"
    NO_BLAME = "no_blame"
    # strength_weakness
    NAMES_TRAIT = "names_trait"
    GENUINE_TRAIT = "genuine_trait"
    STEPS_TAKEN = "steps_taken"
    EVIDENCE_OF_CHANGE = "evidence_of_change"
    RECENT_EXAMPLE = "recent_example"
    # situational
    FRAMES_SITUATION = "frames_situation"
    WEIGHS_OPTIONS = "weighs_options"
    MAKES_DECISION = "makes_decision"
    GIVES_REASONS = "gives_reasons"
    PLANS_FOLLOW_UP = "plans_follow_up"
    REAL_EXAMPLE = "real_example"


@dataclass(frozen=True)
class Check:
    passed: bool
    detail: str
    evidence: Evidence | None = None  # what the verdict rests on, when it rests on something said
    unsure: bool = False  # not judged: the verdict turns on words that may be misheard (never passed, no tip)


@dataclass(frozen=True)
class Part:
    seconds: float
    share: float  # of the time spent on the rubric's parts
    sentences: int


@dataclass(frozen=True)
class Assessment:
    rubric: Rubric
    sentences: tuple[Sentence, ...]  # labelled with the rubric's parts (or "other")
    parts: dict[str, Part]
    checks: dict[CheckId, Check]
    score: int | None  # None: this rubric does not score content (open questions)

    def sentences_in(self, part: str) -> list[Sentence]:
        return [s for s in self.sentences if s.label == part]

    def failed(self, check: CheckId) -> bool:
        """The check was made and did not pass (a check left unsure was not made)."""
        c = self.checks.get(check)
        return c is not None and not c.passed and not c.unsure


def parts_of(sents: list[Sentence], names: tuple[str, ...]) -> dict[str, Part]:
    """Seconds, share and sentence count of each part (shares of the time spent on these parts)."""
    secs = {p: sum(s.duration for s in sents if s.label == p) for p in names}
    total = sum(secs.values())
    return {p: Part(round(secs[p], 1), round(secs[p] / total, 3) if total else 0.0,
                    sum(1 for s in sents if s.label == p)) for p in names}


def weighted_score(checks: dict[CheckId, Check], weights: dict[CheckId, float]) -> float:
    """The sum of the weights of the checks that passed."""
    return sum(w for cid, w in weights.items() if checks[cid].passed)


def unscored_reason(rubric: Rubric) -> str:
    """Why an answer has no content score: an open question is judged on delivery only; any other answer was
    not heard clearly enough to judge (rubrics.assess_in_doubt)."""
    return ("mockprep gives no content score here, only feedback on how you said it" if rubric == Rubric.OPEN
            else "Not scored: too much of what it would be judged on was not heard clearly")
