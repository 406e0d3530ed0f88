"""A readable report of one analysis (the dict of Analysis.to_dict()) in the terminal, with rich."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mockprep.feedback import clock

COLORS = {"situation": "cyan", "task": "magenta", "action": "green", "result": "yellow", "other": "dim"}


def print_report(d: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    if d.get("question"):
        console.print(Text.assemble(("Question: ", "bold"), d["question"]))
    if d["status"] != "ok":
        console.print(Text(f"{d['message']}  ({clock(d['duration_s'])} of audio)", style="yellow"))
        return
    s, dl = d["star"], d["delivery"]
    over = f"  {d['over_limit_s']:.0f} s over the limit" if d["over_limit_s"] else ""
    console.print(Text.assemble((f"Score {s['score']}/100", "bold"),
                                f"   length {clock(d['duration_s'])} of {clock(d['limit_s'])}", (over, "red")))
    console.print()

    transcript = Text()
    for sent in s["sentences"]:
        style = COLORS[sent["label"]]
        transcript.append(f"[{sent['label'][0].upper()} {clock(sent['start'])}] ", style=style + " bold")
        transcript.append(sent["text"] + " ", style=style)  # Text, not markup: transcripts are not rich markup
    console.print(transcript)
    console.print()

    parts = Table("part", "seconds", "share", "sentences", title="STAR timeline (target: Action + Result ≥ 60%)")
    for name, p in s["parts"].items():
        parts.add_row(Text(name, style=COLORS[name]), f"{p['seconds']:.0f}", f"{p['share']:.0%}", str(p["sentences"]))
    console.print(parts)

    checks = Table("check", "", "detail")
    for cid, c in s["checks"].items():
        checks.add_row(cid, Text("yes", "green") if c["passed"] else Text("no", "red"), Text(c["detail"]))
    console.print(checks)

    pauses = ", ".join(f"{clock(p['start'])} ({p['end'] - p['start']:.1f} s)" for p in dl["pauses"]) or "none"
    console.print(Text(f"Pace {dl['wpm']:.0f} wpm (articulation {dl['articulation_wpm']:.0f}; aim 130-160)   "
                       f"first word at {dl['first_word_s']:.1f} s   fillers {dl['filler_count']} "
                       f"({dl['fillers_per_min']:.1f}/min)   long pauses: {pauses}"))
    if dl.get("pitch_range_st") is not None:
        flat = "  monotone" if dl.get("monotone") else ""
        console.print(Text(f"Pitch range {dl['pitch_range_st']:.1f} semitones, loudness variation "
                           f"{dl['loudness_std_db']:.1f} dB{flat}"))
    console.print()
    if d["feedback"]:
        console.print(Text("Fix first", style="bold"))
        for i, t in enumerate(d["feedback"], 1):
            console.print(Text(f" {i}. {t['message']}"))
