"""An analysis as HTML: the feedback view of the practice room, Review and the exported report.

Plain HTML and no Gradio, so a report can be written without the web framework. Every piece of user or
transcript text is escaped.
"""

from __future__ import annotations

from html import escape

from mockprep.analysis import Analysis
from mockprep.assessment import RUBRIC_NAMES, Assessment, Rubric
from mockprep.config import SETTINGS, Settings
from mockprep.feedback import Tip
from mockprep.words import clock

STAR_COLORS = {"situation": "#3b82f6", "task": "#a855f7", "action": "#16a34a", "result": "#d97706"}
# Other rubrics' parts take these in order; "other" is always grey.
PART_COLORS = ("#3b82f6", "#a855f7", "#16a34a", "#d97706", "#0891b2")
OTHER_COLOR = "#9ca3af"
GAUGE_WPM = (80.0, 220.0)  # the span of the pace gauge


def part_colors(a: Assessment) -> dict[str, str]:
    if a.rubric == Rubric.STAR:
        return {**STAR_COLORS, "other": OTHER_COLOR}
    return {**{p: PART_COLORS[i % len(PART_COLORS)] for i, p in enumerate(a.parts)}, "other": OTHER_COLOR}


def recording_url(attempt_id: int) -> str:
    """Where the page plays an attempt's recording (the app's recording route), relative to the page."""
    return f"mockprep/recording/{int(attempt_id)}"


def player_html(attempt_id: int) -> str:
    """The answer's own recording, fetched only when played (no waveform to decode while feedback draws)."""
    return (f'<div class="mp-card mp-player"><b>Your recording</b> <audio controls preload="none" '
            f'src="{recording_url(attempt_id)}"></audio></div>')


def warn_html(text: str) -> str:
    return f'<div class="mp-card mp-warn">{escape(text)}</div>'


def feedback_html(a: Analysis, settings: Settings = SETTINGS) -> str:
    """The whole feedback view for one analysis."""
    notes = "".join(f'<div class="mp-card mp-warn mp-note">{escape(n)}</div>' for n in a.notes)
    if not a.ok or a.assessment is None or a.delivery is None:
        return (f'{notes}<div class="mp-card mp-warn"><b>{escape(a.message or "No speech found.")}</b>'
                f'<p>Recording length {clock(a.duration_s)}.</p></div>')
    parts = [notes, _header(a), _tips(list(a.feedback(settings))), _timeline(a.assessment, settings),
             _transcript(a), _delivery(a, settings), _checks(a.assessment)]
    return '<div class="mp-feedback">' + "".join(parts) + "</div>"


def _header(a: Analysis) -> str:
    over = ""
    if a.capture is not None and a.capture.cut_at_limit:
        over = f'<span class="mp-badge mp-bad">Stopped at the {clock(a.limit_s)} limit</span>'
    elif a.over_limit_s > 0:
        over = f'<span class="mp-badge mp-bad">{a.over_limit_s:.0f} s over the limit</span>'
    rubric = RUBRIC_NAMES[a.rubric]
    if a.score is None:
        score = '<div class="mp-score mp-noscore" id="mp-score">–</div>'
        what = (f"Judged as an {escape(rubric)}: mockprep gives no content score here, only feedback on how "
                "you said it")
    else:
        score = f'<div class="mp-score" id="mp-score">{a.score}<small>/100</small></div>'
        what = f"Judged as a {escape(rubric)}"
    return (f'<div class="mp-card mp-head">{score}<div><span id="mp-rubric">{what}</span> · length '
            f'{clock(a.duration_s)} of {clock(a.limit_s)} {over}</div></div>')


def _tips(tips: list[Tip]) -> str:
    if not tips:
        return '<div class="mp-card"><h3>Fix first</h3><p>Nothing urgent to fix in this answer.</p></div>'
    items = "".join(
        f'<li class="mp-tip mp-{escape(t.severity.value)}" data-gap="{escape(t.id.value)}">'
        + ("" if clock(t.evidence.start) in t.message else f'<span class="mp-time">{clock(t.evidence.start)}</span> ')
        + f"{escape(t.message)}</li>" for t in tips)
    return f'<div class="mp-card"><h3>Fix first</h3><ol class="mp-tips">{items}</ol></div>'


def _timeline(a: Assessment, settings: Settings) -> str:
    if not a.parts:
        return ""
    colors = part_colors(a)
    total = sum(p.seconds for p in a.parts.values()) or 1.0
    you = "".join(_bar(name, p.seconds / total, f"{name.capitalize()} {p.seconds:.0f} s", colors[name])
                  for name, p in a.parts.items() if p.seconds > 0)
    legend = "".join(f'<span><i style="background:{colors[n]}"></i>{escape(n.capitalize())} {p.seconds:.0f} s '
                     f'({p.share:.0%})</span>' for n, p in a.parts.items())
    rows = f'<div class="mp-row"><span class="mp-lab">You</span><div class="mp-bar">{you}</div></div>'
    aim = ""
    if a.rubric == Rubric.STAR:
        target = "".join(_bar(n, share, f"{n.capitalize()} {share:.0%}", colors[n])
                         for n, share in settings.star_target_split)
        rows += (f'<div class="mp-row"><span class="mp-lab">Target</span><div class="mp-bar mp-target">{target}'
                 "</div></div>")
        ar = a.parts["action"].share + a.parts["result"].share
        aim = (f"<p>Action + Result: <b>{ar:.0%}</b> of the story (aim for about "
               f"{settings.action_result_target:.0%}).</p>")
    return (f'<div class="mp-card" id="mp-timeline"><h3>Timeline</h3>{rows}<div class="mp-legend">{legend}</div>'
            f"{aim}</div>")


def _bar(name: str, share: float, title: str, color: str) -> str:
    return (f'<div class="mp-seg" title="{escape(title)}" style="width:{share * 100:.1f}%;'
            f'background:{color}">{escape(name[0].upper()) if share > 0.04 else ""}</div>')


def _transcript(a: Analysis) -> str:
    """Sentences coloured by part, fillers marked, long pauses shown where they fell."""
    assert a.assessment is not None and a.delivery is not None
    colors = part_colors(a.assessment)
    fillers = a.delivery.fillers
    pauses = list(a.delivery.pauses)
    words = a.words
    out = []
    wi = 0
    for s in a.assessment.sentences:
        label = escape(s.label)
        color = colors.get(s.label, OTHER_COLOR)
        out.append(f'<span class="mp-sent mp-{label}" data-label="{label}" title="{label} {clock(s.start)}">'
                   f'<b class="mp-tag" style="background:{color}">{escape(s.label[0].upper())}</b> ')
        while wi < len(words) and words[wi].start < s.end + 1e-6:
            w = words[wi]
            while pauses and pauses[0].start <= w.start:
                p = pauses.pop(0)
                out.append(f'<span class="mp-pause" title="pause at {clock(p.start)}">⏸ {p.duration:.1f} s</span> ')
            is_filler = any(f.start - 0.05 <= w.start <= f.end + 0.05 for f in fillers)
            text = escape(w.text)
            out.append(f'<mark class="mp-filler">{text}</mark> ' if is_filler else f"{text} ")
            wi += 1
        out.append("</span>")
    return (f'<div class="mp-card"><h3>What you said</h3><div class="mp-transcript" id="mp-transcript">'
            f'{"".join(out)}</div></div>')


def _delivery(a: Analysis, settings: Settings) -> str:
    dl = a.delivery
    assert dl is not None
    lo, hi = settings.pace_band_wpm
    g0, g1 = GAUGE_WPM
    pos = max(0.0, min(1.0, (dl.wpm - g0) / (g1 - g0)))
    verdict = "in the band" if lo <= dl.wpm <= hi else ("fast" if dl.wpm > hi else "slow")
    pauses = ", ".join(f"{clock(p.start)} ({p.duration:.1f} s)" for p in dl.pauses) or "none"
    counts: dict[str, int] = {}
    for f in dl.fillers:
        counts[f.word] = counts.get(f.word, 0) + 1
    fill = ", ".join(f"{escape(w)} ×{n}" for w, n in counts.items()) or "none"
    heard = sum(1 for f in dl.fillers if f.heard)
    if heard:
        fill += (f" ({heard} heard in the audio where the transcript left {'it' if heard == 1 else 'them'} out: "
                 "the speech model tends to drop hesitations)")
    pitch = ""
    if dl.pitch_range_st is not None:
        flat = " — sounds flat" if dl.monotone else ""
        pitch = (f"<li>Pitch range {dl.pitch_range_st:.1f} semitones, loudness variation "
                 f"{dl.loudness_std_db:.1f} dB{flat}</li>")
    return (f'<div class="mp-card" id="mp-delivery"><h3>Delivery</h3>'
            f'<div class="mp-gauge"><div class="mp-band" style="left:{(lo - g0) / (g1 - g0) * 100:.0f}%;'
            f'width:{(hi - lo) / (g1 - g0) * 100:.0f}%"></div>'
            f'<div class="mp-needle" style="left:{pos * 100:.1f}%"></div></div>'
            f'<ul><li>Pace <b>{dl.wpm:.0f} words a minute</b> ({verdict}; band {lo:.0f}-{hi:.0f}), articulation '
            f'{dl.articulation_wpm:.0f}</li><li>First word after {dl.first_word_s:.1f} s</li>'
            f'<li>Fillers: {dl.filler_count} ({dl.fillers_per_min:.1f} a minute): {fill}</li>'
            f'<li>Long pauses (≥ {settings.long_pause_s:g} s): {pauses}</li>{pitch}</ul></div>')


def _checks(a: Assessment) -> str:
    if not a.checks:
        return ""
    rows = "".join(f'<tr class="{"mp-pass" if c.passed else "mp-fail"}"><td>{"✓" if c.passed else "✗"}</td>'
                   f'<td>{escape(k.value.replace("_", " "))}</td>'
                   f'<td>{escape(c.detail)}</td></tr>' for k, c in a.checks.items())
    return (f'<div class="mp-card"><h3>Checks ({escape(RUBRIC_NAMES[a.rubric])})</h3>'
            f'<table class="mp-checks">{rows}</table></div>')
