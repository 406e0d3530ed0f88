"""An analysis as HTML: the feedback view of the practice room, Review and the exported report.

Plain HTML and no Gradio, so a report can be written without the web framework. Every piece of user or
transcript text is escaped.
"""

from __future__ import annotations

import re
from html import escape

import numpy as np

from mockprep.analysis import Analysis
from mockprep.assessment import RUBRIC_NAMES, Assessment, Rubric, unscored_reason
from mockprep.config import SETTINGS, Settings
from mockprep.feedback import Tip
from mockprep.words import clock

STAR_COLORS = {"situation": "#3b82f6", "task": "#a855f7", "action": "#16a34a", "result": "#d97706"}
# Other rubrics' parts take these in order; "other" is always grey.
PART_COLORS = ("#3b82f6", "#a855f7", "#16a34a", "#d97706", "#0891b2")
OTHER_COLOR = "#9ca3af"
GAUGE_WPM = (80.0, 220.0)  # the span of the pace gauge
SHAPE_COLUMNS = 600  # the most columns the loudness is drawn in (the feedback is rarely wider in pixels)


def part_name(name: str) -> str:
    """How a part is shown: "the_trait" -> "Trait", "present" -> "Present"."""
    return name.removeprefix("the_").replace("_", " ").capitalize()


def part_tag(a: Assessment, name: str) -> str:
    """The part's letter on the transcript (two letters where two of the rubric's parts share the first)."""
    shown = part_name(name)
    firsts = [part_name(p)[0] for p in (*a.parts, "other")]
    return shown[:2] if firsts.count(shown[0]) > 1 else shown[0]


def part_colors(a: Assessment) -> dict[str, str]:
    if a.rubric == Rubric.STAR:
        return {**STAR_COLORS, "other": OTHER_COLOR}
    return {**{p: PART_COLORS[i % len(PART_COLORS)] for i, p in enumerate(a.parts)}, "other": OTHER_COLOR}


def recording_url(attempt_id: int) -> str:
    """Where the page plays an attempt's recording (the app's recording route), relative to the page."""
    return f"mockprep/recording/{int(attempt_id)}"


def player_html(attempt_id: int, preload: str = "none") -> str:
    """The answer's own recording, fetched only when played (no waveform to decode while feedback draws);
    preload="metadata" reads just its header, so an attempt opened in Review shows its length at once."""
    preload = preload if preload in ("none", "metadata") else "none"
    return (f'<div class="mp-card mp-player"><b>Your recording</b> <audio class="mp-audio" controls '
            f'preload="{preload}" data-attempt="{int(attempt_id)}" src="{recording_url(attempt_id)}"></audio>'
            '<small class="mp-hint">Click a time, a sentence, a filler or a pause to hear it.</small></div>')


def moment(t: float, label: str | None = None, cls: str = "mp-time") -> str:
    """A time the user can click (or press Enter on) to hear the recording from just before it (static/app.js)."""
    return (f'<button type="button" class="mp-at {cls}" data-t="{max(0.0, t):.2f}" '
            f'title="Play from {clock(t)}">{escape(label or clock(t))}</button>')


def _seek(t: float) -> str:
    """The attributes that make a piece of text play the recording from moment t (it holds other text)."""
    return f'data-t="{max(0.0, t):.2f}" tabindex="0" role="button"'


def warn_html(text: str) -> str:
    return f'<div class="mp-card mp-warn">{escape(text)}</div>'


def feedback_html(a: Analysis, settings: Settings = SETTINGS) -> str:
    """The whole feedback view for one analysis."""
    notes = "".join(f'<div class="mp-card mp-warn mp-note">{escape(n)}</div>' for n in a.notes)
    if not a.ok or a.assessment is None or a.delivery is None:
        return (f'{notes}<div class="mp-card mp-warn"><b>{escape(a.message or "No speech found.")}</b>'
                f'<p>Recording length {clock(a.duration_s)}.</p></div>')
    parts = [notes, _header(a), _tips(list(a.feedback(settings))), _timeline(a.assessment, settings),
             _shape(a, settings), _transcript(a), _delivery(a, settings), _checks(a.assessment)]
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
        what = f"Judged as: {escape(rubric)}. {unscored_reason(a.rubric)}"
    else:
        score = f'<div class="mp-score" id="mp-score">{a.score}<small>/100</small></div>'
        what = f"Judged as: {escape(rubric)}"
    return (f'<div class="mp-card mp-head">{score}<div><span id="mp-rubric">{what}</span> · length '
            f'{clock(a.duration_s)} of {clock(a.limit_s)} {over}</div></div>')


def _tips(tips: list[Tip]) -> str:
    if not tips:
        return '<div class="mp-card"><h3>Fix first</h3><p>Nothing urgent to fix in this answer.</p></div>'
    items = "".join(
        f'<li class="mp-tip mp-{escape(t.severity.value)}" data-gap="{escape(t.id.value)}">{_tip_text(t)}</li>'
        for t in tips)
    return f'<div class="mp-card"><h3>Fix first</h3><ol class="mp-tips">{items}</ol></div>'


def _tip_text(t: Tip) -> str:
    """The tip with its moment as a button: the time it names, or the time put in front of it."""
    text = escape(t.message)
    named = re.compile(rf"(?<![\d:]){re.escape(clock(t.evidence.start))}(?![\d:])")
    if named.search(text):
        return named.sub(lambda _: moment(t.evidence.start), text, count=1)
    return f"{moment(t.evidence.start)} {text}"


def _timeline(a: Assessment, settings: Settings) -> str:
    if not a.parts:
        return ""
    colors = part_colors(a)
    total = sum(p.seconds for p in a.parts.values()) or 1.0
    you = "".join(_bar(part_tag(a, name), p.seconds / total, f"{part_name(name)} {p.seconds:.0f} s", colors[name])
                  for name, p in a.parts.items() if p.seconds > 0)
    legend = "".join(f'<span><i style="background:{colors[n]}"></i>{escape(part_name(n))} {p.seconds:.0f} s '
                     f'({p.share:.0%})</span>' for n, p in a.parts.items())
    rows = f'<div class="mp-row"><span class="mp-lab">You</span><div class="mp-bar">{you}</div></div>'
    aim = ""
    if a.rubric == Rubric.STAR:
        target = "".join(_bar(part_tag(a, n), share, f"{part_name(n)} {share:.0%}", colors[n])
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
            f'background:{color}">{escape(name) if share > 0.04 else ""}</div>')


def _shape(a: Analysis, settings: Settings = SETTINGS) -> str:
    """The whole recording on one line: its loudness coloured by the part being told, the long pauses, the
    fillers and the time limit; a click plays from there (static/app.js). Drawn from the analysis's loudness
    envelope, or from the word times for an attempt stored before the envelope existed: nothing is decoded."""
    assert a.assessment is not None and a.delivery is not None
    span = max(a.duration_s, a.limit_s, 1.0)
    colors = part_colors(a.assessment)
    label_at = [(s.start, s.end, colors.get(s.label, OTHER_COLOR)) for s in a.assessment.sentences]

    def x(t: float) -> str:
        return f"{max(0.0, min(t, span)) / span * 1000:.1f}"

    def w(t0: float, t1: float) -> str:
        return f"{max(0.8, (min(t1, span) - max(t0, 0.0)) / span * 1000):.1f}"

    out = [f'<svg class="mp-shape" data-span="{span:.2f}" viewBox="0 0 1000 64" preserveAspectRatio="none" '
           'role="img" aria-label="The recording over time: loudness by part, pauses, fillers and the time limit">']
    out += [f'<rect x="{x(t0)}" y="2" width="{w(t0, t1)}" height="44" fill="{c}" opacity=".10"/>'
            for t0, t1, c in label_at]
    drawn = _envelope_paths(a, label_at, x, settings) if a.envelope and a.envelope.db else _word_bars(a, label_at, x, w)
    out += drawn
    for p in a.delivery.pauses:
        out.append(f'<rect class="mp-shape-pause" x="{x(p.start)}" y="48" width="{w(p.start, p.end)}" height="6" '
                   f'fill="#6b7280"><title>pause {p.duration:.1f} s at {clock(p.start)}</title></rect>')
    for f in a.delivery.fillers:
        out.append(f'<rect class="mp-shape-filler" x="{x(f.start)}" y="0" width="3" height="48" fill="#dc2626">'
                   f"<title>{escape(f.word)} at {clock(f.start)}</title></rect>")
    if a.limit_s < span + 1e-6:
        out.append(f'<line class="mp-shape-limit" x1="{x(a.limit_s)}" x2="{x(a.limit_s)}" y1="0" y2="56" '
                   f'stroke="#111827" stroke-dasharray="3 2" stroke-width="2"/>')
    step = 30 if span <= 240 else 60
    ticks = "".join(f'<span style="left:{float(x(t)) / 10:.1f}%">{clock(t)}</span>'
                    for t in range(0, int(span) + 1, step) if abs(t - a.limit_s) > step / 3)
    limit = (f'<span class="mp-shape-lim" style="left:{float(x(a.limit_s)) / 10:.1f}%">limit {clock(a.limit_s)}'
             "</span>") if a.limit_s <= span else ""
    out.append("</svg>")
    what = "How loud you were, coloured by" if a.envelope and a.envelope.db else "Each bar is a word, coloured by"
    legend = "".join(f'<span><i style="background:{c}"></i>{escape(part_name(n))}</span>'
                     for n, c in colors.items() if n in a.assessment.parts)
    return (f'<div class="mp-card" id="mp-shape"><h3>The shape of your answer</h3>{"".join(out)}'
            f'<div class="mp-shape-axis">{ticks}{limit}</div><div class="mp-legend">{legend}</div>'
            f'<p class="mp-hint">{what} its part; grey below marks a long pause, red a filler, the dashed line the '
            "time limit. Click anywhere to hear that moment.</p></div>")


def _color_at(label_at: list[tuple[float, float, str]], t: float, k: int) -> tuple[str, int]:
    """The colour of the sentence said at t (sentences in order; k: where the last look-up ended), grey between."""
    while k + 1 < len(label_at) and t >= label_at[k + 1][0] - 1e-6:
        k += 1
    if label_at and label_at[k][0] - 1e-6 <= t <= label_at[k][1] + 0.15:
        return label_at[k][2], k
    return OTHER_COLOR, k


def _envelope_paths(a: Analysis, label_at: list[tuple[float, float, str]], x, settings: Settings) -> list[str]:
    """The envelope mirrored about the middle line, one filled path per stretch of one colour; at most
    SHAPE_COLUMNS columns (the loudest step of each), so a long answer draws no heavier than the screen."""
    assert a.envelope is not None
    db = np.asarray(a.envelope.db, np.float64)
    k = max(1, -(-len(db) // SHAPE_COLUMNS))
    cols = np.max(np.pad(db, (0, -len(db) % k), constant_values=-90.0).reshape(-1, k), axis=1)
    step = a.envelope.step_s * k
    top = float(cols.max())
    level = np.clip((cols - (top - settings.envelope_range_db)) / settings.envelope_range_db, 0.0, 1.0)
    half = 0.5 + 21.5 * level  # half the height of each column about y = 24
    runs: list[tuple[str, list[int]]] = []
    j = 0
    for i in range(len(cols)):
        color, j = _color_at(label_at, (i + 0.5) * step, j)
        if runs and runs[-1][0] == color:
            runs[-1][1].append(i)
        else:
            runs.append((color, [i]))
    out = []
    for color, idx in runs:
        t0, t1 = idx[0] * step, (idx[-1] + 1) * step
        upper = [f"{x(t0)} {24 - half[idx[0]]:.1f}", *(f"{x((i + 0.5) * step)} {24 - half[i]:.1f}" for i in idx),
                 f"{x(t1)} {24 - half[idx[-1]]:.1f}"]
        lower = [f"{x(t1)} {24 + half[idx[-1]]:.1f}",
                 *(f"{x((i + 0.5) * step)} {24 + half[i]:.1f}" for i in reversed(idx)),
                 f"{x(t0)} {24 + half[idx[0]]:.1f}"]
        out.append(f'<path class="mp-shape-level" d="M{" L".join(upper + lower)}Z" fill="{color}"/>')
    return out


def _word_bars(a: Analysis, label_at: list[tuple[float, float, str]], x, w) -> list[str]:
    """Each word where it was said, coloured by its part (an attempt stored without its loudness)."""
    out = []
    k = 0
    for wd in a.words:
        while k + 1 < len(label_at) and wd.start >= label_at[k + 1][0] - 1e-6:
            k += 1
        color = label_at[k][2] if label_at else OTHER_COLOR
        h = 14 + 22 * min(1.0, max(0.0, wd.end - wd.start) / 0.5)  # longer words stand taller, like their sound
        out.append(f'<rect class="mp-shape-word" x="{x(wd.start)}" y="{24 - h / 2:.1f}" width="{w(wd.start, wd.end)}" '
                   f'height="{h:.1f}" fill="{color}"/>')
    return out


def _transcript(a: Analysis) -> str:
    """Sentences coloured by part, fillers marked, long pauses shown where they fell; in a doubtful transcript
    the words the model was unsure of are marked too."""
    assert a.assessment is not None and a.delivery is not None
    colors = part_colors(a.assessment)
    fillers = a.delivery.fillers
    doubtful = set(a.confidence.doubtful_words) if a.confidence and a.confidence.doubtful else set()
    pauses = list(a.delivery.pauses)
    words = a.words
    out = []
    wi = 0
    for s in a.assessment.sentences:
        label = escape(s.label)
        color = colors.get(s.label, OTHER_COLOR)
        tag = escape(part_tag(a.assessment, s.label))
        out.append(f'<span class="mp-sent mp-{label}" data-label="{label}" title="{escape(part_name(s.label))} '
                   f'{clock(s.start)}" {_seek(s.start)}><b class="mp-tag" style="background:{color}">{tag}</b> ')
        while wi < len(words) and words[wi].start < s.end + 1e-6:
            w = words[wi]
            while pauses and pauses[0].start <= w.start:
                p = pauses.pop(0)
                out.append(f'<span class="mp-pause" title="pause at {clock(p.start)}" {_seek(p.start)}>'
                           f'‖ {p.duration:.1f} s</span> ')  # a glyph every font has
            is_filler = any(f.start - 0.05 <= w.start <= f.end + 0.05 for f in fillers)
            text = escape(w.text)
            if wi in doubtful:
                text = f'<span class="mp-doubtful" title="may be misheard">{text}</span>'
            out.append(f'<mark class="mp-filler" {_seek(w.start)}>{text}</mark> ' if is_filler else f"{text} ")
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
    pauses = ", ".join(f"{moment(p.start)} ({p.duration:.1f} s)" for p in dl.pauses) or "none"
    counts: dict[str, int] = {}
    for f in dl.fillers:
        counts[f.word] = counts.get(f.word, 0) + 1
    fill = ", ".join(f"{escape(w)} ×{n}" for w, n in counts.items()) or "none"
    heard = [f for f in dl.fillers if f.heard]
    if heard:  # found in the sound (mockprep.hesitation), not written by the speech model
        which = ", ".join(f"{escape(f.word)} at {moment(f.start)}" for f in heard)
        fill += (f" — heard in the audio, not written in the transcript: {which} (the speech model tends to "
                 "leave hesitations out)")
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
