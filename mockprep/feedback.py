"""The gaps in an answer, most important first, each tied to the words and the moment it rests on.

This one ranking serves every place that asks "what is weakest here": the fixes shown after an answer
(the first few), the mock interviewer's follow-up and the drill schedule. No gap without evidence in the
transcript, and no praise for what is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mockprep.assessment import Assessment, CheckId, Rubric
from mockprep.config import SETTINGS, Settings
from mockprep.delivery import Delivery
from mockprep.sentences import Sentence
from mockprep.words import Evidence, Word, clock, quote


class GapId(StrEnum):
    NOT_A_STORY = "not_a_story"
    OVER_LIMIT = "over_limit"
    MISSING_RESULT = "missing_result"
    RESULT_NOT_QUANTIFIED = "result_not_quantified"
    ACTION_WE = "action_we"
    MISSING_ACTION = "missing_action"
    SITUATION_LONG = "situation_long"
    ACTION_RESULT_SHORT = "action_result_short"
    TASK_OWNERSHIP = "task_ownership"
    FILLERS = "fillers"
    PACE_FAST = "pace_fast"
    PACE_SLOW = "pace_slow"
    LONG_PAUSES = "long_pauses"
    MONOTONE = "monotone"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class Tip:
    id: GapId
    severity: Severity
    message: str
    evidence: Evidence


def _around(words: list[Word], t: float, before: int = 5, after: int = 5) -> Evidence:
    """The words either side of moment t."""
    i = min(range(len(words)), key=lambda k: abs(words[k].start - t))
    win = words[max(0, i - before): i + after + 1]
    return Evidence(quote(win, before + after + 1), win[0].start, win[-1].end)


def gaps(assessment: Assessment | None, delivery: Delivery, words: list[Word], duration_s: float, limit_s: float,
         settings: Settings = SETTINGS) -> list[Tip]:
    """Every gap found, most important first: the rubric's, then over the limit, then delivery."""
    out: list[Tip] = []
    if assessment is not None and assessment.rubric == Rubric.STAR:
        out += _star_gaps(assessment, words, duration_s, limit_s)
    elif assessment is not None:
        out += _over_limit(assessment, words, duration_s, limit_s)
    out += _delivery_gaps(delivery, words, settings)
    return out


def tips(all_gaps: list[Tip], settings: Settings = SETTINGS) -> list[Tip]:
    """The few fixes to show: the first max_tips gaps."""
    return all_gaps[: settings.max_tips]


def _over_limit(a: Assessment, words: list[Word], duration_s: float, limit_s: float) -> list[Tip]:
    if duration_s <= limit_s or not words:
        return []
    sents = list(a.sentences)
    over = next((s for s in sents if s.end > limit_s), sents[-1])
    return [Tip(GapId.OVER_LIMIT, Severity.HIGH,
                f"You spoke for {clock(duration_s)}, {duration_s - limit_s:.0f} s over the {clock(limit_s)} "
                f"limit; at {clock(limit_s)} you were still saying “{over.evidence.quote}”. "
                "Cut the setup and keep one point per sentence.", over.evidence)]


def _star_gaps(star: Assessment, words: list[Word], duration_s: float, limit_s: float) -> list[Tip]:
    c, sents = star.checks, list(star.sentences)
    out: list[Tip] = []
    by_label = {lab: star.sentences_in(lab) for lab in ("situation", "task", "action", "result")}

    if star.failed(CheckId.IS_STORY) and (ev := c[CheckId.IS_STORY].evidence):
        out.append(Tip(GapId.NOT_A_STORY, Severity.HIGH,
                       f"At {clock(ev.start)} you said “{ev.quote}”: that describes how you usually work. "
                       "Tell one specific time instead: what happened, what you did, how it ended.", ev))

    out += _over_limit(star, words, duration_s, limit_s)

    if not by_label["result"]:
        last = sents[-1]
        out.append(Tip(GapId.MISSING_RESULT, Severity.HIGH,
                       f"The answer ends at {clock(last.end)} with “{last.evidence.quote}” and never says how it "
                       "turned out. Add the result, with a number: time saved, % change, money or a count.",
                       last.evidence))
    elif star.failed(CheckId.RESULT_QUANTIFIED):
        res = c[CheckId.RESULT_SPECIFIC].evidence or by_label["result"][0].evidence
        vague = star.failed(CheckId.RESULT_SPECIFIC)
        out.append(Tip(GapId.RESULT_NOT_QUANTIFIED, Severity.HIGH,
                       f"At {clock(res.start)} you said “{res.quote}”: " + ("that is vague. " if vague else "")
                       + "Add one number an interviewer could check: a percentage, time saved, money or a count.",
                       res))

    if star.failed(CheckId.ACTION_USES_I) and (ev := c[CheckId.ACTION_USES_I].evidence):
        out.append(Tip(GapId.ACTION_WE, Severity.HIGH,
                       f"At {clock(ev.start)} you said “{ev.quote}”: say what you did yourself "
                       "(“I wrote…”, “I called…”). Interviewers ask: what exactly was your part?", ev))
    elif not by_label["action"]:
        first = sents[len(sents) // 2]
        out.append(Tip(GapId.MISSING_ACTION, Severity.HIGH,
                       f"No step-by-step actions: around {clock(first.start)} (“{first.evidence.quote}”) walk "
                       "through what you did, one step per sentence, starting with “I”.", first.evidence))

    sit = by_label["situation"]
    if star.failed(CheckId.SITUATION_BRIEF) and sit:
        span = Evidence(sit[0].evidence.quote, sit[0].start, sit[-1].end)
        part = star.parts["situation"]
        out.append(Tip(GapId.SITUATION_LONG, Severity.MEDIUM,
                       f"Your Situation ran {part.seconds:.0f} s ({part.share:.0%} of the story, {part.sentences} "
                       f"sentences) from {clock(sit[0].start)} to {clock(sit[-1].end)}. Say it in two sentences: "
                       "where you were and what was at stake.", span))
    elif star.failed(CheckId.ACTION_RESULT_SHARE) and by_label["action"]:
        a = by_label["action"][0]
        share = star.parts["action"].share + star.parts["result"].share
        out.append(Tip(GapId.ACTION_RESULT_SHORT, Severity.MEDIUM,
                       f"Action and Result got {share:.0%} of the story; aim for about "
                       f"{SETTINGS.action_result_target:.0%}. Spend more time from {clock(a.start)} "
                       f"(“{a.evidence.quote}”) on what you did and what it achieved.", a.evidence))

    if star.failed(CheckId.TASK_OWNERSHIP):
        out.append(_ownership_tip(star, by_label, sents))
    return out


def _ownership_tip(star: Assessment, by_label: dict[str, list[Sentence]], sents: list[Sentence]) -> Tip:
    ev = star.checks[CheckId.TASK_OWNERSHIP].evidence or (by_label["action"] or sents)[0].evidence
    if by_label["task"]:
        msg = (f"At {clock(ev.start)} the task is the team's: “{ev.quote}”. Say what you were responsible for: "
               "“My job was to…”.")
    else:
        msg = f"Before “{ev.quote}” ({clock(ev.start)}) say what you were responsible for: “My job was to…”."
    return Tip(GapId.TASK_OWNERSHIP, Severity.MEDIUM, msg, ev)


def _delivery_gaps(d: Delivery, words: list[Word], settings: Settings) -> list[Tip]:
    out: list[Tip] = []
    if not words:
        return out
    if d.fillers and d.fillers_per_min >= settings.fillers_per_min_high:
        counts: dict[str, int] = {}
        for f in d.fillers:
            counts[f.word] = counts.get(f.word, 0) + 1
        top = ", ".join(f"“{w}” ×{n}" for w, n in sorted(counts.items(), key=lambda kv: -kv[1])[:3])
        first = d.fillers[0]
        ev = _around(words, first.start, 4, 4)
        out.append(Tip(GapId.FILLERS, Severity.MEDIUM,
                       f"{d.filler_count} fillers ({d.fillers_per_min:.1f} a minute: {top}); the first at "
                       f"{clock(first.start)}: “{ev.quote}”. Pause silently instead of filling the gap.", ev))
    lo, hi = settings.pace_band_wpm
    if d.wpm > settings.fast_wpm or d.wpm < settings.slow_wpm:
        fast = d.wpm > settings.fast_wpm
        ev = _around(words, d.speech_start, 0, 10)
        out.append(Tip(GapId.PACE_FAST if fast else GapId.PACE_SLOW, Severity.MEDIUM,
                       f"You spoke at {d.wpm:.0f} words a minute"
                       + ("" if fast else f" (articulation {d.articulation_wpm:.0f})")
                       + f"; aim for {lo:.0f}-{hi:.0f}. "
                       + ("Slow down and let each point land." if fast else "Keep the pauses between points short."),
                       ev))
    if d.pauses:
        longest = max(d.pauses, key=lambda p: p.duration)
        ev = _around(words, longest.start, 6, 2)
        n = len(d.pauses)
        out.append(Tip(GapId.LONG_PAUSES, Severity.LOW,
                       f"{n} long pause{'s' if n != 1 else ''}; the longest, {longest.duration:.1f} s at "
                       f"{clock(longest.start)}, after “{ev.quote}”. Know your next step before you start the "
                       "sentence.", Evidence(ev.quote, longest.start, longest.end)))
    if d.monotone:
        ev = _around(words, d.speech_start, 0, 12)
        out.append(Tip(GapId.MONOTONE, Severity.LOW,
                       f"Your pitch moved only {d.pitch_range_st:.1f} semitones across the answer, which sounds flat. "
                       "Lift the key numbers and the result.", ev))
    return out
