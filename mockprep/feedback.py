"""The few fixes that matter, most important first, each tied to the words and the moment it rests on.

No tip without evidence in the transcript, and no praise for what is not there.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockprep.config import SETTINGS, Settings
from mockprep.delivery import Delivery
from mockprep.star import Sentence, Star
from mockprep.words import Word


@dataclass(frozen=True)
class Evidence:
    quote: str
    start: float
    end: float


@dataclass(frozen=True)
class Tip:
    id: str
    severity: str  # high | medium | low
    message: str
    evidence: Evidence


def clock(t: float) -> str:
    t = max(0.0, t)
    return f"{int(t // 60)}:{int(t % 60):02d}"


def quote(words: tuple[Word, ...] | list[Word], max_words: int = 14) -> str:
    text = " ".join(w.text for w in words).strip()
    parts = text.split()
    return text if len(parts) <= max_words else " ".join(parts[:max_words]) + "…"


def _ev(s: Sentence) -> Evidence:
    return Evidence(quote(s.words) if s.words else s.text, s.start, s.end)


def _around(words: list[Word], t: float, before: int = 5, after: int = 5) -> Evidence:
    """The words either side of moment t."""
    i = min(range(len(words)), key=lambda k: abs(words[k].start - t))
    win = words[max(0, i - before): i + after + 1]
    return Evidence(quote(win, before + after + 1), win[0].start, win[-1].end)


def tips(star: Star | None, delivery: Delivery, words: list[Word], duration_s: float, limit_s: float,
         settings: Settings = SETTINGS) -> list[Tip]:
    out: list[Tip] = []
    if star is not None:
        out += _structure_tips(star, words, duration_s, limit_s)
    out += _delivery_tips(delivery, words, settings)
    return out[: settings.max_tips]


def _structure_tips(star: Star, words: list[Word], duration_s: float, limit_s: float) -> list[Tip]:
    c, sents = star.checks, list(star.sentences)
    out: list[Tip] = []
    by_label = {lab: [s for s in sents if s.label == lab] for lab in ("situation", "task", "action", "result")}

    if not c["is_story"].passed and (ev := c["is_story"].evidence):
        out.append(Tip("not_a_story", "high",
                       f"At {clock(ev.start)} you said “{quote(ev.words)}”: that describes how you usually work. "
                       "Tell one specific time instead: what happened, what you did, how it ended.", _ev(ev)))

    if duration_s > limit_s and words:
        over = next((s for s in sents if s.end > limit_s), sents[-1])
        out.append(Tip("over_limit", "high",
                       f"You spoke for {clock(duration_s)}, {duration_s - limit_s:.0f} s over the {clock(limit_s)} "
                       f"limit; at {clock(limit_s)} you were still saying “{quote(over.words)}”. "
                       "Cut the setup and keep one action per step.", _ev(over)))

    if not by_label["result"]:
        last = sents[-1]
        out.append(Tip("missing_result", "high",
                       f"The answer ends at {clock(last.end)} with “{quote(last.words)}” and never says how it "
                       "turned out. Add the result, with a number: time saved, % change, money or a count.",
                       _ev(last)))
    elif not c["result_quantified"].passed:
        res = c["result_specific"].evidence or by_label["result"][0]
        vague = not c["result_specific"].passed
        out.append(Tip("result_not_quantified", "high",
                       f"At {clock(res.start)} you said “{quote(res.words)}”: "
                       + ("that is vague. " if vague else "")
                       + "Add one number an interviewer could check: a percentage, time saved, money or a count.",
                       _ev(res)))

    if not c["action_uses_i"].passed and (ev := c["action_uses_i"].evidence):
        out.append(Tip("action_we", "high",
                       f"At {clock(ev.start)} you said “{quote(ev.words)}”: say what you did yourself "
                       "(“I wrote…”, “I called…”). Interviewers ask: what exactly was your part?", _ev(ev)))
    elif not by_label["action"]:
        first = sents[len(sents) // 2]
        out.append(Tip("missing_action", "high",
                       f"No step-by-step actions: around {clock(first.start)} (“{quote(first.words)}”) walk through "
                       "what you did, one step per sentence, starting with “I”.", _ev(first)))

    sit = by_label["situation"]
    if not c["situation_brief"].passed and sit:
        span = Evidence(quote(sit[0].words), sit[0].start, sit[-1].end)
        part = star.parts["situation"]
        out.append(Tip("situation_long", "medium",
                       f"Your Situation ran {part.seconds:.0f} s ({part.share:.0%} of the story, {part.sentences} "
                       f"sentences) from {clock(sit[0].start)} to {clock(sit[-1].end)}. Say it in two sentences: "
                       "where you were and what was at stake.", span))
    elif not c["action_result_share"].passed and by_label["action"]:
        a = by_label["action"][0]
        share = star.parts["action"].share + star.parts["result"].share
        out.append(Tip("action_result_short", "medium",
                       f"Action and Result got {share:.0%} of the story; aim for about 60%. Spend more time from "
                       f"{clock(a.start)} (“{quote(a.words)}”) on what you did and what it achieved.", _ev(a)))

    if not c["task_ownership"].passed:
        ev = c["task_ownership"].evidence or (by_label["action"] or sents)[0]
        if by_label["task"]:
            msg = (f"At {clock(ev.start)} the task is the team's: “{quote(ev.words)}”. Say what you were "
                   "responsible for: “My job was to…”.")
        else:
            msg = (f"Before “{quote(ev.words)}” ({clock(ev.start)}) say what you were responsible for: "
                   "“My job was to…”.")
        out.append(Tip("task_ownership", "medium", msg, _ev(ev)))
    return out


def _delivery_tips(d: Delivery, words: list[Word], settings: Settings) -> list[Tip]:
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
        out.append(Tip("fillers", "medium",
                       f"{d.filler_count} fillers ({d.fillers_per_min:.1f} a minute: {top}); the first at "
                       f"{clock(first.start)}: “{ev.quote}”. Pause silently instead of filling the gap.", ev))
    lo, _hi = settings.pace_band_wpm
    if d.wpm > settings.fast_wpm or d.wpm < settings.slow_wpm:
        fast = d.wpm > settings.fast_wpm
        ev = _around(words, d.speech_start, 0, 10)
        out.append(Tip("pace_fast" if fast else "pace_slow", "medium",
                       f"You spoke at {d.wpm:.0f} words a minute"
                       + (" (articulation " + f"{d.articulation_wpm:.0f}" + ")" if not fast else "")
                       + f"; aim for {lo:.0f}-{_hi:.0f}. "
                       + ("Slow down and let each point land." if fast else "Keep the pauses between points short."),
                       ev))
    if d.pauses:
        longest = max(d.pauses, key=lambda p: p.duration)
        ev = _around(words, longest.start, 6, 2)
        n = len(d.pauses)
        out.append(Tip("long_pauses", "low",
                       f"{n} long pause{'s' if n != 1 else ''}; the longest, {longest.duration:.1f} s at "
                       f"{clock(longest.start)}, after “{ev.quote}”. Know your next step before you start the "
                       "sentence.", Evidence(ev.quote, longest.start, longest.end)))
    if d.monotone:
        ev = _around(words, d.speech_start, 0, 12)
        out.append(Tip("monotone", "low",
                       f"Your pitch moved only {d.pitch_range_st:.1f} semitones across the answer, which sounds flat. "
                       "Lift the key numbers and the result.", ev))
    return out
