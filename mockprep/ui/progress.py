"""Progress tab: how the answers are going, readable from the first attempt.

Cards for the best, the latest and the average of the last five scores; score, pace and fillers a minute over
time as small SVG charts with real dates on the axis (one attempt is one point); a trend per competency once it
has two attempts. Plain HTML from the stored attempts, no plotting library.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape

import gradio as gr

from mockprep.config import SETTINGS, Settings
from mockprep.store import Attempt
from mockprep.ui.room import Room

W, H = 640, 170  # a chart's drawing, in SVG units (it scales to the page's width)
PAD_L, PAD_R, PAD_T, PAD_B = 40, 16, 14, 26
LAST = 5  # the average of this many latest scores


def day(ts: float) -> str:
    """1 Dec 2026: a date as the axis and the cards write it."""
    t = time.localtime(ts)
    return f"{t.tm_mday} {time.strftime('%b %Y', t)}"


def moment(ts: float) -> str:
    t = time.localtime(ts)
    return f"{t.tm_mday} {time.strftime('%b %Y, %H:%M', t)}"


def done(attempts: Sequence[Attempt]) -> list[Attempt]:
    """The analysed attempts, oldest first."""
    return sorted((a for a in attempts if a.status == "ok"), key=lambda a: (a.created_at, a.id))


def scored(attempts: Sequence[Attempt]) -> list[Attempt]:
    return [a for a in done(attempts) if a.score is not None]


def cards_html(attempts: Sequence[Attempt]) -> str:
    s = scored(attempts)
    if not s:
        n = len(done(attempts))
        why = (f"{n} answer{'s' if n != 1 else ''} so far, none with a content score (open questions get "
               "feedback on delivery only)." if n else "No answers yet: answer a question in Practice and your "
               "progress starts here.")
        return f'<div class="mp-card mp-cards" id="mp-progress-cards"><p>{escape(why)}</p></div>'
    best = max(s, key=lambda a: (a.score, a.created_at))
    latest = s[-1]
    last = s[-LAST:]
    avg = sum(a.score for a in last) / len(last)
    prior = s[-2 * LAST:-LAST]
    trend = ""
    if prior:
        d = avg - sum(a.score for a in prior) / len(prior)
        trend = f'<small class="{_better(d)}">{d:+.0f} on the five before</small>'

    def card(title: str, value: str, sub: str, cid: str) -> str:
        return (f'<div class="mp-stat" id="{cid}"><span>{escape(title)}</span><b>{value}</b>'
                f"<small>{sub}</small></div>")

    return ('<div class="mp-card mp-cards" id="mp-progress-cards">'
            + card("Best", f"{best.score}", escape(f"{day(best.created_at)} · {_q(best)}"), "mp-best")
            + card("Latest", f"{latest.score}", escape(f"{day(latest.created_at)} · {_q(latest)}"), "mp-latest")
            + card(f"Average of the last {len(last)}" if len(last) > 1 else "Average", f"{avg:.0f}",
                   trend or escape(f"{len(s)} scored answer{'s' if len(s) != 1 else ''}"), "mp-average")
            + "</div>")


def _q(a: Attempt) -> str:
    q = a.question_text or "Answer"
    return q if len(q) <= 48 else q[:47] + "…"


# ---------------------------------------------------------------- charts


def _ticks(lo: float, hi: float) -> list[float]:
    """Where the date labels go: each end, and a few days between when the span is long."""
    if hi - lo < 1:
        return [lo]
    if hi - lo < 2 * 86400:
        return [lo, hi]
    t = time.localtime(lo)
    midnight = time.mktime((t.tm_year, t.tm_mon, t.tm_mday + 1, 0, 0, 0, 0, 0, -1))
    days = int((hi - midnight) // 86400) + 1
    step = -(-days // 6)  # at most six dates on the axis, whole days apart
    out = [lo]
    for i in range(0, days, step):
        t = time.localtime(midnight)
        at = time.mktime((t.tm_year, t.tm_mon, t.tm_mday + i, 0, 0, 0, 0, 0, -1))
        if at - lo >= step * 86400:  # the first date's label starts at its point: leave it a whole step
            out.append(at)
    return out


def chart_svg(points: Sequence[tuple[float, float, str]], title: str, unit: str,
              y_range: tuple[float, float] | None = None, band: tuple[float, float] | None = None,
              series: dict[str, Sequence[tuple[float, float, str]]] | None = None, digits: int = 0) -> str:
    """A line chart of (timestamp, value, what) points with dates on the axis; one point is drawn as a point.

    series: several named lines instead of one (a trend per competency)."""
    lines = dict(series) if series else {"": list(points)}
    allp = [p for ps in lines.values() for p in ps]
    if not allp:
        return ""
    x0, x1 = min(p[0] for p in allp), max(p[0] for p in allp)
    vals = [p[1] for p in allp]
    if y_range:
        y0, y1 = y_range
    else:
        lo, hi = min(vals), max(vals)
        if band:
            lo, hi = min(lo, band[0]), max(hi, band[1])
        step = 10 if hi - lo > 10 else 1
        y0, y1 = step * (lo // step) - step, step * (hi // step) + step
        y0 = max(0.0, y0)
    iw, ih = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def px(t: float) -> float:
        return PAD_L + (iw / 2 if x1 == x0 else (t - x0) / (x1 - x0) * iw)

    def py(v: float) -> float:
        return PAD_T + ih - (min(max(v, y0), y1) - y0) / ((y1 - y0) or 1) * ih

    out = [f'<svg class="mp-chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}">']
    if band:
        out.append(f'<rect x="{PAD_L}" y="{py(band[1]):.1f}" width="{iw}" height="{py(band[0]) - py(band[1]):.1f}" '
                   'fill="#bbf7d0" opacity=".5"><title>the pace band</title></rect>')
    for v in (y0, (y0 + y1) / 2, y1):
        out.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#e5e7eb"/>'
                   f'<text x="{PAD_L - 6}" y="{py(v) + 4:.1f}" text-anchor="end" class="mp-axis">{v:.{digits}f}</text>')
    ticks = _ticks(x0, x1)
    for i, t in enumerate(ticks):
        anchor = "middle" if len(ticks) == 1 else ("start" if i == 0 else "end" if i == len(ticks) - 1 else "middle")
        label = moment(t) if x1 - x0 < 86400 and len(ticks) > 1 else day(t)
        out.append(f'<text x="{px(t):.1f}" y="{H - 6}" text-anchor="{anchor}" class="mp-axis mp-date">'
                   f"{escape(label)}</text>")
    palette = ("#2563eb", "#16a34a", "#d97706", "#a855f7", "#0891b2", "#dc2626")
    for k, (name, ps) in enumerate(lines.items()):
        color = palette[k % len(palette)]
        ps = sorted(ps)
        if len(ps) > 1:
            pts = " ".join(f"{px(t):.1f},{py(v):.1f}" for t, v, _ in ps)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"/>')
        for t, v, what in ps:
            tip = f"{name + ': ' if name else ''}{v:.{digits}f} {unit} · {moment(t)} · {what}"
            out.append(f'<circle cx="{px(t):.1f}" cy="{py(v):.1f}" r="{5 if len(ps) == 1 else 3.5}" fill="{color}">'
                       f"<title>{escape(tip)}</title></circle>")
        if len(ps) == 1 and not series:  # one point: say its value beside it
            t, v, _ = ps[0]
            out.append(f'<text x="{px(t) + 9:.1f}" y="{py(v) + 4:.1f}" class="mp-axis mp-value">'
                       f"{v:.{digits}f} {escape(unit)}</text>")
    out.append("</svg>")
    legend = ""
    if series:
        legend = '<div class="mp-legend">' + "".join(
            f'<span><i style="background:{palette[k % len(palette)]}"></i>{escape(n)}</span>'
            for k, n in enumerate(lines)) + "</div>"
    return f'<div class="mp-card mp-plot"><h3>{escape(title)}</h3>{"".join(out)}{legend}</div>'


def competency_html(attempts: Sequence[Attempt]) -> str:
    """Per competency with two or more scored answers: first, latest, best and the change; and their lines."""
    by: dict[str, list[Attempt]] = {}
    for a in scored(attempts):
        by.setdefault(a.competency or "other", []).append(a)
    two = {c: xs for c, xs in sorted(by.items()) if len(xs) >= 2}
    if not two:
        return ""
    rows = "".join(
        f"<tr><td>{escape(c)}</td><td>{len(xs)}</td><td>{xs[0].score}</td><td>{xs[-1].score}</td>"
        f"<td>{max(a.score for a in xs)}</td><td class=\"{_better(xs[-1].score - xs[0].score)}\">"
        f"{xs[-1].score - xs[0].score:+d}</td></tr>" for c, xs in two.items())
    table = ('<div class="mp-card" id="mp-by-competency"><h3>By competency</h3><table class="mp-figures">'
             "<tr><th>competency</th><th>answers</th><th>first</th><th>latest</th><th>best</th><th>change</th></tr>"
             f"{rows}</table></div>")
    lines = {c: [(a.created_at, float(a.score), _q(a)) for a in xs] for c, xs in two.items()}
    return table + chart_svg([], "Score by competency", "/100", (0, 100), series=lines)


def _better(d: float) -> str:
    return "mp-better" if d > 0 else "mp-worse" if d < 0 else ""


def progress_html(attempts: Sequence[Attempt], settings: Settings = SETTINGS) -> str:
    ok = done(attempts)
    s = scored(attempts)
    parts = [cards_html(attempts)]
    if s:
        parts.append(chart_svg([(a.created_at, float(a.score), _q(a)) for a in s], "Score over time", "/100",
                               (0, 100)))
    parts.append(competency_html(attempts))
    pace = [(a.created_at, a.wpm, _q(a)) for a in ok if a.wpm is not None]
    fill = [(a.created_at, a.fillers_per_min, _q(a)) for a in ok if a.fillers_per_min is not None]
    if pace:
        parts.append(chart_svg(pace, "Pace (words a minute)", "wpm", band=settings.pace_band_wpm))
    if fill:
        parts.append(chart_svg(fill, "Fillers a minute", "a minute", digits=1))
    return '<div class="mp-progress">' + "".join(parts) + "</div>"


def refresh(room: Room) -> str:
    return progress_html(room.store.attempts(), room.settings)


@dataclass(frozen=True)
class ProgressTab:
    plots: list
    refresh_fn: Callable[[], str]


def build(room: Room) -> ProgressTab:
    view = gr.HTML(partial(refresh, room), elem_id="mp-progress")
    return ProgressTab([view], partial(refresh, room))
