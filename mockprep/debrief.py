"""After a bad interview: debrief, root causes, the rejection audit, a five-day plan, a follow-up addendum,
a reading of the rejection message, and the patterns the bad interviews share.

Pure functions over frozen dataclasses: no UI, no database, nothing is sent anywhere. The UI collects
what the user types, these functions suggest (never decide), and the user confirms. Every suggestion
quotes the words that produced it so the user can see why and overrule it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mockprep import qtype

__all__ = [
    "ADDENDUM_WORD_LIMIT",
    "AUDIT_ITEMS",
    "BAD_OUTCOMES",
    "CAUSE_NAMES",
    "CAUSE_REMEDIES",
    "COMPANY_KINDS",
    "COMPANY_SIZES",
    "FEATURES",
    "FORMATS",
    "MORE_THAN_TWO_NO",
    "OUTCOMES",
    "REGIONS",
    "ROOT_CAUSES",
    "TONE_TIPS",
    "Addendum",
    "AskedQuestion",
    "AuditItem",
    "Day",
    "Debrief",
    "LearningItem",
    "OwnQuestion",
    "Patterns",
    "RejectionReading",
    "RootCause",
    "Tally",
    "Task",
    "audit_gaps",
    "audit_verdict",
    "brevity_checks",
    "cause_of",
    "competency_of",
    "confirm_cause",
    "debrief_questions",
    "draft_addendum",
    "drill_ids",
    "five_day_plan",
    "pattern_lines",
    "patterns",
    "read_rejection",
    "rejection_questions",
    "suggest_root_cause",
    "weakest",
    "weakness_score",
]

# ------------------------------------------------------------------------------------------ root causes

ROOT_CAUSES = ("knowledge", "communication", "culture", "logistics")
CAUSE_NAMES = {
    "knowledge": "Knowledge gap",
    "communication": "Communication gap",
    "culture": "Cultural misalignment",
    "logistics": "Logistics",
}
CAUSE_REMEDIES = {
    "knowledge": "Learn the missing topic until you can explain it aloud without notes, then answer the "
                 "question again with a real example of using it.",
    "communication": "Rebuild the answer as a strict STAR story (short Situation, most of the time on what you "
                     "did and the measured Result) and re-record it until it fits in two minutes.",
    "culture": "Read how the company describes its values and ways of working and pick stories that show "
               "them; if the mismatch is real, treat it as information about fit, not a verdict on you.",
    "logistics": "Fix the setup, not yourself: confirm time and time zone in writing, test link, sound and "
                 "connection the day before, and rehearse against a clock so time does not run out.",
}
# When nothing (or several causes equally) points one way, communication is the safest first guess:
# it is the cause practice fixes most directly, and the user is asked to confirm it anyway.
DEFAULT_CAUSE = "communication"

# Phrases people actually write in a debrief. Specific enough that an answer about "staying late" or
# "data values" does not trip them on its own; the user confirms every suggestion anyway.
_CAUSE_PATTERNS: dict[str, tuple[str, ...]] = {
    "knowledge": (
        r"\b(?:didn'?t|did not|don'?t|do not) know\b",
        r"\b(?:never|haven'?t|hadn'?t|have not|had not) (?:used|worked with|heard of|done|touched|learned)\b",
        r"\b(?:couldn'?t|could not|can'?t|cannot|wasn'?t able to|was unable to) "
        r"(?:explain|answer|solve|remember|recall|derive|implement|code|write)\b[^.,;]*",
        r"\bnot (?:familiar with|sure how|sure what)\b",
        r"\bunfamiliar\b",
        r"\b(?:no|little|limited) (?:real |hands-on )?(?:experience|knowledge) (?:with|in|of)\b",
        r"\b(?:wrong|incorrect) (?:answer|solution|complexity|formula|approach)\b",
        r"\bforgot (?:how|the|what|which)\b",
    ),
    "communication": (
        r"\brambl(?:ed|ing|e)\b",
        r"\btoo (?:long|wordy|much detail|detailed)\b",
        r"\btalked too much\b",
        r"\blost my (?:train of thought|thread|place)\b",
        r"\bno (?:concrete |specific |real |clear )?example\b",
        r"\b(?:didn'?t|did not) give (?:an|a concrete|a specific) example\b",
        r"\bvague\b",
        r"\btoo (?:general|generic|abstract)\b",
        r"\b(?:unclear|unstructured|no structure|all over the place)\b",
        r"\b(?:interrupted|cut) me(?: off)?\b",
        r"\bsaid \W?we\W? instead of \W?i\b",
        r"\b(?:no|without) (?:numbers|metrics|result)\b",
        r"\bdidn'?t (?:quantify|answer the question)\b",
        r"\b(?:looked|seemed|was|were) confused\b",
        r"\b(?:nervous|mumbled|off topic)\b",
    ),
    "culture": (
        r"\bnot (?:an? )?(?:good |great |strong |cultural |culture )?fit\b",
        r"\bcultur(?:e|al) fit\b",
        r"\bvalues\b",
        r"\b(?:wanted|want|looking for|prefer(?:red)?) someone (?:more|who|with a different)\b[^.,;]*",
        r"\b(?:team|working|work|management) style\b",
        r"\bway (?:they|the team|their team) work(?:s|ed)?\b",
    ),
    "logistics": (
        r"\b(?:i was|i arrived|arrived|showed up|joined|started|running|ran) (?:\w+ ){0,3}late\b",
        r"\blate start\b",
        r"\b(?:connection|call|video|audio|wi-?fi) (?:dropped|dropped out|died|failed|froze|kept dropping)\b",
        r"\blost (?:the )?connection\b",
        r"\btechnical (?:issues|difficulties|problems)\b",
        r"\bwrong (?:time ?zone|time|link|room|address|day|building)\b",
        r"\bno time left\b",
        r"\bran out of time\b",
        r"\btime ran out\b",
        r"\b(?:rescheduled|double-booked|traffic)\b",
    ),
}
_CAUSE_RES = {c: tuple(re.compile(p, re.IGNORECASE) for p in ps) for c, ps in _CAUSE_PATTERNS.items()}
# What the user wrote about the interview outweighs the answer itself: "missing" and "reaction" are
# reflections on what went wrong, while the answer is about the topic and may mention anything.
_FIELD_WEIGHTS = (("missing", 2), ("reaction", 2), ("answer", 1))
# The answer can only show what the candidate knew and how they said it; "values" or "late" in an answer
# is part of the story (data values, staying late), not a sign of a fit or logistics problem.
_ANSWER_CAUSES = frozenset({"knowledge", "communication"})
_FIELD_LABELS = {"missing": "what was missing", "reaction": "the reaction", "answer": "your answer"}


@dataclass(frozen=True)
class RootCause:
    cause: str
    reason: str
    confirmed: bool = False

    def __post_init__(self) -> None:
        if self.cause not in ROOT_CAUSES:
            raise ValueError(f"unknown root cause {self.cause!r}; expected one of {', '.join(ROOT_CAUSES)}")

    @property
    def name(self) -> str:
        return CAUSE_NAMES[self.cause]

    @property
    def remedy(self) -> str:
        return CAUSE_REMEDIES[self.cause]

    def to_dict(self) -> dict[str, Any]:
        return {"cause": self.cause, "reason": self.reason, "confirmed": self.confirmed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RootCause:
        return cls(str(data["cause"]), str(data.get("reason") or ""), bool(data.get("confirmed", False)))


# ------------------------------------------------------------------------------------------ the debrief


@dataclass(frozen=True)
class AskedQuestion:
    text: str
    answer: str = ""
    missing: str = ""
    reaction: str = ""
    # The user's confirmed (or overridden) root cause; None until they confirm one in the UI.
    cause: RootCause | None = None
    # The competency it tested as the user set it; "" until then (`competency_of` guesses one).
    competency: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "answer": self.answer, "missing": self.missing, "reaction": self.reaction,
                "cause": self.cause.to_dict() if self.cause else None, "competency": self.competency}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AskedQuestion:
        cause = data.get("cause")
        return cls(text=_text(data.get("text")), answer=_text(data.get("answer")),
                   missing=_text(data.get("missing")), reaction=_text(data.get("reaction")),
                   cause=RootCause.from_dict(cause) if cause else None, competency=_text(data.get("competency")))


# What the patterns across interviews are counted by (the user picks; "" is not given yet).
COMPANY_KINDS = ("startup", "scale-up", "large company", "agency or consultancy", "public sector or non-profit")
COMPANY_SIZES = ("1-50", "51-500", "501-5,000", "over 5,000")
FORMATS = ("phone", "video", "onsite", "panel", "technical", "take-home")  # suggestions: any text is kept
OUTCOMES = {"waiting": "waiting to hear", "went_badly": "went badly", "rejected": "rejected",
            "next_round": "next round", "offer": "offer"}
BAD_OUTCOMES = frozenset({"went_badly", "rejected"})


@dataclass(frozen=True)
class Debrief:
    company: str
    role: str
    date: str  # as the user entered it, ISO "2026-03-02" from the UI's date picker
    region: str  # one of REGIONS, or "" when not chosen yet
    format: str  # "phone", "video", "onsite", "panel", ... free text
    questions: tuple[AskedQuestion, ...] = ()
    company_kind: str = ""  # one of COMPANY_KINDS, or ""
    company_size: str = ""  # one of COMPANY_SIZES, or ""
    outcome: str = ""  # a key of OUTCOMES, or "" when not known

    def __post_init__(self) -> None:
        if self.outcome and self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}; expected one of {', '.join(OUTCOMES)}")

    @property
    def bad(self) -> bool:
        return self.outcome in BAD_OUTCOMES

    def to_dict(self) -> dict[str, Any]:
        # A version number lets a later release migrate stored debriefs instead of guessing.
        # Version 2 added the company's kind and size and the outcome; version 1 reads with them blank.
        return {"version": 2, "company": self.company, "role": self.role, "date": self.date,
                "region": self.region, "format": self.format, "company_kind": self.company_kind,
                "company_size": self.company_size, "outcome": self.outcome,
                "questions": [q.to_dict() for q in self.questions]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Debrief:
        questions = data.get("questions") or []
        if not isinstance(questions, list | tuple):
            raise ValueError("a debrief's questions must be a list")
        return cls(company=_text(data.get("company")), role=_text(data.get("role")),
                   date=_text(data.get("date")), region=_text(data.get("region")),
                   format=_text(data.get("format")),
                   questions=tuple(AskedQuestion.from_dict(q) for q in questions),
                   company_kind=_text(data.get("company_kind")), company_size=_text(data.get("company_size")),
                   outcome=_text(data.get("outcome")))


def _text(value: Any) -> str:
    # Stored JSON may hold null for a field the user left blank; the dataclasses always hold text.
    return "" if value is None else str(value)


def _matches(q: AskedQuestion) -> dict[str, list[tuple[str, str, int]]]:
    """Per cause, the (field, matched words, weight) found in the question's entries."""
    found: dict[str, list[tuple[str, str, int]]] = {c: [] for c in ROOT_CAUSES}
    for fname, weight in _FIELD_WEIGHTS:
        text = getattr(q, fname)
        for cause, regexes in _CAUSE_RES.items():
            if fname == "answer" and cause not in _ANSWER_CAUSES:
                continue
            for rx in regexes:
                found[cause].extend((fname, m.group(0).strip(), weight) for m in rx.finditer(text))
    return found


def suggest_root_cause(q: AskedQuestion) -> tuple[str, str]:
    """(cause id, one-sentence reason quoting the deciding words) from what the user entered."""
    found = _matches(q)
    scores = {c: sum(w for _, _, w in hits) for c, hits in found.items()}
    best = max(scores.values())
    leaders = [c for c in ROOT_CAUSES if scores[c] == best]
    if best == 0:
        return DEFAULT_CAUSE, (f"Nothing you wrote points to one cause, so {CAUSE_NAMES[DEFAULT_CAUSE].lower()} "
                               "is the default suggestion: confirm it or pick another.")
    if len(leaders) > 1:
        tied = " and ".join(f"{CAUSE_NAMES[c].lower()} ({_quotes(found[c])})" for c in leaders)
        return DEFAULT_CAUSE, (f"The signs are split between {tied}, so {CAUSE_NAMES[DEFAULT_CAUSE].lower()} "
                               "is the default suggestion: confirm it or pick another.")
    cause = leaders[0]
    return cause, f"{CAUSE_NAMES[cause]}: {_quotes(found[cause])}."


def _quotes(hits: list[tuple[str, str, int]]) -> str:
    """'what was missing says "never used", the reaction says "frowned"' — at most three quotes."""
    parts: list[str] = []
    seen: set[str] = set()
    for fname, words, _ in hits:
        if words.lower() in seen:
            continue
        seen.add(words.lower())
        parts.append(f"{_FIELD_LABELS[fname]} says “{words}”")
    return ", ".join(parts[:3])


def cause_of(q: AskedQuestion) -> RootCause:
    """The confirmed cause when the user has given one, else an unconfirmed suggestion."""
    if q.cause is not None:
        return q.cause
    cause, reason = suggest_root_cause(q)
    return RootCause(cause, reason, confirmed=False)


def confirm_cause(q: AskedQuestion, cause: str | None = None) -> AskedQuestion:
    """The question with its cause confirmed: the suggestion as is, or the user's override."""
    suggested, reason = suggest_root_cause(q)
    if cause is None or cause == suggested:
        return replace(q, cause=RootCause(suggested, reason, confirmed=True))
    chosen = RootCause(cause, f"You chose {CAUSE_NAMES[cause].lower()} (suggested: "
                              f"{CAUSE_NAMES[suggested].lower()}).", confirmed=True)
    return replace(q, cause=chosen)


# ------------------------------------------------------------------------------------------ weakest answers

_NEGATIVE_REACTION = re.compile(
    r"\b(?:frown(?:ed|ing)?|unimpressed|not impressed|not convinced|unconvinced|sceptical|skeptical|"
    r"confused|puzzled|bored|impatient|annoyed|frustrated|disappointed|cold|flat|silent|silence|"
    r"sighed|cut me off|interrupted|moved on (?:quickly|fast)|rushed me|pushed back|checked (?:the|their|his|her) "
    r"(?:phone|watch|time)|looked away|no follow-?ups?|negative|didn'?t like|did not like|wasn'?t happy)\b",
    re.IGNORECASE)
_POSITIVE_REACTION = re.compile(
    r"\b(?:nodd(?:ed|ing)|smil(?:ed|ing)|impressed|liked it|great answer|good answer|positive|engaged|"
    r"laughed|interested|took notes|agreed)\b", re.IGNORECASE)
# Points: nothing said is worst; then each clear negative sign; then how much the user says was missing.
_EMPTY_ANSWER = 5
_SHORT_ANSWER_WORDS = 10
_SHORT_ANSWER = 2
_PER_NEGATIVE = 2
_MAX_NEGATIVE = 6
_MISSING_WORDS_PER_POINT = 8
_MAX_MISSING = 4


def weakness_score(q: AskedQuestion) -> int:
    """Higher is weaker: an empty or thin answer, a negative reaction, a long list of what was missing."""
    answer_words = len(q.answer.split())
    score = _EMPTY_ANSWER if answer_words == 0 else (_SHORT_ANSWER if answer_words < _SHORT_ANSWER_WORDS else 0)
    negatives = _NEGATIVE_REACTION.findall(q.reaction)
    score += min(_MAX_NEGATIVE, _PER_NEGATIVE * len(negatives))
    # Count positives only in what is left after removing negatives, so "not impressed" is not praise.
    score -= len(_POSITIVE_REACTION.findall(_NEGATIVE_REACTION.sub(" ", q.reaction)))
    missing_words = len(q.missing.split())
    if missing_words:
        score += min(_MAX_MISSING, 1 + missing_words // _MISSING_WORDS_PER_POINT)
    return max(0, score)


def weakest(debrief: Debrief, n: int = 3) -> list[AskedQuestion]:
    """The n worst-answered questions, worst first; ties keep the order they were asked in."""
    ranked = sorted(enumerate(debrief.questions), key=lambda iq: (-weakness_score(iq[1]), iq[0]))
    return [q for _, q in ranked[:n]]


# ------------------------------------------------------------------------------------------ into the drills


@dataclass(frozen=True)
class OwnQuestion:
    """A question for the user's own bank, shaped like Store.add_own_question's arguments."""

    id: str
    text: str
    competency: str
    source: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _question_id(debrief: Debrief, index: int) -> str:
    # Company, date and position: stable across saves, so re-saving a debrief replaces, not duplicates.
    return f"debrief-{_slug(debrief.company)}-{_slug(debrief.date)}-{index + 1}"


def debrief_questions(debrief: Debrief) -> list[OwnQuestion]:
    """The debrief's questions for the user's bank, weakest first so the first drills are the weakest."""
    order = sorted(range(len(debrief.questions)),
                   key=lambda i: (-weakness_score(debrief.questions[i]), i))
    source = f"debrief: {debrief.company} {debrief.date}".strip()
    return [OwnQuestion(_question_id(debrief, i), debrief.questions[i].text, "debrief", source)
            for i in order if debrief.questions[i].text.strip()]


def drill_ids(debrief: Debrief, n: int = 3) -> list[str]:
    """Ids of the n weakest questions: the first drills after the debrief."""
    return [q.id for q in debrief_questions(debrief)[:n]]


# ------------------------------------------------------------------------------------------ rejection audit


@dataclass(frozen=True)
class AuditItem:
    id: str
    text: str


AUDIT_ITEMS = (
    AuditItem("research", "I researched the company's recent news and its finances."),
    AuditItem("tailored", "I tailored my examples to the keywords in the job description."),
    AuditItem("questions", "I asked insightful questions about the team."),
    AuditItem("listening", "I listened actively and answered the question that was asked."),
    AuditItem("timing", "I managed my time well in the technical parts."),
)
_AUDIT_IDS = tuple(item.id for item in AUDIT_ITEMS)
MORE_THAN_TWO_NO = "More than two No: this calls for better preparation, not better talent."
_MAX_NO = 2


def _check_audit_ids(answers: dict[str, bool | None]) -> None:
    unknown = sorted(set(answers) - set(_AUDIT_IDS))
    if unknown:
        raise ValueError(f"unknown audit item(s) {', '.join(unknown)}; expected {', '.join(_AUDIT_IDS)}")


def audit_gaps(answers: dict[str, bool | None]) -> list[AuditItem]:
    """The items answered No, in checklist order (missing or None means not answered, not No)."""
    _check_audit_ids(answers)
    return [item for item in AUDIT_ITEMS if answers.get(item.id) is False]


def audit_verdict(answers: dict[str, bool | None]) -> str:
    """The checklist's verdict: more than two No means preparation, not talent, was the problem."""
    nos = len(audit_gaps(answers))
    unanswered = sum(1 for i in _AUDIT_IDS if answers.get(i) is None)
    if nos > _MAX_NO:
        return MORE_THAN_TWO_NO
    if unanswered == len(AUDIT_ITEMS):
        # No verdict from no answers: praising an empty checklist would be dishonest.
        return "Answer the five items honestly; the verdict follows from how many are No."
    if nos == 0:
        verdict = ("No gaps in your preparation: look at the root causes of single answers instead of "
                   "redoing everything.")
    else:
        verdict = (f"{nos} No: your preparation was mostly sound; close {'that gap' if nos == 1 else 'those gaps'} "
                   "before the next interview, then work on the weakest answers.")
    if unanswered:
        verdict += f" {unanswered} item{'s' if unanswered > 1 else ''} not answered yet."
    return verdict


# ------------------------------------------------------------------------------------------ five-day plan

FEATURES = ("debrief", "thank_you_note", "root_causes", "drill", "mock_interview", "addendum", "research", "apply")


@dataclass(frozen=True)
class Task:
    id: str  # stable, so the UI can store check-off state under it
    text: str
    feature: str  # one of FEATURES: the app links the task to that screen

    def __post_init__(self) -> None:
        if self.feature not in FEATURES:
            raise ValueError(f"unknown feature {self.feature!r}")


@dataclass(frozen=True)
class Day:
    number: int
    title: str
    tasks: tuple[Task, ...]


def _q(text: str) -> str:
    return f"“{text.strip()}”"


def five_day_plan(debrief: Debrief) -> list[Day]:
    """Five days from the debrief: document, analyse, practise, reframe and research, apply."""
    at = f" at {debrief.company}" if debrief.company else ""
    worst = weakest(debrief, 3)
    return [
        Day(1, "Document and decompress", (
            Task("d1-debrief", f"Finish the debrief{at} while it is fresh: each question as asked, your answer, "
                               "what was missing and the interviewer's reaction. Then stop for the day.", "debrief"),
            Task("d1-thank-you", f"Write a short thank-you note to your interviewers{at}: thanks only; "
                                 "any extra example waits for day 4.", "thank_you_note"),
        )),
        Day(2, "Analyze and categorize", _day2(debrief)),
        Day(3, "Practice and simulate", _day3(worst)),
        Day(4, "Reframe and research", _day4(debrief, worst)),
        Day(5, "Apply and engage", (
            Task("d5-apply", f"Apply to at least one more {debrief.role or 'similar'} role with the rewritten "
                             "answers ready.", "apply"),
            Task("d5-engage", "Contact one person in your network about roles like this one; a conversation "
                              "now makes the next interview less of a cold start.", "apply"),
        )),
    ]


def _day2(debrief: Debrief) -> tuple[Task, ...]:
    tasks = []
    for i, q in enumerate(debrief.questions):
        rc = cause_of(q)
        state = "confirmed" if rc.confirmed else "suggested"
        tasks.append(Task(f"d2-cause-{i + 1}", f"Confirm the root cause of {_q(q.text)} ({state}: {rc.name}) and "
                                               f"note what to do: {rc.remedy}", "root_causes"))
    tasks.append(Task("d2-audit", "Answer the rejection audit: research, tailored examples, questions about the "
                                  "team, active listening, time management.", "root_causes"))
    return tuple(tasks)


def _day3(worst: list[AskedQuestion]) -> tuple[Task, ...]:
    if not worst:
        return (Task("d3-add-questions", "Add the questions you were asked to the debrief; the drills and the "
                                         "mock interview are built from them.", "debrief"),)
    tasks = [Task(f"d3-drill-{k + 1}", f"Rewrite {_q(q.text)} as a strict STAR answer and re-record it until it "
                                       "is under two minutes.", "drill") for k, q in enumerate(worst)]
    names = ", ".join(_q(q.text) for q in worst)
    tasks.append(Task("d3-mock", f"Run a mock interview on exactly these questions: {names}.", "mock_interview"))
    return tuple(tasks)


def _day4(debrief: Debrief, worst: list[AskedQuestion]) -> tuple[Task, ...]:
    tasks = []
    if worst:
        tasks.append(Task("d4-addendum", f"Draft a follow-up addendum that adds one example to {_q(worst[0].text)}; "
                                         "sending it is your call.", "addendum"))
    gaps = [q.text for q in debrief.questions if cause_of(q).cause == "knowledge"]
    study = f" Study the topics behind {', '.join(_q(t) for t in gaps)}." if gaps else ""
    tasks.append(Task("d4-research", f"Research {debrief.company or 'the company'} and similar employers: recent "
                                     f"news, finances, how their teams work.{study}", "research"))
    return tuple(tasks)


# ------------------------------------------------------------------------------------------ addendum

REGIONS = {
    "us_canada": "US and Canada",
    "eu": "European Union",
    "latam": "Latin America",
    "mena": "Middle East and North Africa",
}
# A follow-up is read in under a minute; past this it stops being an addendum and becomes a second interview.
ADDENDUM_WORD_LIMIT = 150
# Long questions are shortened when quoted so the note's words go to the example, not the question.
_QUOTE_MAX_WORDS = 14
_PLACEHOLDERS = {
    "challenge": "[the challenge, in one sentence]",
    "action": "[what you did yourself]",
    "result": "[a number: e.g. 30% faster]",
}

# (greeting, thanks, lead-in, close, sign-off) per region; {role}, {company}, {date}, {question} filled in.
_LETTER = {
    "us_canada": ("Hi [interviewer's name],",
                  "Thank you for talking with me about the {role} role at {company}.",
                  "When you asked {question}, I left out the example that answers it best.",
                  "Happy to go into more detail if it helps.",
                  "Best,"),
    "eu": ("Dear [title and surname],",
           "Thank you for the interview{on_date} for the {role} position at {company}.",
           "I would like to add one example to my answer to {question}.",
           "I remain available should you need any further information.",
           "Kind regards,"),
    "latam": ("Dear [interviewer's name],",
              "I hope you are well. Thank you again for the conversation{on_date} about the {role} role at "
              "{company}; I enjoyed meeting you and learning how the team works.",
              "I kept thinking about your question {question}, and I would like to share one example.",
              "I would be glad to stay in touch.",
              "Warm regards,"),
    "mena": ("Dear Mr./Ms. [surname],",
             "Thank you for the opportunity to interview for the {role} position at {company}, and for your "
             "time{on_date}.",
             "With your permission, I would like to add one example to my answer to {question}.",
             "Thank you for your consideration.",
             "With respect and best regards,"),
}

TONE_TIPS = {
    "us_canada": (
        "Get to the point in the first lines; the reader is busy and will skim.",
        "Lead with the measured result: a number persuades more than adjectives.",
        "A first-name greeting is normal; sound confident, not apologetic.",
    ),
    "eu": (
        "Use a formal greeting with title and surname unless they asked you to use first names.",
        "Stay factual and modest; plain statements land better than a sales pitch.",
        "Leave client names and personal details out of the example: privacy is taken seriously.",
    ),
    "latam": (
        "Open with a warm, personal line about the conversation before the example.",
        "The relationship matters: mention the people you met and keep the door open.",
        "Warm is not long: one friendly sentence, then the example.",
    ),
    "mena": (
        "Use a formal greeting with title and surname; write to the most senior interviewer or copy them.",
        "Show respect for their time and their decision; nothing that reads as pressing for an answer.",
        "Stay courteous and modest; let the result speak without boasting.",
    ),
}


@dataclass(frozen=True)
class Addendum:
    text: str
    word_count: int
    checks: dict[str, tuple[bool, str]] = field(hash=False)
    tone_tips: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.checks.values())


def _sentence(text: str) -> str:
    # User input may or may not end with a full stop; the note always has exactly one.
    return text.strip().rstrip(".!") + "."


def _short_question(text: str) -> str:
    words = text.split()
    return _q(" ".join(words[:_QUOTE_MAX_WORDS - 2]) + "…" if len(words) > _QUOTE_MAX_WORDS else text)


def draft_addendum(debrief: Debrief, region: str, example: dict[str, str] | None = None) -> Addendum:
    """A short follow-up note adding ONE example (challenge, what I did, result) to the weakest answer.

    `example` may hold "challenge", "action" and "result"; anything missing becomes a bracketed placeholder
    for the user to fill in. Nothing is sent: this is a draft for the user to edit and send themselves.
    """
    if region not in _LETTER:
        raise ValueError(f"unknown region {region!r}; expected one of {', '.join(REGIONS)}")
    worst = weakest(debrief, 1)
    if not worst:
        raise ValueError("the debrief has no questions; add the one you want to follow up on")
    parts = {k: str((example or {}).get(k) or "").strip() or placeholder for k, placeholder in _PLACEHOLDERS.items()}
    greeting, thanks, lead, close, signoff = _LETTER[region]
    fill = {"role": debrief.role or "[role]", "company": debrief.company or "[company]",
            "on_date": f" on {debrief.date}" if debrief.date else "", "question": _short_question(worst[0].text)}
    body = (f"{lead.format(**fill)} The challenge: {_sentence(parts['challenge'])} "
            f"What I did: {_sentence(parts['action'])} The result: {_sentence(parts['result'])}")
    text = "\n\n".join([greeting, thanks.format(**fill), body, close, f"{signoff}\n[Your name]"])
    return Addendum(text, _word_count(text), brevity_checks(text), TONE_TIPS[region])


# ------------------------------------------------------------------------------------------ brevity checks

_PLACEHOLDER = re.compile(r"\[[^\]]*\]")
# Dates are numbers too, but "on 2026-03-02" is not a result; they are removed before looking for one.
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"
    rf"|\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTH}(?!\w)",
    re.IGNORECASE)
_QUANTIFIED = re.compile(
    r"\d|\b(?:doubled|tripled|halved|twice|half|percent|per cent)\b", re.IGNORECASE)
# A second story is the usual way an addendum grows into a second interview.
_STRONG_EXTRA = re.compile(
    r"\b(?:another example|another time|a second example|one more example|another story)\b", re.IGNORECASE)
_WEAK_EXTRA = re.compile(r"\b(?:also|in addition|additionally|as well as that|on top of that)\b", re.IGNORECASE)
_WHEN_I = re.compile(r"\bwhen I\b", re.IGNORECASE)
_QUESTION_REF = re.compile(
    r"\b(?:you asked|your question|my answer to|the question (?:about|on)|when we discussed|we talked about)\b",
    re.IGNORECASE)
_SORRY = re.compile(r"\b(?:sorry|apologi[sz]e|apologies)\b", re.IGNORECASE)
_PRESSURE = re.compile(
    r"\b(?:reconsider|please hire|hire me|change your mind|another chance|second chance|revisit (?:your|the) "
    r"decision|give me the job|let me know by)\b", re.IGNORECASE)


def _word_count(text: str) -> int:
    return len(text.split())


def brevity_checks(text: str, limit: int = ADDENDUM_WORD_LIMIT) -> dict[str, tuple[bool, str]]:
    """Check id -> (passed, detail) for a follow-up note: short, one point, a number, no apologies, no pressure."""
    words = _word_count(text)
    strong = [m.group(0) for m in _STRONG_EXTRA.finditer(text)]
    weak = [m.group(0) for m in _WEAK_EXTRA.finditer(text)]
    extra_stories = max(0, len(_WHEN_I.findall(text)) - 1)
    extra_questions = max(0, len(_QUESTION_REF.findall(text)) - 1)
    # One "also" can be innocent ("I also wrote the tests"); two, or any second story, is a second point.
    one_point = not strong and not extra_stories and not extra_questions and len(weak) < 2
    signs = ([f"“{s}”" for s in strong + weak]
             + ([f"{extra_stories + 1} “when I” stories"] if extra_stories else [])
             + ([f"{extra_questions + 1} questions referenced"] if extra_questions else []))
    filled = _DATE.sub(" ", _PLACEHOLDER.sub(" ", text))
    has_number = bool(_QUANTIFIED.search(filled))
    sorries = len(_SORRY.findall(text))
    pressure = [m.group(0) for m in _PRESSURE.finditer(text)]
    return {
        "word_limit": (words <= limit, f"{words} words (limit {limit})"),
        "one_point": (one_point, "one example only" if one_point else
                      f"more than one point: {', '.join(signs)}; keep the single strongest example"),
        "quantified_result": (has_number, "the result has a number" if has_number else
                              "add a number to the result (percent, time, money or a count)"),
        "no_apology_spiral": (sorries <= 1, f"{sorries} apolog{'y' if sorries == 1 else 'ies'}" if sorries <= 1
                              else f"{sorries} apologies; one at most, none is better"),
        "no_pressure": (not pressure, "no pressure on their decision" if not pressure else
                        f"drop {', '.join(f'“{p}”' for p in pressure)}: it pushes on a decision already made"),
    }


# ------------------------------------------------------------------------------------------ rejection reading


@dataclass(frozen=True)
class LearningItem:
    skill: str  # the X, exactly as the message wrote it
    quote: str  # the sentence it came from
    drill_question: str


@dataclass(frozen=True)
class RejectionReading:
    kind: str  # "generic" | "specific"
    items: tuple[LearningItem, ...]
    summary: str


_SKILL = r"(?P<skill>[^.;:!?\n]+)"
_SPECIFIC = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"\bmore (?:[\w-]+ ){0,2}(?:experience|exposure|depth) (?:in|with|of|on) " + _SKILL,
    r"\bstronger (?P<skill>[^.;:!?,\n]+?) skills?\b",
    r"\blooking for (?:someone|a candidate|candidates|a person|people) with " + _SKILL,
    r"\bwe felt (?:that )?your (?P<skill>[^.;:!?,\n]+?) (?:was|were|wasn'?t|weren'?t|did not|didn'?t|could|"
    r"needed|lacked|fell|is|are|came across)\b",
    r"\bnot enough (?:depth|experience|exposure) (?:in|with|on) " + _SKILL,
    r"\black(?:ed|ing)? (?:of )?(?:depth|experience|exposure) (?:in|with|on) " + _SKILL,
))
# Words that end the skill: the rest of the sentence is about the role or the decision, not the skill.
_SKILL_TAIL = re.compile(
    r"(?:,?\s+(?:for|at|in|on) (?:this|the|our|that) (?:role|position|team|time|stage|point|level|moment)\b"
    r"|,?\s+(?:than|which|who|whereas)\b"
    r"|,?\s+(?:and|but|so|because|as|while) (?:we|i|you|they|it|that|this|the)\b"
    r"|,\s+(?:so|but|although|though)\b"
    r"|\s+at (?:this|the moment)\b).*$", re.IGNORECASE)
_SKILL_HEAD = re.compile(
    r"^(?:(?:more|stronger|deeper|proven|hands-on|direct|practical|solid|a|an|some)\s+)*"
    r"(?:(?:experience|knowledge|background|expertise|depth|exposure|skills?|answers?)\s+(?:in|with|of|on|about)\s+)?",
    re.IGNORECASE)
_SKILL_NOUN = re.compile(r"\s+(?:skills?|experience|knowledge|answers?|abilities|ability)$", re.IGNORECASE)
_GENERIC = re.compile(
    r"\b(?:move forward with other candidates|moving forward with other candidates|after careful consideration|"
    r"wish you (?:the best|all the best|success|every success)|decided not to proceed|not to move forward|"
    r"other candidates whose|keep your (?:cv|resume|details) on file|high number of applications)\b",
    re.IGNORECASE)


def _clean_skill(raw: str) -> str:
    skill = _SKILL_TAIL.sub("", raw.strip())
    skill = _SKILL_HEAD.sub("", skill)
    return _SKILL_NOUN.sub("", skill).strip(" ,")


def _drill(skill: str) -> str:
    return (f"Tell me about a time you used {skill} to solve a problem that mattered to your team. "
            "What did you do yourself, and what was the measurable result?")


def read_rejection(message: str) -> RejectionReading:
    """Generic or specific; each specific point ("more experience in X") becomes a learning item and a drill."""
    sentences = [" ".join(s.split()) for s in re.split(r"(?<=[.!?])\s+", message) if s.strip()]
    items: list[LearningItem] = []
    seen: set[str] = set()
    for sentence in sentences:
        for rx in _SPECIFIC:
            for m in rx.finditer(sentence):
                skill = _clean_skill(m.group("skill"))
                if skill and skill.lower() not in seen:
                    seen.add(skill.lower())
                    items.append(LearningItem(skill, sentence, _drill(skill)))
    if items:
        n = len(items)
        return RejectionReading("specific", tuple(items),
                                f"Specific feedback: {n} point{'s' if n > 1 else ''} to work on, each now a drill. "
                                "Treat it as one interviewer's view, worth acting on.")
    standard = "It uses the standard wording of a rejection" if _GENERIC.search(message) else "It names no reason"
    return RejectionReading("generic", (), f"{standard}: it tells you the decision, not why. Don't read more into "
                                           "it than that; your own debrief is the better guide to what to work on.")


def rejection_questions(reading: RejectionReading, source: str = "rejection feedback") -> list[OwnQuestion]:
    """The learning items' drill questions for the user's bank, so feedback turns into practice."""
    return [OwnQuestion(f"feedback-{_slug(item.skill)}", item.drill_question, "feedback", source)
            for item in reading.items]


# ------------------------------------------------------------------------------------------ patterns across interviews

# Patterns are counted only from this many bad interviews: one is an anecdote, not a pattern.
MIN_BAD_FOR_PATTERNS = 2
NOT_GIVEN = "not given"
_DIMENSIONS = ("company kind", "company size", "format", "root cause (confirmed)", "competency asked")


def competency_of(q: AskedQuestion) -> str:
    """The competency the question tested: as the user set it, else the nearest built-in question's."""
    return q.competency.strip() or qtype.nearest_competency(q.text) or "other"


def _values(d: Debrief, dimension: str) -> set[str]:
    """What one interview had under one dimension (the question-level ones: every value any question had)."""
    if dimension == "company kind":
        return {d.company_kind or NOT_GIVEN}
    if dimension == "company size":
        return {d.company_size or NOT_GIVEN}
    if dimension == "format":
        return {" ".join(d.format.lower().split()) or NOT_GIVEN}
    if dimension == "root cause (confirmed)":
        return {q.cause.cause for q in d.questions if q.cause is not None and q.cause.confirmed}
    return {competency_of(q) for q in d.questions if q.text.strip()}


@dataclass(frozen=True)
class Tally:
    value: str
    bad: int  # bad interviews that had it
    others: int  # interviews with a known, not bad outcome that had it


@dataclass(frozen=True)
class Patterns:
    bad: int  # interviews that went badly or ended in a rejection
    others: int  # interviews with another known outcome (next round, offer, waiting to hear)
    unknown: int  # debriefs with no outcome set (counted in neither)
    tallies: dict[str, tuple[Tally, ...]] = field(hash=False)  # per dimension, the most bad interviews first
    shared: tuple[tuple[str, Tally], ...]  # what at least half the bad ones (and at least 2) had in common

    @property
    def enough(self) -> bool:
        return self.bad >= MIN_BAD_FOR_PATTERNS


def patterns(debriefs: Sequence[Debrief]) -> Patterns:
    """What the bad interviews have in common, counted against the others, dimension by dimension."""
    bad = [d for d in debriefs if d.bad]
    others = [d for d in debriefs if d.outcome and not d.bad]
    tallies: dict[str, tuple[Tally, ...]] = {}
    shared: list[tuple[str, Tally]] = []
    for dim in _DIMENSIONS:
        seen_bad = [_values(d, dim) for d in bad]
        seen_other = [_values(d, dim) for d in others]
        values = sorted(set().union(*seen_bad, *seen_other))
        rows = [Tally(v, sum(v in s for s in seen_bad), sum(v in s for s in seen_other)) for v in values]
        rows.sort(key=lambda t: (-t.bad, t.others, t.value))
        tallies[dim] = tuple(rows)
        shared += [(dim, t) for t in rows if t.value != NOT_GIVEN and t.bad >= MIN_BAD_FOR_PATTERNS
                   and 2 * t.bad >= len(bad)]
    return Patterns(len(bad), len(others), sum(1 for d in debriefs if not d.outcome), tallies, tuple(shared))


def _of(n: int, total: int, what: str) -> str:
    return f"{n} of {total} {what}{'s' if total != 1 else ''}"


def pattern_lines(p: Patterns) -> list[str]:
    """The patterns in plain sentences, counts only; without enough bad interviews, what is needed instead."""
    if not p.enough:
        unknown = f" {p.unknown} saved debrief{'s have' if p.unknown != 1 else ' has'} no outcome yet." \
            if p.unknown else ""
        return [f"Patterns need at least {MIN_BAD_FOR_PATTERNS} interviews marked as went badly or rejected; "
                f"there {'is' if p.bad == 1 else 'are'} {p.bad}.{unknown} Set each debrief's outcome as you hear "
                "back (and its company kind, size and format), and what they share will show here."]
    if not p.shared:
        return [f"Your {p.bad} bad interviews share no company kind, size, format, confirmed cause or competency "
                "in more than half of them: nothing here says your target list needs to change."]
    lines = []
    for dim, t in p.shared:
        against = f", against {_of(t.others, p.others, 'other interview')}" if p.others else ""
        lines.append(f"{dim}: {t.value}, in {_of(t.bad, p.bad, 'bad interview')}{against}.")
    # Where the bad ones were (not how the candidate answered) is what a target list can change.
    where = [(dim, t) for dim, t in p.shared if dim in ("company kind", "company size", "format")
             and (not p.others or t.bad / p.bad > t.others / p.others)]
    if where:
        names = ", ".join(f"{dim} {t.value}" for dim, t in where)
        lines.append(f"The bad interviews cluster by where and how you interviewed ({names}): ask whether those "
                     "roles belong on your target list, or what would need to change to do well there.")
    return lines
