"""What kind of question was asked, from its wording: a story, an introduction, motivation, a strength or
weakness, a hypothetical, or something else (open).

Bank questions carry their type; this reads free text (`--question`, a user's bank, a question typed into a
debrief). Cue rules decide first, in an order that resolves the usual overlaps ("Tell me about a time your
weakness caused a problem" is a story; "What would you say is your greatest strength?" is not a
hypothetical). Wording no rule knows is compared with the questions whose type is known (the banks), and
left `open` when nothing is close. The user can change the type with one click; nothing else depends on
the guess being right.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import TypeVar

from mockprep.assessment import QuestionType

_T = TypeVar("_T")

T = QuestionType

_STORY_STRONG = re.compile(
    r"\b(?:tell (?:me|us) about (?:a|one|the last|another) (?:time|situation|occasion|moment|day)|"
    r"describe (?:a|one|the last) (?:time|situation|occasion|moment|day)|(?:a|one) (?:time|situation|occasion) "
    r"(?:when|where|that|you)|give (?:me |us )?(?:an|one|a specific|a concrete) example (?:of (?:a time|when|"
    r"how you|a situation|the|your)|where|when)|an example of when|have you ever|share an? (?:experience|example|"
    r"story)|when was the (?:last|first) time|walk (?:me|us) through (?:a|the) (?:time|project|situation|"
    r"decision|conflict|mistake)|talk (?:me|us) through (?:a|the) (?:time|project|situation|conflict)|"
    r"walk (?:me|us) through how you (?:handled|dealt|managed|solved|fixed|led|ran)|proudest|most proud|"
    r"(?:hardest|toughest|biggest|most difficult|worst|best|most challenging|most important) \w+(?: \w+)? "
    r"(?:you(?:'ve| have)? (?:ever )?(?:made|had|faced|done|worked|dealt|received|given|led|handled|learned|"
    r"learnt|solved|built|shipped)|you ever))\b")
_TELL_ABOUT = re.compile(r"^(?:so,? |ok(?:ay)?,? |and )?(?:can you |could you |please )?(?:tell (?:me|us) about|"
                         r"give (?:me|us) an example|describe|walk (?:me|us) through|talk (?:me|us) through|share)\b")
# "an example of working with...", "a project where...": what happened once, named by its circumstances.
_EVENT_CLAUSE = re.compile(r"^ (?:(?:an? |one )?example )?of\b|"
                           r"^ (?:an?|one|the) \w+(?: \w+)? (?:where|when|in which)\b")
_PAST_VERB = re.compile(r"\b(?:\w+ed|made|had|took|led|ran|did|gave|got|won|lost|built|taught|caught|"
                        r"brought|fought|thought|felt|left|sold|chose|went|wrote|broke|faced|dealt)\b")
_STRENGTH_WEAKNESS = re.compile(
    r"\b(?:strengths?|weakness(?:es)?|improve on|(?:need|needs|should|working) to (?:work on|improve|get better)|"
    r"get better at|areas? (?:for|of) (?:improvement|development|growth)|development area|improve\b.*\?|"
    r"what would (?:your|the|my) (?:\w+ ){0,2}say|(?:best|worst) (?:at|quality|qualities|trait|traits)|"
    r"are you (?:best|worst|good|bad|not good) at|superpower|struggle with|you struggle|feedback you (?:hear|get)|"
    r"describe yourself in|sets you apart|not good at|annoying thing about (?:working with )?you|"
    r"need (?:the )?most support|find (?:the )?hardest|working on developing|trying to improve)\b")
_OPEN_DESIGN = re.compile(
    r"\bhow (?:would|do|did|could) you (?:design|build|implement|architect|scale|estimate|test|debug|"
    r"calculate|code|model|optimi[sz]e|measure|compute)\b|\bwalk (?:me|us) through how you(?:'d| would) "
    r"(?:design|build|implement|architect|scale|test)\b|\bhow (?:would|do) you improve (?:our|the|this) "
    r"(?:\w+ )?(?:app|product|site|website|page|onboarding|feature|api|system)\b")
_SITUATIONAL = re.compile(
    r"\bwhat (?:would|will|do|should) you (?:do|say|tell|suggest|recommend)\b|\bwhat if\b|\bwhat'?s your plan\b|"
    r"\bhow (?:would|will|should|do) you (?:handle|approach|respond|deal|react|prioriti[sz]e|tell|go about|"
    r"present|decide|explain|start|manage|convince|get|resolve|balance|push back|support|help|bring|motivate|"
    r"communicate|escalate|work with)\b|\bhow (?:do|would) you handle it\b|\bimagine\b|\bsuppose\b|"
    r"\bsay (?:a|an|you|your|the|that)\b|\bif you (?:were|are|had|found|discovered|got|saw|join|joined|realised|"
    r"realized|noticed)\b|\bif (?:your|a|an|the|two|you|someone|one|our)\b.*(?:what|how)\b|"
    r"\bwhere (?:do|would) you (?:start|begin)\b|\byour first (?:\d+|thirty|sixty|ninety) days\b|"
    r"\bwhat do you do\??$")
_INTRODUCTION = re.compile(
    r"\babout yourself\b|\bwalk (?:me|us) through your (?:background|resume|résumé|cv|career|experience|"
    r"history|journey)\b|\bintroduce yourself\b|\bintro\b|\byour story\b|\byour (?:career|professional) "
    r"(?:path|journey|background|history|story)|\bcareer (?:so far|journey|path|to date)\b|\byour (?:education|"
    r"experience|background)\b|\byour (?:last|past) (?:few|couple of|two|three) (?:roles|jobs|positions)\b|"
    r"\bhow you (?:got|came) (?:into|to|here)\b|\byour (?:path|journey) (?:into|to)\b|\bwho (?:is|are) \w+\b|"
    r"\belevator pitch\b|\boverview of your (?:career|background|experience)\b|\bversion of your career\b|"
    r"\bhighlights of your (?:career|background)\b|\bwho are you\b|\bexperience (?:so far|as an? \w+)\b")
_MOTIVATION = re.compile(
    r"\bwhy (?:do you want|this|that|are you|did you (?:leave|decide|apply|choose|move|want|switch)|leave|"
    r"leaving|us|here|should we|now|move|would you|the move|you)\b|\bwhat (?:interests|attracts|attracted|drew|"
    r"draws|is drawing|'s drawing|excites|motivates|made|makes|has made|'s made) you\b|\bwhat'?s (?:drawing|"
    r"attracting|motivating|made) you\b|\bwhere do you (?:see yourself|want (?:your|to be))\b|\bfive years\b|"
    r"\bfew years\b|\blong[- ]term\b|\bcareer goals?\b|\bwhat do you value\b|\bvalue most\b|\bmatters most to you\b|"
    r"\benvironment\b|\bculture\b|\b(?:ideal|dream) (?:job|role|manager|team|company|boss)\b|\bwhat are you "
    r"looking for\b|\blooking for in\b|\bmake you stay\b|\bhope to learn\b|\bgives you energy\b|"
    r"\bfit into your\b|\bwant to (?:leave|work|join|move)\b|\binterested in (?:this|our|moving|the)\b|"
    r"\bleave your\b")


def _clean(text: str) -> str:
    t = " ".join(text.lower().replace("’", "'").split())
    return re.sub(r"\bur\b", "your", re.sub(r"\bu\b", "you", t))


def by_rules(text: str) -> QuestionType | None:
    """The type the wording's cues decide, or None when no cue applies."""
    t = _clean(text)
    if _STORY_STRONG.search(t):
        return T.STORY
    sw, intro = bool(_STRENGTH_WEAKNESS.search(t)), bool(_INTRODUCTION.search(t))
    # "Tell me about an unhappy customer you turned around": an event, named by what happened in it.
    m = _TELL_ABOUT.match(t)
    if m and not (sw or intro or _MOTIVATION.search(t)) and \
            (_PAST_VERB.search(t[m.end():]) or _EVENT_CLAUSE.search(t[m.end():])):
        return T.STORY
    if sw:
        return T.STRENGTH_WEAKNESS
    if _OPEN_DESIGN.search(t):
        return T.OPEN
    if _SITUATIONAL.search(t):
        return T.SITUATIONAL
    if intro:
        return T.INTRODUCTION
    if _MOTIVATION.search(t):
        return T.MOTIVATION
    return None


# ---------------------------------------------------------------- nearest known question


def _grams(text: str) -> Counter[str]:
    t = f" {re.sub(r'[^a-z0-9 ]', ' ', _clean(text))} "
    t = " ".join(t.split())
    return Counter(t[i: i + n] for n in (3, 4, 5) for i in range(len(t) - n + 1))


@functools.cache
def _known() -> tuple[tuple[Counter[str], float, QuestionType], ...]:
    from mockprep.banks import builtin_banks_dir, load_banks

    questions, _ = load_banks([builtin_banks_dir()])
    rows = []
    for q in questions:
        g = _grams(q.text)
        rows.append((g, math.sqrt(sum(v * v for v in g.values())), q.type))
    return tuple(rows)


def _most_similar(text: str, examples: Iterable[tuple[Counter[str], float, _T]]) -> tuple[float, _T | None]:
    """The label of the most similar example (character n-grams, cosine) and how similar it is."""
    g = _grams(text)
    norm = math.sqrt(sum(v * v for v in g.values())) or 1.0
    best, label = 0.0, None
    for eg, en, el in examples:
        sim = sum(v * eg[k] for k, v in g.items() if k in eg) / (norm * (en or 1.0))
        if sim > best:
            best, label = sim, el
    return best, label


def nearest(text: str, examples: Iterable[tuple[Counter[str], float, QuestionType]] | None = None,
            min_similarity: float = 0.35) -> QuestionType | None:
    """The type of the most similar known question (character n-grams, cosine), if one is similar enough."""
    best, best_type = _most_similar(text, examples if examples is not None else _known())
    return best_type if best >= min_similarity else None


@functools.cache
def _known_competencies() -> tuple[tuple[Counter[str], float, str], ...]:
    from mockprep.banks import builtin_banks_dir, load_banks

    questions, _ = load_banks([builtin_banks_dir()])
    return tuple((g, math.sqrt(sum(v * v for v in g.values())), q.competency)
                 for q in questions for g in (_grams(q.text),))


def nearest_competency(text: str, min_similarity: float = 0.35) -> str | None:
    """The competency of the most similar built-in question (a debrief's question has none of its own)."""
    best, comp = _most_similar(text, _known_competencies())
    return comp if best >= min_similarity else None


def infer(text: str) -> QuestionType:
    """The most likely type of a question from its wording; `open` when nothing points anywhere."""
    if not text or not text.strip():
        return T.STORY
    return by_rules(text) or nearest(text) or T.OPEN
