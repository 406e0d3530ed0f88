"""Review tab: every attempt kept, newest first; open one (its feedback and recording), compare two (what
changed: the words, every figure, the checks that flipped), export, delete."""

from __future__ import annotations

import difflib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from html import escape

import gradio as gr

from mockprep import report
from mockprep.analysis import Analysis
from mockprep.config import SETTINGS, Settings
from mockprep.render import feedback_html, player_html, warn_html
from mockprep.store import Attempt, Store
from mockprep.stories import LAYERS, Story, derived_layers, stories, story_key, story_layers, thin_layers
from mockprep.ui.room import Room
from mockprep.words import PUNCTUATION, clock

HEADERS = ["id", "date", "question", "competency", "score", "length", "main gap", "status"]
ANY = "any"


# ---------------------------------------------------------------- the history


def main_gap(a: Attempt) -> str:
    """The first thing its feedback said to fix, in a few words."""
    if a.analysis is None or not a.analysis.ok:
        return "no speech" if a.status == "no_speech" else ""
    tips = a.analysis.feedback()
    return tips[0].id.value.replace("_", " ") if tips else "nothing urgent"


def filtered(attempts: Sequence[Attempt], competency: str | None = ANY, question: str | None = ANY) -> list[Attempt]:
    """Newest first, as the store gives them, narrowed to a competency and a question ("any": all)."""
    return [a for a in attempts if competency in (None, "", ANY) or (a.competency or "other") == competency
            if question in (None, "", ANY) or a.question_id == question]


def history_rows(room: Room, competency: str | None = ANY, question: str | None = ANY) -> list[list]:
    return [[a.id, a.when, a.question_text or "", a.competency or "", a.score if a.score is not None else "",
             clock(a.duration_s or 0), main_gap(a), a.status]
            for a in filtered(room.store.attempts(), competency, question)]


def attempt_choices(room: Room, competency: str | None = ANY, question: str | None = ANY) -> list[tuple[str, int]]:
    return [(f"#{a.id} · {a.when} · {(a.question_text or '')[:60]} · {a.score if a.score is not None else '-'}",
             a.id) for a in filtered(room.store.attempts(), competency, question)]


def filter_choices(room: Room) -> tuple[list, list]:
    """The competencies and the questions there are attempts at (a question by its text, the latest first)."""
    atts = room.store.attempts()
    comps = sorted({a.competency or "other" for a in atts})
    questions: dict[str, str] = {}
    for a in atts:
        if a.question_id and a.question_id not in questions:
            text = a.question_text or a.question_id
            questions[a.question_id] = text if len(text) <= 70 else text[:69] + "…"
    return [ANY, *comps], [(ANY, ANY), *((t, q) for q, t in questions.items())]


# ---------------------------------------------------------------- one attempt


def attempt_view(a: Attempt) -> str:
    head = (f'<div class="mp-card mp-attempt-head"><b>{escape(a.question_text or "Answer")}</b><br>'
            f"#{a.id} · {escape(a.when)}</div>")
    missing = a.error or "Not analysed yet; run mockprep reanalyze."
    body = feedback_html(a.analysis) if a.analysis else warn_html(missing)
    return f'<div class="mp-attempt" data-attempt="{a.id}">{head}{player_html(a.id, preload="metadata")}{body}</div>'


def open_attempt(room: Room, attempt_id: int | None) -> str:
    a = room.store.get(int(attempt_id)) if attempt_id else None
    return attempt_view(a) if a else '<div class="mp-card">Pick an attempt to open it.</div>'


def open_row(evt: gr.SelectData) -> gr.Dropdown:
    """A row of the history clicked: open its attempt (through the dropdown, which then shows it)."""
    row = evt.row_value or []
    return gr.Dropdown(value=int(row[0])) if row and str(row[0]).isdigit() else gr.skip()


def previous(room: Room, attempt_id: int | None) -> int | None:
    """The answer to the same question just before this one."""
    a = room.store.get(int(attempt_id)) if attempt_id else None
    if a is None or not a.question_id:
        return None
    older = [b for b in room.store.attempts(a.question_id) if (b.created_at, b.id) < (a.created_at, a.id)]
    return older[0].id if older else None


# ---------------------------------------------------------------- two attempts


def word_diff(before: str, after: str) -> str:
    """The second transcript against the first, word by word: <del> what went, <ins> what came."""
    a, b = before.split(), after.split()

    def key(w: str) -> str:
        return w.strip(PUNCTUATION).lower()

    sm = difflib.SequenceMatcher(None, [key(w) for w in a], [key(w) for w in b], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out)


# figure -> which way is better: +1 more is better, -1 less is better, 0 neither
BETTER = {"score": 1, "fillers a minute": -1, "fillers": -1, "long pauses": -1, "first word (s)": -1}


def figures(a: Analysis, settings: Settings = SETTINGS) -> dict[str, float | None]:
    """Every figure of an answer that can be compared with another's."""
    out: dict[str, float | None] = {"score": a.score, "length (s)": round(a.duration_s, 1)}
    if a.assessment is not None:
        for name, p in a.assessment.parts.items():
            out[f"{name} (s)"] = round(p.seconds, 1)
    d = a.delivery
    if d is not None:
        out["pace (wpm)"] = round(d.wpm)
        out["fillers a minute"] = round(d.fillers_per_min, 1)
        out["fillers"] = d.filler_count
        out["long pauses"] = len(d.pauses)
        out["first word (s)"] = round(d.first_word_s, 1)
    return out


def _change(name: str, x: float | None, y: float | None, settings: Settings) -> str:
    if x is None or y is None:
        return "<td></td>"
    diff = y - x
    way = BETTER.get(name, 0)
    if name == "pace (wpm)":  # better is nearer the band
        lo, hi = settings.pace_band_wpm

        def off(v: float) -> float:
            return max(lo - v, 0.0, v - hi)

        way, diff_sign = -1, off(y) - off(x)
    else:
        diff_sign = diff
    cls = "" if way == 0 or diff_sign == 0 else ("mp-better" if diff_sign * way > 0 else "mp-worse")
    shown = f"{diff:+.0f}" if float(diff).is_integer() else f"{diff:+.1f}"
    return f'<td class="{cls}">{shown if diff else "same"}</td>'


def _fig(v: float | None) -> str:
    return "–" if v is None else (f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}")


def flipped_checks(before: Analysis, after: Analysis) -> list[tuple[str, bool]]:
    """The checks both answers were judged on whose verdict changed: (name, passes now)."""
    if before.assessment is None or after.assessment is None:
        return []
    old = before.assessment.checks
    return [(k.value.replace("_", " "), c.passed) for k, c in after.assessment.checks.items()
            if k in old and old[k].passed != c.passed]


def changes_html(l_att: Attempt, r_att: Attempt, settings: Settings = SETTINGS) -> str:
    """What changed from the earlier attempt to the later: the figures, the checks, the words."""
    a, b = l_att.analysis, r_att.analysis
    head = (f'<div class="mp-card"><h3>What changed</h3><p>From #{l_att.id} ({escape(l_att.when)}) to '
            f"#{r_att.id} ({escape(r_att.when)}).</p>")
    if l_att.question_id != r_att.question_id:
        head += "<p><i>These answer different questions: compare with care.</i></p>"
    if a is None or b is None or not a.ok or not b.ok:
        return head + "<p>One of them has no analysed speech, so there is nothing to compare.</p></div>"
    fa, fb = figures(a, settings), figures(b, settings)
    rows = "".join(f"<tr><td>{escape(n)}</td><td>{_fig(fa.get(n))}</td><td>{_fig(fb.get(n))}</td>"
                   f"{_change(n, fa.get(n), fb.get(n), settings)}</tr>" for n in dict.fromkeys([*fa, *fb]))
    table = (f'<table class="mp-figures" id="mp-compare-figures"><tr><th></th><th>#{l_att.id}</th>'
             f"<th>#{r_att.id}</th><th>change</th></tr>{rows}</table>")
    flips = flipped_checks(a, b)
    checks = "".join(f'<li class="{"mp-better" if ok else "mp-worse"}">{"✓ now passes" if ok else "✗ now fails"}: '
                     f"{escape(name)}</li>" for name, ok in flips)
    checks = f'<ul id="mp-compare-checks">{checks}</ul>' if flips else "<p>No check changed its verdict.</p>"
    diff = (f'<h3>The words</h3><p><ins>added</ins> <del>left out</del></p>'
            f'<div class="mp-diff" id="mp-diff">{word_diff(a.transcript, b.transcript)}</div>')
    return f"{head}{table}<h3>Checks</h3>{checks}{diff}</div>"


def compare_html(left: Attempt | None, right: Attempt | None, settings: Settings = SETTINGS) -> str:
    if left is None or right is None:
        cols = [attempt_view(a) if a else '<div class="mp-card">Pick an attempt.</div>' for a in (left, right)]
        return '<div class="mp-compare">' + "".join(f"<div>{c}</div>" for c in cols) + "</div>"
    if (right.created_at, right.id) < (left.created_at, left.id):
        left, right = right, left  # the earlier on the left: the change reads forwards
    cols = "".join(f"<div>{attempt_view(a)}</div>" for a in (left, right))
    return changes_html(left, right, settings) + f'<div class="mp-compare">{cols}</div>'


def compare(room: Room, left: int | None, right: int | None) -> str:
    return compare_html(room.store.get(int(left)) if left else None, room.store.get(int(right)) if right else None,
                        room.settings)


def compare_previous(room: Room, attempt_id: int | None) -> tuple:
    """The opened attempt against the answer to the same question before it."""
    before = previous(room, attempt_id)
    if before is None:
        return gr.skip(), gr.skip(), gr.Accordion(open=True), (
            '<div class="mp-card">There is no earlier answer to this question to compare with.</div>')
    return (gr.Dropdown(value=before), gr.Dropdown(value=int(attempt_id)), gr.Accordion(open=True),
            compare(room, before, attempt_id))


# ---------------------------------------------------------------- your stories


def stories_html(attempts: Sequence[Attempt], store: Store | None = None) -> str:
    found = stories(attempts)
    if not found:
        return '<div class="mp-card">No story answers yet.</div>'
    items = []
    for k, st in enumerate(found, 1):
        comps = ", ".join(f"{escape(c)} ({'–' if sc is None else sc})" for c, sc in st.by_competency().items())
        ids = ", ".join(f"#{a.id}" for a in st.attempts)
        layers = story_layers(store, st) if store is not None else \
            {n: "\n".join(v) for n, v in derived_layers(st).items()}
        thin = thin_layers(layers)
        thin_note = (f'<br><small class="mp-worse">Thin: {escape(", ".join(thin))}</small>' if thin else
                     '<br><small class="mp-better">Every layer has substance.</small>')
        items.append(f'<li class="mp-story"><b>Story {k}</b>: “{escape(st.gist[:160])}”<br>'
                     f"<small>Told {len(st.attempts)} time{'s' if len(st.attempts) != 1 else ''} ({ids}); "
                     f"for {comps}</small>{thin_note}</li>")
    return (f'<div class="mp-card" id="mp-stories"><p>Answers that tell the same story, whichever question they '
            f'answered, with the best score each competency got from it.</p><ol>{"".join(items)}</ol></div>')


def story_choices(room: Room) -> list[tuple[str, str]]:
    return [(f"Story {k}: {st.gist[:60]}", story_key(st)) for k, st in enumerate(stories(room.store.attempts()), 1)]


def _story(room: Room, key: str | None) -> Story | None:
    return next((st for st in stories(room.store.attempts()) if story_key(st) == key), None) if key else None


def load_layers(room: Room, key: str | None) -> tuple:
    st = _story(room, key)
    if st is None:
        return "", "", "", ""
    layers = story_layers(room.store, st)
    thin = thin_layers(layers)
    note = f"Thin: **{', '.join(thin)}** — add what you would say if asked." if thin else "Every layer has substance."
    return (*(layers[n] for n in LAYERS), note)


def save_layers(room: Room, key: str | None, *texts: str) -> tuple[str, str]:
    st = _story(room, key)
    if st is None:
        return "Pick a story first.", gr.skip()
    room.store.put(story_key(st), {n: str(t or "") for n, t in zip(LAYERS, texts, strict=True)})
    thin = thin_layers(story_layers(room.store, st))
    said = "Saved." + (f" Still thin: **{', '.join(thin)}**." if thin else " Every layer has substance.")
    return said, stories_html(room.store.attempts(), room.store)


# ---------------------------------------------------------------- refresh, export, delete


def refresh(room: Room) -> tuple:
    """Everything the tab lists, afresh (the filters back to "any")."""
    choices = attempt_choices(room)
    comps, questions = filter_choices(room)
    return (history_rows(room), gr.Dropdown(choices=choices), gr.Dropdown(choices=choices),
            gr.Dropdown(choices=choices), gr.Dropdown(choices=comps, value=ANY),
            gr.Dropdown(choices=questions, value=ANY), stories_html(room.store.attempts(), room.store),
            gr.Dropdown(choices=story_choices(room)))


def apply_filter(room: Room, competency: str | None, question: str | None) -> tuple:
    return history_rows(room, competency, question), gr.Dropdown(choices=attempt_choices(room, competency, question))


def export_one(room: Room, aid: int | None) -> tuple:
    if not aid:
        return None, "Pick an attempt first."
    a = room.store.get(int(aid))
    if a is None:
        return None, "That attempt is gone."
    folder = report.export_attempts(room.store, [a], f"attempt-{a.id}")
    return [str(p) for p in sorted(folder.iterdir())], f"Exported to {folder}."


def export_csv(room: Room) -> tuple:
    folder = room.store.data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"history-{time.strftime('%Y%m%d-%H%M%S')}.csv"
    p.write_text(report.history_csv(room.store.attempts()), encoding="utf-8")
    return [str(p)], f"Exported {p}."


def delete_one(room: Room, aid: int | None) -> tuple:
    if not aid:
        return "Pick an attempt first.", *refresh(room)
    ok = room.store.delete_attempt(int(aid))
    return (f"Deleted attempt {aid} and its audio." if ok else "Already gone."), *refresh(room)


def delete_all(room: Room, confirmed: bool) -> tuple:
    if not confirmed:
        return "Tick the box to confirm: this deletes every recording and result.", *refresh(room)
    room.store.delete_all()
    return "All your data is deleted.", *refresh(room)


@dataclass(frozen=True)
class ReviewTab:
    refreshed: list
    refresh_fn: object


def build(room: Room) -> ReviewTab:
    comps, questions = filter_choices(room)
    with gr.Row():
        by_comp = gr.Dropdown(comps, value=ANY, label="Competency", elem_id="mp-filter-competency")
        by_q = gr.Dropdown(questions, value=ANY, label="Question", elem_id="mp-filter-question")
    history = gr.Dataframe(headers=HEADERS, value=partial(history_rows, room), interactive=False,
                           elem_id="mp-history", wrap=True)
    with gr.Row():
        pick = gr.Dropdown(choices=attempt_choices(room), label="Open an attempt (or click its row)",
                           elem_id="mp-open-attempt")
        again = gr.Button("Refresh")
        against = gr.Button("Compare with the previous answer", elem_id="mp-compare-previous")
    opened = gr.HTML(elem_id="mp-opened")
    with gr.Accordion("Compare two attempts", open=False) as comparing:
        with gr.Row():
            left = gr.Dropdown(choices=attempt_choices(room), label="Before", elem_id="mp-compare-left")
            right = gr.Dropdown(choices=attempt_choices(room), label="After", elem_id="mp-compare-right")
        compared = gr.HTML(elem_id="mp-compare")
    with gr.Accordion("Your stories", open=False):
        told = gr.HTML(partial(lambda r: stories_html(r.store.attempts(), r.store), room), elem_id="mp-stories-view")
        which = gr.Dropdown(story_choices(room), label="A story's layers (filled from your answers; edit them)",
                            elem_id="mp-story-pick")
        with gr.Row():
            layer_boxes = [gr.Textbox(label=n.capitalize(), lines=4) for n in LAYERS]
        with gr.Row():
            keep = gr.Button("Save the layers")
            layer_note = gr.Markdown()
    with gr.Accordion("Export and delete", open=False):
        with gr.Row():
            one = gr.Button("Export this attempt (Markdown + HTML)")
            csv = gr.Button("Export history (CSV)")
        exported = gr.File(label="Exported files", file_count="multiple")
        with gr.Row():
            drop = gr.Button("Delete this attempt", variant="stop")
            confirm = gr.Checkbox(False, label="Yes, delete all my data")
            drop_all = gr.Button("Delete all data", variant="stop")
        said = gr.Markdown()

    refreshed = [history, pick, left, right, by_comp, by_q, told, which]
    which.change(partial(load_layers, room), [which], [*layer_boxes, layer_note], api_visibility="private")
    keep.click(partial(save_layers, room), [which, *layer_boxes], [layer_note, told], api_name="save_story_layers")
    again.click(partial(refresh, room), None, refreshed, api_name="history")
    for f in (by_comp, by_q):
        f.input(partial(apply_filter, room), [by_comp, by_q], [history, pick], api_visibility="private")
    history.select(open_row, None, [pick], api_visibility="private")
    pick.change(partial(open_attempt, room), [pick], [opened], api_name="open_attempt")
    against.click(partial(compare_previous, room), [pick], [left, right, comparing, compared],
                  api_visibility="private")
    left.input(partial(compare, room), [left, right], [compared], api_visibility="private")
    right.input(partial(compare, room), [left, right], [compared], api_name="compare")
    one.click(partial(export_one, room), [pick], [exported, said], api_name="export_attempt")
    csv.click(partial(export_csv, room), None, [exported, said], api_name="export_csv")
    drop.click(partial(delete_one, room), [pick], [said, *refreshed], api_name="delete_attempt")
    drop_all.click(partial(delete_all, room), [confirm], [said, *refreshed], api_name="delete_all")
    return ReviewTab(refreshed, partial(refresh, room))
