"""A readable report of one analysis in the terminal, with rich."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mockprep.analysis import Analysis
from mockprep.assessment import RUBRIC_NAMES, Rubric, unscored_reason
from mockprep.config import SETTINGS, Settings
from mockprep.words import clock

STAR_COLORS = {"situation": "cyan", "task": "magenta", "action": "green", "result": "yellow"}
PART_COLORS = ("cyan", "magenta", "green", "yellow", "blue")


def _colors(a: Analysis) -> dict[str, str]:
    parts = a.assessment.parts if a.assessment else {}
    if a.rubric == Rubric.STAR:
        return {**STAR_COLORS, "other": "dim"}
    return {**{p: PART_COLORS[i % len(PART_COLORS)] for i, p in enumerate(parts)}, "other": "dim"}


def print_report(a: Analysis, console: Console | None = None, settings: Settings = SETTINGS) -> None:
    console = console or Console()
    if a.question:
        console.print(Text.assemble(("Question: ", "bold"), a.question))
    for note in a.notes:
        console.print(Text(note, style="yellow"))
    if not a.ok or a.assessment is None or a.delivery is None:
        console.print(Text(f"{a.message}  ({clock(a.duration_s)} of audio)", style="yellow"))
        return
    x, dl, colors = a.assessment, a.delivery, _colors(a)
    over = f"  {a.over_limit_s:.0f} s over the limit" if a.over_limit_s else ""
    score = f"Score {a.score}/100" if a.score is not None else unscored_reason(a.rubric)
    console.print(Text.assemble((score, "bold"), f"   judged as {RUBRIC_NAMES[a.rubric]}",
                                f"   length {clock(a.duration_s)} of {clock(a.limit_s)}", (over, "red")))
    console.print()

    transcript = Text()
    for sent in x.sentences:
        style = colors.get(sent.label, "dim")
        transcript.append(f"[{sent.label[0].upper()} {clock(sent.start)}] ", style=style + " bold")
        transcript.append(sent.text + " ", style=style)  # Text, not markup: transcripts are not rich markup
    console.print(transcript)
    console.print()

    if x.parts:
        title = (f"STAR timeline (target: Action + Result ≥ {settings.action_result_target:.0%})"
                 if a.rubric == Rubric.STAR else "Timeline")
        parts = Table("part", "seconds", "share", "sentences", title=title)
        for name, p in x.parts.items():
            parts.add_row(Text(name, style=colors.get(name, "dim")), f"{p.seconds:.0f}", f"{p.share:.0%}",
                          str(p.sentences))
        console.print(parts)
    if x.checks:
        checks = Table("check", "", "detail")
        for cid, c in x.checks.items():
            checks.add_row(cid.value, Text("yes", "green") if c.passed else Text("no", "red"), Text(c.detail))
        console.print(checks)

    lo, hi = settings.pace_band_wpm
    pauses = ", ".join(f"{clock(p.start)} ({p.duration:.1f} s)" for p in dl.pauses) or "none"
    console.print(Text(f"Pace {dl.wpm:.0f} wpm (articulation {dl.articulation_wpm:.0f}; aim {lo:.0f}-{hi:.0f})   "
                       f"first word at {dl.first_word_s:.1f} s   fillers {dl.filler_count} "
                       f"({dl.fillers_per_min:.1f}/min)   long pauses: {pauses}"))
    if dl.pitch_range_st is not None:
        flat = "  monotone" if dl.monotone else ""
        console.print(Text(f"Pitch range {dl.pitch_range_st:.1f} semitones, loudness variation "
                           f"{dl.loudness_std_db:.1f} dB{flat}"))
    console.print()
    tips = a.feedback(settings)
    if tips:
        console.print(Text("Fix first", style="bold"))
        for i, t in enumerate(tips, 1):
            console.print(Text(f" {i}. {t.message}"))
