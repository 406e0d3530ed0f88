"""An analysis as HTML for the practice room. Every piece of user or transcript text is escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from mockprep.feedback import clock

COLORS = {"situation": "#3b82f6", "task": "#a855f7", "action": "#16a34a", "result": "#d97706", "other": "#9ca3af"}
# The split coaches aim for: brief setup, most of the time on what you did and what it achieved.
TARGET = {"situation": 0.15, "task": 0.10, "action": 0.50, "result": 0.25}


def recording_url(attempt_id: int) -> str:
    """Where the page plays an attempt's recording: ui.app's recorder routes, relative to the page."""
    return f"mockprep/recording/{int(attempt_id)}"


def player_html(attempt_id: int) -> str:
    """The answer's own recording, fetched only when played (no waveform to decode while feedback draws)."""
    return (f'<div class="mp-card mp-player"><b>Your recording</b> <audio controls preload="none" '
            f'src="{recording_url(attempt_id)}"></audio></div>')


def feedback_html(d: dict[str, Any], cut_at_limit: bool = False) -> str:
    """The whole feedback view for one analysis dict (Analysis.to_dict())."""
    if d["status"] != "ok":
        return (f'<div class="mp-card mp-warn"><b>{escape(d.get("message") or "No speech found.")}</b>'
                f'<p>Recording length {clock(d["duration_s"])}.</p></div>')
    star, dl = d["star"], d["delivery"]
    parts = [_header(d, cut_at_limit), _tips(d["feedback"]), _timeline(star), _transcript(d),
             _delivery(d, dl), _checks(star["checks"])]
    return '<div class="mp-feedback">' + "".join(parts) + "</div>"


def _header(d: dict[str, Any], cut: bool) -> str:
    score = d["star"]["score"]
    over = ""
    if cut:
        over = f'<span class="mp-badge mp-bad">Stopped at the {clock(d["limit_s"])} limit</span>'
    elif d["over_limit_s"] > 0:
        over = f'<span class="mp-badge mp-bad">{d["over_limit_s"]:.0f} s over the limit</span>'
    return (f'<div class="mp-card mp-head"><div class="mp-score" id="mp-score">{score}<small>/100</small></div>'
            f'<div>STAR score · length {clock(d["duration_s"])} of {clock(d["limit_s"])} {over}</div></div>')


def _tips(tips: list[dict[str, Any]]) -> str:
    if not tips:
        return '<div class="mp-card"><h3>Fix first</h3><p>Nothing urgent to fix in this answer.</p></div>'
    items = "".join(
        f'<li class="mp-tip mp-{escape(t["severity"])}">'
        + ("" if clock(t["evidence"]["start"]) in t["message"] else
           f'<span class="mp-time">{clock(t["evidence"]["start"])}</span> ')
        + f'{escape(t["message"])}</li>' for t in tips)
    return f'<div class="mp-card"><h3>Fix first</h3><ol class="mp-tips">{items}</ol></div>'


def _timeline(star: dict[str, Any]) -> str:
    parts = star["parts"]
    total = sum(p["seconds"] for p in parts.values()) or 1.0
    you = "".join(_bar(name, p["seconds"] / total, f'{name.capitalize()} {p["seconds"]:.0f} s')
                  for name, p in parts.items() if p["seconds"] > 0)
    target = "".join(_bar(name, share, f"{name.capitalize()} {share:.0%}") for name, share in TARGET.items())
    ar = parts["action"]["share"] + parts["result"]["share"]
    legend = "".join(f'<span><i style="background:{COLORS[n]}"></i>{n.capitalize()} {p["seconds"]:.0f} s '
                     f'({p["share"]:.0%})</span>' for n, p in parts.items())
    return (f'<div class="mp-card" id="mp-timeline"><h3>STAR timeline</h3>'
            f'<div class="mp-row"><span class="mp-lab">You</span><div class="mp-bar">{you}</div></div>'
            f'<div class="mp-row"><span class="mp-lab">Target</span><div class="mp-bar mp-target">{target}</div></div>'
            f'<div class="mp-legend">{legend}</div>'
            f'<p>Action + Result: <b>{ar:.0%}</b> of the story (aim for about 60%).</p></div>')


def _bar(name: str, share: float, title: str) -> str:
    return (f'<div class="mp-seg" title="{escape(title)}" style="width:{share * 100:.1f}%;'
            f'background:{COLORS[name]}">{escape(name[0].upper()) if share > 0.04 else ""}</div>')


def _transcript(d: dict[str, Any]) -> str:
    """Sentences coloured by STAR part, fillers marked, long pauses shown where they fell."""
    fillers = d["delivery"]["fillers"]
    pauses = list(d["delivery"]["pauses"])
    words = d["words"]
    out = []
    wi = 0
    for s in d["star"]["sentences"]:
        label = s["label"]
        out.append(f'<span class="mp-sent mp-{label}" data-label="{label}" title="{label} {clock(s["start"])}">'
                   f'<b class="mp-tag" style="background:{COLORS[label]}">{label[0].upper()}</b> ')
        while wi < len(words) and words[wi]["start"] < s["end"] + 1e-6:
            w = words[wi]
            while pauses and pauses[0]["start"] <= w["start"]:
                p = pauses.pop(0)
                out.append(f'<span class="mp-pause" title="pause at {clock(p["start"])}">'
                           f'⏸ {p["end"] - p["start"]:.1f} s</span> ')
            is_filler = any(f["start"] - 0.05 <= w["start"] <= f["end"] + 0.05 for f in fillers)
            text = escape(w["word"])
            out.append(f'<mark class="mp-filler">{text}</mark> ' if is_filler else f"{text} ")
            wi += 1
        out.append("</span>")
    return f'<div class="mp-card"><h3>What you said</h3><div class="mp-transcript" id="mp-transcript">' \
           f'{"".join(out)}</div></div>'


def _delivery(d: dict[str, Any], dl: dict[str, Any]) -> str:
    lo, hi = 130, 160
    wpm = dl["wpm"]
    pos = max(0.0, min(1.0, (wpm - 80) / 140))  # the gauge spans 80-220 wpm
    verdict = "in the band" if lo <= wpm <= hi else ("fast" if wpm > hi else "slow")
    pauses = ", ".join(f'{clock(p["start"])} ({p["end"] - p["start"]:.1f} s)' for p in dl["pauses"]) or "none"
    counts: dict[str, int] = {}
    for f in dl["fillers"]:
        counts[f["word"]] = counts.get(f["word"], 0) + 1
    fill = ", ".join(f"{escape(w)} ×{n}" for w, n in counts.items()) or "none"
    pitch = ""
    if dl.get("pitch_range_st") is not None:
        flat = " — sounds flat" if dl.get("monotone") else ""
        pitch = f'<li>Pitch range {dl["pitch_range_st"]:.1f} semitones, loudness variation ' \
                f'{dl["loudness_std_db"]:.1f} dB{flat}</li>'
    return (f'<div class="mp-card" id="mp-delivery"><h3>Delivery</h3>'
            f'<div class="mp-gauge"><div class="mp-band" style="left:{(lo - 80) / 140 * 100:.0f}%;'
            f'width:{(hi - lo) / 140 * 100:.0f}%"></div>'
            f'<div class="mp-needle" style="left:{pos * 100:.1f}%"></div></div>'
            f'<ul><li>Pace <b>{wpm:.0f} words a minute</b> ({verdict}; band {lo}-{hi}), articulation '
            f'{dl["articulation_wpm"]:.0f}</li><li>First word after {dl["first_word_s"]:.1f} s</li>'
            f'<li>Fillers: {dl["filler_count"]} ({dl["fillers_per_min"]:.1f} a minute): {fill}</li>'
            f'<li>Long pauses (≥ 1.5 s): {pauses}</li>{pitch}</ul></div>')


def _checks(checks: dict[str, Any]) -> str:
    rows = "".join(f'<tr class="{"mp-pass" if c["passed"] else "mp-fail"}"><td>{"✓" if c["passed"] else "✗"}</td>'
                   f'<td>{escape(k.replace("_", " "))}</td>'
                   f'<td>{escape(c["detail"])}</td></tr>' for k, c in checks.items())
    return f'<div class="mp-card"><h3>STAR checks</h3><table class="mp-checks">{rows}</table></div>'


CSS = """
.mp-card{border:1px solid #e5e7eb;border-radius:10px;padding:12px 16px;margin:8px 0;background:#fff}
.mp-warn{background:#fffbeb}
.mp-head{display:flex;align-items:center;gap:16px}
.mp-score{font-size:40px;font-weight:700}.mp-score small{font-size:16px;color:#6b7280}
.mp-badge{padding:2px 8px;border-radius:8px;margin-left:8px}.mp-bad{background:#fee2e2;color:#991b1b}
.mp-row{display:flex;align-items:center;gap:8px;margin:4px 0}.mp-lab{width:52px;color:#6b7280}
.mp-bar{display:flex;flex:1;height:22px;border-radius:6px;overflow:hidden;background:#f3f4f6}
.mp-target{opacity:.45}.mp-seg{color:#fff;font-size:12px;text-align:center;line-height:22px}
.mp-legend span{margin-right:12px;font-size:13px}.mp-legend i{display:inline-block;width:10px;height:10px;
border-radius:2px;margin-right:4px}
.mp-transcript{line-height:1.9}.mp-sent{padding:1px 2px;border-radius:4px}
.mp-situation{background:#eff6ff}.mp-task{background:#faf5ff}.mp-action{background:#f0fdf4}
.mp-result{background:#fffbeb}.mp-other{background:#f9fafb}
.mp-tag{color:#fff;border-radius:3px;padding:0 4px;font-size:11px}
.mp-filler{background:#fecaca;border-radius:3px;padding:0 2px}
.mp-pause{background:#e5e7eb;border-radius:3px;padding:0 4px;font-size:12px}
.mp-tips li{margin:6px 0}.mp-time{font-family:monospace;background:#f3f4f6;padding:0 4px;border-radius:4px}
.mp-high{font-weight:600}
.mp-gauge{position:relative;height:10px;background:#f3f4f6;border-radius:5px;margin:8px 0 12px}
.mp-band{position:absolute;top:0;height:10px;background:#bbf7d0;border-radius:5px}
.mp-needle{position:absolute;top:-4px;width:4px;height:18px;background:#111827;border-radius:2px}
.mp-checks td{padding:2px 8px;vertical-align:top}.mp-pass td:first-child{color:#16a34a;font-weight:700}
.mp-fail td:first-child{color:#dc2626;font-weight:700}
.mp-clock{font-size:44px;font-weight:700;font-family:monospace;text-align:center;padding:6px;border-radius:10px;
background:#f3f4f6}
.mp-clock.amber{background:#fef3c7;color:#92400e}.mp-clock.red{background:#fee2e2;color:#991b1b}
.mp-question{font-size:22px}
.mp-compare{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.mp-hidden{display:none !important}
.mp-rec{display:flex;align-items:center;gap:12px;padding:12px;border:1px solid #e5e7eb;border-radius:10px}
.mp-rec-btn{font-size:18px;padding:10px 22px;border-radius:8px;border:1px solid #d1d5db;background:#fff;cursor:pointer}
.mp-rec .record-button{color:#dc2626}.mp-rec .stop-button{background:#fee2e2}
.mp-rec-status{color:#6b7280}
"""
