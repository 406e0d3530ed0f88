"""Reading a transcript as language: normalised text, measured quantities, and whether a sentence tells
something that happened once."""

from __future__ import annotations

import contextlib
import functools
import re


@functools.cache
def _normalizer():
    from whisper_normalizer.english import EnglishNumberNormalizer

    return EnglishNumberNormalizer()


def analysis_text(text: str) -> str:
    """Lower-case, straight quotes, spoken numbers as digits ("forty percent" -> "40%")."""
    t = text.lower().replace("’", "'").replace("‘", "'")
    t = re.sub(r"[^\w\s'%$€£.,!?-]", " ", t)
    with contextlib.suppress(Exception):  # the normaliser is best effort; raw text still works
        t = _normalizer()(t)
    return re.sub(r"\s+", " ", t).strip()


NUM = r"\d[\d,]*(?:\.\d+)?"
UNIT = (r"(?:%|percent|per cent|x\b|times|fold|hours?|hrs?|days?|weeks?|months?|years?|minutes?|mins?|"
        r"seconds?|k\b|million|billion|thousand|hundred|users?|customers?|clients?|tickets?|people|"
        r"accounts?|deals?|points?|calls?|orders?|sales|leads|requests|incidents|bugs|errors|defects|"
        r"complaints|stars?|dollars?|euros?|pounds?|members?|employees|students|visits|downloads|"
        r"signups|subscribers|reviews|releases|deployments|pages|steps|files|records|units|items|shifts|"
        r"patients|positions|places|grades?|gpa|ms|milliseconds|percentage points|of (?:the|our|them))")
QUANT_RES = [
    re.compile(rf"[$€£]\s?{NUM}"),
    re.compile(rf"\b{NUM}\s?{UNIT}"),
    re.compile(rf"\bfrom (?:about |around |roughly )?[$€£]?{NUM}\S* (?:\w+ )?to "
               rf"(?:about |around |under |just )?[$€£]?{NUM}"),
    re.compile(rf"\b(?:by|to|under|over|within|in) (?:about |around |roughly |nearly |almost |over |just )?{NUM}\b"),
    re.compile(r"\b(?:doubled|tripled|quadrupled|halved|in half|a (?:third|quarter|half)|"
               r"(?:one|a|two) (?:third|quarter)s?|zero \w+|no (?:downtime|defects|complaints|escalations|"
               r"incidents|outages|errors|churn|missed))\b"),
    re.compile(r"\b(?:1st|2nd|3rd|\d+th|top \d+|number one|first place|rank(?:ed)? \d+)\b"),
    re.compile(rf"\b{NUM}(?:st|nd|rd|th)\b"),
    re.compile(r"\b(?:within|in|under|inside) (?:a|an|one|the|a single) (?:hour|day|week|month|quarter|shift)\b|"
               r"\b(?:a|one) (?:day|week|month) (?:early|ahead|later|sooner)\b|\bthe same day\b"),
    re.compile(rf"(?<![\w-]){NUM}(?![\w-])"),  # any other count said in the result ("caught 2 problems")
]
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def quantities(text: str) -> list[str]:
    """Measured amounts in a sentence (numbers with units, money, percentages, from-to, multipliers)."""
    t = analysis_text(text)
    found: list[str] = []
    for rx in QUANT_RES:
        for m in rx.finditer(t):
            s = m.group(0)
            digits = re.findall(r"\d[\d,]*", s)
            if digits and all(YEAR.fullmatch(d) for d in digits) and not re.search(r"[$€£%]", s):
                continue  # "in 2019" is a date, not a result
            if re.fullmatch(r"1", s) and re.search(r"\b1 (?:of|on 1|more|thing|day|time)\b", t):
                continue  # "one of them", "one on one": not a measure
            found.append(s.strip())
    return found



IRREGULAR_PAST = (
    "built|wrote|rewrote|rebuilt|set|reset|met|made|ran|took|led|sat|spoke|went|began|brought|found|got|gave|"
    "drew|put|sent|held|chose|did|broke|dug|kept|told|sought|taught|split|cut|shut|laid|paid|sold|bought|"
    "caught|spent|stood|won|drove|flew|saw|came|shared|wrote up|set up|put together|reached out|sat down|"
    "walked|pulled|pushed|dove|shadowed|stepped|tracked|mapped|drafted|ran through|threw|tore|swapped|"
    "hosted|rolled|pitched|built out|went through|read|heard|rang|rode|struck|wound"
)
# Past forms that describe a state or feeling rather than something the speaker did.
PAST = re.compile(rf"\b(?:was|were|had|did|\w+ed|{IRREGULAR_PAST}|said|thought|knew|became|felt|left|"
                  r"lost|meant)\b")
# Habitual, hypothetical and generic talk: how someone usually works, not what happened once.
HABITUAL = re.compile(r"\b(?:i would|i'd (?!been|had|just|never been)|i will|i'll|always|usually|generally|normally|"
                      r"typically|tend to|tended to|whenever|every time|most of the time|you (?:have|need|should|"
                      r"want|just|can|make|gotta|'ve got)|i try to|i like to|i'm (?:a|an|very|always|really|someone|"
                      r"the kind|the type|pretty|quite)|i am (?:a|an|very|always|really|someone)|i think (?:a|the|"
                      r"it's|that's|good|every)|i believe|for me,? it's|if (?:i|we|you|someone|a)\b)")


def is_event(text: str) -> bool:
    """A sentence about something that happened once: past tense, no habitual or hypothetical framing."""
    t = analysis_text(text)
    return bool(PAST.search(t)) and not HABITUAL.search(t)


# Position prior: where each part tends to sit in the answer (mean, spread of relative position).
