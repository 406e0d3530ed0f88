"""A readable report of one analysis in the terminal (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mockprep.analysis import Analysis
from mockprep.feedback import clock

COLORS = {"situation": "cyan", "task": "magenta", "action": "green", "result": "yellow", "other": "dim"}


def print_report(a: Analysis, console: Console | None = None) -> None:
    console = console or Console()
    if a.question:
        console.print(f"[bold]Question:[/bold] {a.question}")
    if a.status != "ok":
        console.print(f"[yellow]{a.message}[/yellow]  ({clock(a.duration_s)} of audio)")
        return
    d, s = a.delivery, a.star
    assert d is not None and s is not None
    over = f"  [red]{a.over_limit_s:.0f} s over the limit[/red]" if a.over_limit_s else ""
    console.print(f"[bold]Score {s.score}/100[/bold]   length {clock(a.duration_s)} of {clock(a.limit_s)}{over}")
    console.print()

    transcript = Text()
    for sent in s.sentences:
        transcript.append(f"[{sent.label[0].upper()} {clock(sent.start)}] ", style=COLORS[sent.label] + " bold")
        transcript.append(sent.text + " ", style=COLORS[sent.label])
    console.print(transcript)
    console.print()

    parts = Table("part", "seconds", "share", "sentences", title="STAR timeline (target: Action + Result ≥ 60%)")
    for name, p in s.parts.items():
        parts.add_row(Text(name, style=COLORS[name]), f"{p.seconds:.0f}", f"{p.share:.0%}", str(p.sentences))
    console.print(parts)

    checks = Table("check", "", "detail")
    for cid, c in s.checks.items():
        checks.add_row(cid, "[green]yes[/green]" if c.passed else "[red]no[/red]", c.detail)
    console.print(checks)

    pauses = ", ".join(f"{clock(p.start)} ({p.duration:.1f} s)" for p in d.pauses) or "none"
    console.print(f"Pace {d.wpm:.0f} wpm (articulation {d.articulation_wpm:.0f}; aim 130-160)   "
                  f"first word at {d.first_word_s:.1f} s   fillers {d.filler_count} ({d.fillers_per_min:.1f}/min)   "
                  f"long pauses: {pauses}")
    if d.pitch_range_st is not None:
        console.print(f"Pitch range {d.pitch_range_st:.1f} semitones, loudness variation {d.loudness_std_db:.1f} dB"
                      + ("  [yellow]monotone[/yellow]" if d.monotone else ""))
    console.print()
    if a.feedback:
        console.print("[bold]Fix first[/bold]")
        for i, t in enumerate(a.feedback, 1):
            console.print(f" {i}. {t.message}")
