"""Mock interviews: questions mixed as a real interview mixes them, each answer followed by the probe its
weakest part calls for (or, for a story, by a dig into the story's thinnest layer), then a summary.

`MockInterview` is a small immutable state machine: the UI (or any other adapter) keeps the current
state, records each answer where it records any other, and asks the state what comes next.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum

from mockprep.analysis import Analysis
from mockprep.assessment import QuestionType, Rubric
from mockprep.banks import Question
from mockprep.delivery import HESITATION
from mockprep.feedback import GapId, Severity
from mockprep.stories import thin_layers, thinnest

# What an interviewer asks next, by the weakest part of the answer (behavioural-event-interview style).
PROBES: dict[GapId, str] = {
    GapId.NOT_A_STORY: "Can you tell me about one specific time that happened? What did you do?",
    GapId.MISSING_RESULT: "What was the outcome, in numbers?",
    GapId.RESULT_NOT_QUANTIFIED: "How did you measure the result?",
    GapId.ACTION_WE: "What exactly did you do yourself?",
    GapId.MISSING_ACTION: "What did you do, step by step?",
    GapId.SITUATION_LONG: "What was your part in it?",
    GapId.ACTION_RESULT_SHORT: "What did you do next, and what came of it?",
    GapId.TASK_OWNERSHIP: "What were you responsible for?",
    GapId.OVER_LIMIT: "In one sentence: what was the result?",
    # introduction
    GapId.OPENS_WITH_PRESENT: "What are you doing now, in your current role?",
    GapId.COVERS_PAST: "How did you get to where you are now?",
    GapId.RECENT_AND_RELEVANT: "Focusing on the last few years: what in your work matters most for this role?",
    GapId.NAMES_A_HIGHLIGHT: "What's one thing you've achieved in your current role that you're proud of?",
    GapId.LOOKS_AHEAD: "What are you looking for in your next role?",
    GapId.ENDS_ON_THIS_ROLE: "And how does this role fit into that?",
    # motivation
    GapId.SPECIFIC_TO_EMPLOYER: "What do you know about what this team is working on?",
    GapId.REASONS_ABOUT_THE_WORK: "Leaving pay and perks aside, what about the work itself appeals to you?",
    GapId.TIED_TO_EXPERIENCE: "What have you done so far that prepares you for this?",
    GapId.FORWARD_LOOKING: "What would you want to achieve in your first year here?",
    GapId.NO_BLAME: "What are you looking for that your current job can't give you?",
    # strength or weakness
    GapId.NAMES_TRAIT: "If you had to name it in a few words, what is it?",
    GapId.GENUINE_TRAIT: "Setting that aside: what's something you've had real feedback to work on?",
    GapId.STEPS_TAKEN: "What have you actually done about it?",
    GapId.EVIDENCE_OF_CHANGE: "How do you know it's working?",
    GapId.RECENT_EXAMPLE: "When did that last come up?",
    # situational
    GapId.FRAMES_SITUATION: "What would you want to find out before acting?",
    GapId.WEIGHS_OPTIONS: "What else could you do, and why not that?",
    GapId.MAKES_DECISION: "If you had to decide today, what would you do?",
    GapId.GIVES_REASONS: "Why that, rather than something else?",
    GapId.PLANS_FOLLOW_UP: "How would you know it had worked?",
    GapId.REAL_EXAMPLE: "Have you been in a situation like that? What did you do?",
}
FALLBACK_PROBE = "And then what happened?"
# When the answer left nothing to probe and the question brings no probe of its own: what an interviewer asks
# next for each kind of answer.
FALLBACK_PROBES: dict[Rubric, str] = {
    Rubric.STAR: FALLBACK_PROBE,
    Rubric.INTRODUCTION: "What from your background matters most for this role?",
    Rubric.MOTIVATION: "What would you want to achieve in your first six months?",
    Rubric.STRENGTH_WEAKNESS: "Can you give me another recent example?",
    Rubric.SITUATIONAL: "And if that didn't work, what would you do next?",
    Rubric.OPEN: "Can you give me an example of where you've used that?",
}
OVER_LIMIT_PROBE = "In one sentence: what's the main point you want me to remember?"


# What a behavioural-event interviewer asks to dig into a story's thin layer, after quoting the candidate.
LAYER_PROBES: dict[str, str] = {
    "overview": "Take a step back for me: what was going on, and what were you there to do?",
    "data points": "What were the numbers? How big was it, and how did you know it had worked?",
    "people and what was said": "Who else was involved, and what did they say? What did you say to them?",
}
# Which sentence of the answer each layer's probe picks up on: the overview sets the scene for where the
# answer began; the numbers belong to the result; the people, to what the candidate did.
_LAYER_QUOTE_PART = {"overview": None, "data points": "result", "people and what was said": "action"}
_QUOTE_WORDS = 12


_LEAD_INS = frozenset({"and", "so", "but", "then", "well", "okay", "ok"})


def _quote(text: str) -> str:
    """The candidate's own words, without the "um" or "and so" they began with, cut to a dozen words."""
    words = text.strip().rstrip(".!?").split()
    while words and (HESITATION.match(w := words[0].strip(",.").lower()) or w in _LEAD_INS):
        words = words[1:]
    if not words:
        return ""
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words[:_QUOTE_WORDS]) + ("…" if len(words) > _QUOTE_WORDS else "")


def layer_probe(layer: str, analysis: Analysis) -> str:
    """The follow-up into one layer of the story, quoting the sentence of this answer it builds on."""
    sents = analysis.star.sentences if analysis.star else ()
    part = _LAYER_QUOTE_PART[layer]
    said = sents[0] if part is None and sents else next((x for x in reversed(sents) if x.label == part), None)
    if said is None or not _quote(said.text):
        return LAYER_PROBES[layer]
    lead = "You began with" if part is None else "You said"
    return f"{lead} “{_quote(said.text)}”. {LAYER_PROBES[layer]}"


def probe_for(gap: GapId, rubric: Rubric) -> str | None:
    """The interviewer's follow-up for this gap in an answer judged by this rubric (None: it has none)."""
    if gap == GapId.OVER_LIMIT and rubric != Rubric.STAR:
        return OVER_LIMIT_PROBE
    return PROBES.get(gap)


def follow_up(analysis: Analysis | None, question: Question | None = None,
              layers: dict[str, str] | None = None) -> str:
    """The probe for this answer, the most important first: a serious gap's (no result, no story, "we" not
    "I", over time); a story's thin layer (`layers`: the layers of the story it tells, over every telling);
    a lesser gap's; the question's own; the story's thinnest layer; what an interviewer asks next."""
    if analysis is None or not analysis.ok:
        return PROBES[GapId.NOT_A_STORY] if (question is None or question.type == QuestionType.STORY) else \
            "Could you answer that again, in a few sentences?"
    probes = [(gap.severity, p) for gap in analysis.gaps if (p := probe_for(gap.id, analysis.rubric)) is not None]
    if probes and probes[0][0] == Severity.HIGH:
        return probes[0][1]
    story = layers if layers and analysis.star is not None else None
    if story and thin_layers(story):
        return layer_probe(thinnest(story), analysis)
    if probes:
        return probes[0][1]
    if question and question.probes:
        return question.probes[0]
    return layer_probe(thinnest(story), analysis) if story else FALLBACK_PROBES[analysis.rubric]


def pick_questions(questions: list[Question], n: int = 5, rng: random.Random | None = None) -> list[Question]:
    """n questions in the order of a real interview: an opener, stories from different competencies (with a
    hypothetical and a strength or weakness in a longer one), and a motivation question to close."""
    rng = rng or random.Random()
    by_type: dict[QuestionType, list[Question]] = {t: [] for t in QuestionType}
    for q in questions:
        by_type[q.type].append(q)
    for pool in by_type.values():
        rng.shuffle(pool)
    plan: list[QuestionType] = []
    if n >= 2:
        plan.append(QuestionType.INTRODUCTION)
    middle = [QuestionType.SITUATIONAL] * (n >= 5) + [QuestionType.STRENGTH_WEAKNESS] * (n >= 6)
    closing = [QuestionType.MOTIVATION] * (n >= 3)
    plan += [QuestionType.STORY] * (n - len(plan) - len(middle) - len(closing))
    plan += middle + closing
    chosen: list[Question] = []
    seen: set[str] = set()
    for t in plan:
        pool = by_type[t] or by_type[QuestionType.STORY]
        q = next((q for q in pool if q not in chosen and q.competency not in seen), None) or \
            next((q for q in pool if q not in chosen), None)
        if q is not None:
            chosen.append(q)
            seen.add(q.competency)
    return chosen


class Phase(StrEnum):
    ANSWER = "answer"  # the question is asked; its answer is next
    PROBE = "probe"  # the follow-up is asked; its answer is next
    DONE = "done"


@dataclass(frozen=True)
class Summary:
    answers: int
    average_score: int | None
    over_limit: int
    most_common_gap: GapId | None
    advice: str


@dataclass(frozen=True)
class MockInterview:
    id: int
    questions: tuple[Question, ...]
    pos: int = 0
    phase: Phase = Phase.ANSWER
    answers: tuple[Analysis | None, ...] = ()  # the main answers so far (None: skipped or not analysed)
    probe: str | None = None
    parent_id: int | None = None  # the attempt the follow-up belongs to

    @classmethod
    def start(cls, mock_id: int, questions: list[Question]) -> MockInterview:
        return cls(mock_id, tuple(questions), phase=Phase.ANSWER if questions else Phase.DONE)

    @property
    def question(self) -> Question | None:
        return self.questions[self.pos] if self.pos < len(self.questions) else None

    @property
    def asking(self) -> str:
        """What the interviewer is asking now."""
        if self.phase == Phase.PROBE and self.probe:
            return self.probe
        return self.question.text if self.question else ""

    def answered(self, analysis: Analysis | None, attempt_id: int | None,
                 layers: dict[str, str] | None = None) -> MockInterview:
        """An answer came in: a main answer leads to its follow-up, a follow-up to the next question.
        `layers`: the layers of the story the answer tells (the caller reads them; this never touches a store)."""
        if self.phase == Phase.ANSWER:
            if analysis is None:  # nothing usable was heard: ask again
                return self
            return replace(self, phase=Phase.PROBE, answers=(*self.answers, analysis),
                           probe=follow_up(analysis, self.question, layers), parent_id=attempt_id)
        return self._next()

    def skip(self) -> MockInterview:
        if self.phase == Phase.ANSWER:
            return replace(self, answers=(*self.answers, None))._next()
        return self._next()

    def _next(self) -> MockInterview:
        pos = self.pos + 1
        return replace(self, pos=pos, phase=Phase.DONE if pos >= len(self.questions) else Phase.ANSWER,
                       probe=None, parent_id=None)

    def summary(self) -> Summary:
        return summary([a for a in self.answers if a is not None])


def summary(answers: list[Analysis]) -> Summary:
    """Average score, answers over the limit, and the gap that came up most."""
    ok = [a for a in answers if a.ok]
    scored = [a.score for a in ok if a.score is not None]
    firsts = [next((g.id for g in a.gaps if g.id in PROBES), None) for a in answers]
    counts = Counter(g for g in firsts if g)
    common = counts.most_common(1)[0][0] if counts else None
    if common:
        advice = f"Most answers lacked the same thing; expect to be asked: “{PROBES[common]}”"
    else:
        advice = "Every answer held up; drill the ones due next."
    return Summary(len(answers), round(sum(scored) / len(scored)) if scored else None,
                   sum(1 for a in ok if a.over_limit_s > 0), common, advice)
