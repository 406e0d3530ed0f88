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
    # The other rubrics: one gap per failed check, under the check's own id (docs/scoring.md).
    LENGTH_FITS = "length_fits"
    OPENS_WITH_PRESENT = "opens_with_present"
    COVERS_PAST = "covers_past"
    RECENT_AND_RELEVANT = "recent_and_relevant"
    NAMES_A_HIGHLIGHT = "names_a_highlight"
    LOOKS_AHEAD = "looks_ahead"
    ENDS_ON_THIS_ROLE = "ends_on_this_role"
    SPECIFIC_TO_EMPLOYER = "specific_to_employer"
    REASONS_ABOUT_THE_WORK = "reasons_about_the_work"
    TIED_TO_EXPERIENCE = "tied_to_experience"
    FORWARD_LOOKING = "forward_looking"
    NO_BLAME = "no_blame"
    NAMES_TRAIT = "names_trait"
    GENUINE_TRAIT = "genuine_trait"
    STEPS_TAKEN = "steps_taken"
    EVIDENCE_OF_CHANGE = "evidence_of_change"
    RECENT_EXAMPLE = "recent_example"
    FRAMES_SITUATION = "frames_situation"
    WEIGHS_OPTIONS = "weighs_options"
    MAKES_DECISION = "makes_decision"
    GIVES_REASONS = "gives_reasons"
    PLANS_FOLLOW_UP = "plans_follow_up"
    REAL_EXAMPLE = "real_example"
    # An open question: content is not judged (always the first line, so the user knows why)
    CONTENT_NOT_SCORED = "content_not_scored"


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
    """Every gap found, most important first: the rubric's, then over the limit, then delivery.

    In a doubtful transcript the words (and the assessment's sentences) come with the doubtful ones hidden
    (words.HIDDEN): a tip whose quote keeps too few words heard with confidence (Evidence.said) is not given."""
    out: list[Tip] = []
    if assessment is not None and assessment.rubric == Rubric.STAR:
        out += _star_gaps(assessment, words, duration_s, limit_s)
    elif assessment is not None and assessment.rubric == Rubric.OPEN:
        out += _open_gaps(assessment, words, duration_s, limit_s)
    elif assessment is not None:
        out += _rubric_gaps(assessment, words, duration_s, limit_s)
    out += _delivery_gaps(delivery, words, settings)
    return [t for t in out if t.evidence.said]


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
    # A part found only in doubtful words: whether it is missing is not known, so no tip says it is.
    parts_unsure = c[CheckId.ALL_PARTS_PRESENT].unsure

    if star.failed(CheckId.IS_STORY) and (ev := c[CheckId.IS_STORY].evidence):
        out.append(Tip(GapId.NOT_A_STORY, Severity.HIGH,
                       f"At {clock(ev.start)} you said “{ev.quote}”: that describes how you usually work. "
                       "Tell one specific time instead: what happened, what you did, how it ended.", ev))

    out += _over_limit(star, words, duration_s, limit_s)

    if not by_label["result"] and not parts_unsure:
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
    elif not by_label["action"] and not parts_unsure:
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


def _open_gaps(a: Assessment, words: list[Word], duration_s: float, limit_s: float) -> list[Tip]:
    if not a.sentences:
        return _over_limit(a, words, duration_s, limit_s)
    first = a.sentences[0].evidence
    note = Tip(GapId.CONTENT_NOT_SCORED, Severity.LOW,
               "This is a knowledge or technical question, so mockprep doesn't judge what you said, only how you "
               f"said it (from {clock(first.start)}, “{first.quote}”). Below: pace, pauses and fillers.", first)
    return [note, *_over_limit(a, words, duration_s, limit_s)]


# What a failed check of the other rubrics asks the speaker to do. {t} and {quote}: the check's evidence
# (what was said, or where the missing piece should have come); {d}: the speaking time; {focus}: strength or
# weakness; {trait}: the sentence that named it.
CHECK_TIPS: dict[CheckId, str] = {
    CheckId.OPENS_WITH_PRESENT: "You opened at {t} with “{quote}”. Start with where you are now: your current "
                                "role and what you do in it, in one sentence.",
    CheckId.COVERS_PAST: "Nothing after “{quote}” ({t}) says how you got here. Add one or two sentences on the "
                         "step before this one and what it taught you.",
    CheckId.RECENT_AND_RELEVANT: "At {t} you said “{quote}”: that is further back, or more personal, than an "
                                 "interviewer needs here. Keep to the last few years of your working life.",
    CheckId.NAMES_A_HIGHLIGHT: "You described your roles (“{quote}”, {t}) but gave no result. Name one thing you "
                               "achieved, with a number if you have one.",
    CheckId.LOOKS_AHEAD: "The answer stops at {t} with “{quote}” without saying what you want next. Add one "
                         "sentence on the next step you're looking for.",
    CheckId.ENDS_ON_THIS_ROLE: "The answer ends at {t} with “{quote}” and never says why this role. Finish by "
                               "linking your next step to this job.",
    CheckId.SPECIFIC_TO_EMPLOYER: "At {t} you said “{quote}”: that could be said of any employer. Name one thing "
                                  "about this team or its work that drew you.",
    CheckId.REASONS_ABOUT_THE_WORK: "Your reasons were “{quote}” ({t}): pay, perks and convenience matter, but say "
                                    "what about the work itself you want.",
    CheckId.TIED_TO_EXPERIENCE: "Nothing connects the reasons to your own experience; after “{quote}” ({t}) add "
                                "one thing you have done that makes this the right next step.",
    CheckId.FORWARD_LOOKING: "The answer ends at {t} with “{quote}”. Add what you want to do or learn here next.",
    CheckId.NO_BLAME: "At {t} you said “{quote}”: that sounds like blame, and interviewers expect you would say "
                      "the same of them. Say what you are moving toward instead.",
    CheckId.NAMES_TRAIT: "By {t} you had not said what the {focus} is; you began with “{quote}”. Name it in one "
                         "sentence first: “My {focus} is…”.",
    CheckId.GENUINE_TRAIT: "At {t} you said “{quote}”: interviewers hear this as a strength dressed up as a "
                           "{focus}, or as no answer. Pick a real one you have worked on.",
    CheckId.STEPS_TAKEN: "After “{quote}” ({t}) say two things you actually did about it: what you changed, "
                         "and when.",
    CheckId.EVIDENCE_OF_CHANGE: "After “{quote}” ({t}) you never said how you know it changed. Add one piece of "
                                "proof: a number, a before and after, or what someone noticed.",
    CheckId.RECENT_EXAMPLE: "The example (“{quote}”, {t}) sounds long ago or undated. Say what you are doing about "
                            "it now, or when you last used it.",
    CheckId.FRAMES_SITUATION: "You went straight to “{quote}” at {t}. Say first what you would want to find out, "
                              "or what the real problem is.",
    CheckId.WEIGHS_OPTIONS: "Only one course came up (“{quote}”, {t}). Name the alternative you rejected and why.",
    CheckId.MAKES_DECISION: "At {t} you said “{quote}”: that leaves the decision open. Say what you would actually "
                            "do first.",
    CheckId.GIVES_REASONS: "You said what you'd do (“{quote}”, {t}) but not why. Add the reason in one clause: "
                           "“…because…”.",
    CheckId.PLANS_FOLLOW_UP: "The answer ends at {t} with “{quote}”. Say how you would know it worked, and what "
                             "you'd do if it didn't.",
    CheckId.REAL_EXAMPLE: "If you have handled something like this, say so after “{quote}” ({t}): one sentence on "
                          "what you did then makes the plan believable.",
}
# A strength is backed by an example of using it, not by a change.
STRENGTH_TIPS: dict[CheckId, str] = {
    CheckId.STEPS_TAKEN: "You named the strength (“{trait}”) but gave no example of using it; after {t} tell one "
                         "time it made a difference: what you did, step by step.",
    CheckId.GENUINE_TRAIT: "At {t} you said “{quote}”: that is a label every candidate uses. Pick the one strength "
                           "you can back with an example.",
    CheckId.EVIDENCE_OF_CHANGE: "After “{quote}” ({t}) you never said what came of it. Add the outcome: a number, "
                                "what changed, or what someone said.",
}
# Tips that add nothing when another check failed first (no decision: no reason to give; no example: nothing
# to date).
UNLESS = {CheckId.GIVES_REASONS: CheckId.MAKES_DECISION, CheckId.RECENT_EXAMPLE: CheckId.STEPS_TAKEN}
# Checks that are credit rather than a fault, and the ones an interviewer would hold against the answer.
SUGGESTIONS = frozenset({CheckId.REAL_EXAMPLE})
HIGH_CHECKS = frozenset({CheckId.RECENT_AND_RELEVANT, CheckId.ENDS_ON_THIS_ROLE, CheckId.SPECIFIC_TO_EMPLOYER,
                         CheckId.TIED_TO_EXPERIENCE, CheckId.NO_BLAME, CheckId.NAMES_TRAIT, CheckId.STEPS_TAKEN,
                         CheckId.EVIDENCE_OF_CHANGE, CheckId.GENUINE_TRAIT, CheckId.MAKES_DECISION,
                         CheckId.OPENS_WITH_PRESENT})


def _rubric_gaps(a: Assessment, words: list[Word], duration_s: float, limit_s: float) -> list[Tip]:
    """One tip per failed check, each quoting the sentence it rests on (or where the missing piece belongs):
    the serious ones first, then over the limit, then the rest, each in the rubric's own order."""
    failed = [cid for cid, c in a.checks.items() if not c.passed and c.evidence is not None]
    named = a.checks.get(CheckId.NAMES_TRAIT)
    focus = ("strength" if "strength" in named.detail else "weakness") if named else ""
    over = _over_limit(a, words, duration_s, limit_s)
    high, rest = [], []
    for cid in failed:
        if cid == CheckId.LENGTH_FITS:
            if not over:
                rest.append(_length_tip(a))
            continue
        if cid in UNLESS and a.failed(UNLESS[cid]):
            continue
        ev = a.checks[cid].evidence
        assert ev is not None
        template = CHECK_TIPS[cid]
        trait = named
        if focus == "strength" and cid in STRENGTH_TIPS and (cid != CheckId.STEPS_TAKEN or (trait and trait.passed)):
            template = STRENGTH_TIPS[cid]
        msg = template.format(t=clock(ev.start), quote=ev.quote, focus=focus or "answer",
                              trait=trait.evidence.quote if trait and trait.evidence else ev.quote)
        past = a.sentences_in("past")
        if cid == CheckId.RECENT_AND_RELEVANT and a.checks[cid].detail.startswith("Your background") and past:
            spoken = a.sentences[-1].end - a.sentences[0].start
            secs = sum(x.duration for x in past)
            msg = (f"Your background ran {secs:.0f} s ({secs / spoken:.0%} of the answer), from "
                   f"{clock(past[0].start)} (“{ev.quote}”) to {clock(past[-1].end)}. Cut it to the two steps "
                   "that matter for this job.")
        sev = Severity.LOW if cid in SUGGESTIONS else Severity.HIGH if cid in HIGH_CHECKS else Severity.MEDIUM
        (high if sev == Severity.HIGH else rest).append(Tip(GapId(cid.value), sev, msg, ev))
    return high + over + rest


def _length_tip(a: Assessment) -> Tip:
    c = a.checks[CheckId.LENGTH_FITS]
    ev = c.evidence
    assert ev is not None
    sents = a.sentences
    d = clock(sents[-1].end - sents[0].start) if sents else clock(0)
    if "short" in c.detail:
        more = {Rubric.INTRODUCTION: "add your highlight or why this role",
                Rubric.MOTIVATION: "give one reason and one example",
                Rubric.STRENGTH_WEAKNESS: "add what you did and what changed",
                Rubric.SITUATIONAL: "add what you would check first and how you'd know it worked"}.get(a.rubric, "")
        msg = f"You spoke for {d}; after “{ev.quote}” ({clock(ev.start)}) there is time to {more}."
    else:
        msg = (f"You spoke for {d}; at {clock(ev.start)} you were still saying “{ev.quote}”. "
               + ("Aim for about 60-90 s." if a.rubric == Rubric.INTRODUCTION else "Two points are enough."))
    return Tip(GapId.LENGTH_FITS, Severity.MEDIUM, msg, ev)


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
