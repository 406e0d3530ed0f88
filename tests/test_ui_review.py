"""The review experience without a browser: moments you can click, Progress from the first attempt, Review's
history and opened attempt, and Compare's diff. Analyses are real (analysis.analyze_audio) on made-up words over
a synthetic recording, so no speech model runs here."""

from __future__ import annotations

import re
import time
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockprep.analysis import Analysis, analyze_audio
from mockprep.audio import Audio
from mockprep.words import Word, clock

RATE = 16000
STORY = ["Last year our payroll system failed for two thousand employees.",
         "I was asked to fix it within a week.",
         "Um, I rebuilt the export and I tested it with the finance team.",
         "As a result we paid everyone on time and cut errors by 40 percent."]


def synth(sentences: list[str], pause_after: tuple[int, ...] = (), word_s: float = 0.38) -> tuple[Analysis, np.ndarray]:
    """An analysis of `sentences` said at a steady pace (a 2 s pause after the sentences in pause_after), and the
    recording it describes: a tone where each word is, silence between."""
    words, t = [], 0.6
    for i, s in enumerate(sentences):
        for w in s.split():
            words.append(Word(w, round(t, 2), round(t + word_s - 0.08, 2), 0.95))
            t += word_s
        t += 2.0 if i in pause_after else 0.3
    x = np.zeros(int((t + 0.5) * RATE), np.float32)
    rng = np.random.default_rng(0)
    for w in words:
        a, b = int(w.start * RATE), int(w.end * RATE)
        x[a:b] = 0.2 * np.sin(2 * np.pi * 180 * np.arange(b - a) / RATE) + 0.02 * rng.standard_normal(b - a)
    return analyze_audio(Audio(x, RATE), "Tell me about a time you fixed something urgent.", words=words), x


@cache
def story(extra: str | None = None) -> tuple[Analysis, np.ndarray]:
    return synth(STORY if extra is None else [*STORY[:3], extra, STORY[3]], pause_after=(1,))


def add(store, a: Analysis, x: np.ndarray, tmp: Path, question=None, when: float | None = None) -> int:
    """Keep an attempt as the practice room does: its recording on disk, then its analysis."""
    wav = tmp / f"rec-{len(list(tmp.glob('rec-*.wav')))}.wav"
    sf.write(wav, x, RATE, subtype="PCM_16")
    aid = store.add_attempt(store.keep(wav, question.id if question else None), question, 120.0)
    store.finish_attempt(aid, a)
    if when is not None:
        with store.connect() as db:
            db.execute("UPDATE attempts SET created_at=? WHERE id=?", (when, aid))
    return aid


@pytest.fixture
def room(tmp_path: Path):
    from mockprep.config import SETTINGS
    from mockprep.ui.room import Room

    return Room(SETTINGS.with_overrides(data_dir=tmp_path / "data"))


# ---------------------------------------------------------------- 1. click a moment, hear it


def test_every_moment_of_the_feedback_is_a_control_with_its_time() -> None:
    from mockprep.render import feedback_html, player_html

    a, _ = story()
    html = player_html(7) + feedback_html(a)
    assert re.search(r'<audio class="mp-audio"[^>]*src="mockprep/recording/7"', html)
    tips = a.feedback()
    times = re.findall(r'<button type="button" class="mp-at mp-time" data-t="([\d.]+)"', html)
    # Every fix has its moment as a button, at the moment the fix is about.
    assert len(times) >= len(tips) and float(times[0]) == pytest.approx(tips[0].evidence.start, abs=0.01)
    tip_html = html.split('<ol class="mp-tips">')[1].split("</ol>")[0]
    assert tip_html.count("<li") == tip_html.count('class="mp-at mp-time"') == len(tips)
    # A time the fix names is that button, not said twice.
    first = tip_html.split("</li>")[0]
    assert first.count(">0:10<") == 1
    # Each sentence, each filler and each pause: focusable, with its own time.
    sents = re.findall(r'<span class="mp-sent[^>]*data-t="([\d.]+)" tabindex="0" role="button"', html)
    assert [float(t) for t in sents] == pytest.approx([s.start for s in a.assessment.sentences], abs=0.01)
    fillers = re.findall(r'<mark class="mp-filler" data-t="([\d.]+)" tabindex="0"', html)
    assert [float(t) for t in fillers] == pytest.approx([f.start for f in a.delivery.fillers], abs=0.01)
    pauses = re.findall(r'<span class="mp-pause"[^>]*data-t="([\d.]+)" tabindex="0"', html)
    assert [float(t) for t in pauses] == pytest.approx([p.start for p in a.delivery.pauses], abs=0.01)
    assert a.delivery.fillers and a.delivery.pauses


def shape_of(html: str) -> str:
    return html.split('<svg class="mp-shape"')[1].split("</svg>")[0]


def test_the_shape_of_the_answer_is_its_loudness_coloured_by_part() -> None:
    from mockprep.render import STAR_COLORS, feedback_html

    a, _ = story()
    html = feedback_html(a)
    shape = shape_of(html)
    assert 'data-span="120.00"' in shape  # the recording is shorter than the limit: the axis runs to the limit
    assert html.index('id="mp-shape"') < html.index('id="mp-transcript"')
    paths = re.findall(r'<path class="mp-shape-level" d="([^"]+)" fill="(#\w+)"', shape)
    # One filled stretch per part told, in the story's order, with the silences between in grey.
    told = [c for _, c in paths if c != "#9ca3af"]
    assert [c for i, c in enumerate(told) if i == 0 or told[i - 1] != c] == [STAR_COLORS[p] for p in
                                                                           ("situation", "task", "action", "result")]
    assert "mp-shape-word" not in shape
    # Loud where a word is, flat where it is silent: the tallest column sits inside a word, the silence of the
    # 2 s pause is a hairline.
    pts = [(float(px), float(py)) for d, _ in paths for px, py in re.findall(r"([\d.]+) ([\d.]+)", d)]
    tallest = min(pts, key=lambda p: p[1])
    t = tallest[0] / 1000 * 120
    assert any(w.start - 0.1 <= t <= w.end + 0.1 for w in a.words)
    p = a.delivery.pauses[0]
    mid = (p.start + p.end) / 2 / 120 * 1000
    assert min(py for px, py in pts if abs(px - mid) < 2) > 23
    assert shape.count('class="mp-shape-pause"') == len(a.delivery.pauses) == 1
    assert shape.count('class="mp-shape-filler"') == len(a.delivery.fillers) == 1
    assert f'class="mp-shape-pause" x="{p.start / 120 * 1000:.1f}"' in shape
    assert 'class="mp-shape-limit" x1="1000.0"' in shape and "limit 2:00" in html


def test_an_attempt_stored_without_its_loudness_is_drawn_from_its_word_times() -> None:
    from mockprep.render import feedback_html

    a, _ = story()
    old = {k: v for k, v in a.to_dict().items() if k != "loudness"}  # contract 2
    back = Analysis.from_dict({**old, "contract": 2})
    assert back.envelope is None
    shape = shape_of(feedback_html(back))
    assert "mp-shape-level" not in shape
    assert shape.count('class="mp-shape-word"') == len(a.words)
    assert 'fill="#16a34a"' in shape  # the action's words in the action's colour
    assert shape.count('class="mp-shape-filler"') == 1 and 'class="mp-shape-limit"' in shape


def test_a_long_answer_is_drawn_in_a_bounded_number_of_columns() -> None:
    from mockprep.render import SHAPE_COLUMNS, _shape

    long, _ = synth([" ".join(STORY)] * 11)  # ~100 s
    assert len(long.envelope.db) > SHAPE_COLUMNS
    points = sum(d.count(" L") + 1 for d in re.findall(r'class="mp-shape-level" d="([^"]+)"', _shape(long)))
    runs = _shape(long).count("mp-shape-level")
    assert points <= 2 * (SHAPE_COLUMNS + 2 * runs)


def test_a_time_inside_a_longer_time_is_left_alone() -> None:
    from mockprep.feedback import GapId, Severity, Tip
    from mockprep.render import _tip_text
    from mockprep.words import Evidence

    t = Tip(GapId(a_gap()), Severity.LOW, "At 10:08 and again at 0:08 <b>", Evidence("x", 8.2, 9.0))
    html = _tip_text(t)
    assert "10:08 and" in html and ">0:08</button>" in html and "&lt;b&gt;" in html


def a_gap() -> str:
    from mockprep.feedback import GapId

    return next(iter(GapId)).value


# ---------------------------------------------------------------- 2. progress from the first attempt


def test_progress_with_one_attempt_reads_its_date_and_score(room, tmp_path: Path) -> None:
    from mockprep.ui import progress

    a, x = story()
    when = time.mktime((2026, 3, 2, 14, 5, 0, 0, 0, -1))
    add(room.store, a, x, tmp_path, room.question("teamwork-01"), when=when)
    html = progress.refresh(room)
    text = visible_text(html)
    assert "2 Mar 2026" in text and f"{a.score}" in text
    assert "Best" in text and "Latest" in text and "Average" in text
    # One attempt is one point (no line), its value written beside it.
    score_chart = html.split('aria-label="Score over time"')[1].split("</svg>")[0]
    assert score_chart.count("<circle") == 1 and "<polyline" not in score_chart
    assert f">{a.score} /100<" in score_chart
    # No axis label is a fraction of a second, or a long decimal.
    labels = re.findall(r'class="mp-axis[^"]*">([^<]*)<', html)
    assert labels and not [s for s in labels if re.fullmatch(r"\.\d+|\d+\.\d{3,}", s.strip())]
    assert "By competency" not in html  # a trend needs two answers in it


def test_progress_cards_and_trends_over_several_attempts(room, tmp_path: Path) -> None:
    from mockprep.ui import progress

    a, x = story()
    weak, wx = synth(["We had a problem with payroll.", "Um, we fixed it, like, eventually."])
    q = room.question("teamwork-01")
    day = 86400
    t0 = time.mktime((2026, 3, 1, 9, 0, 0, 0, 0, -1))
    ids = [add(room.store, weak, wx, tmp_path, q, when=t0), add(room.store, a, x, tmp_path, q, when=t0 + 3 * day),
           add(room.store, weak, wx, tmp_path, q, when=t0 + 6 * day)]
    html = progress.refresh(room)
    text = visible_text(html)
    best = html.split('id="mp-best"')[1].split("</div>")[0]
    latest = html.split('id="mp-latest"')[1].split("</div>")[0]
    assert f"<b>{a.score}</b>" in best and "4 Mar 2026" in best
    assert f"<b>{weak.score}</b>" in latest and "7 Mar 2026" in latest
    avg = (2 * weak.score + a.score) / 3
    assert f"<b>{avg:.0f}</b>" in html.split('id="mp-average"')[1].split("</div>")[0]
    assert "1 Mar 2026" in text and "7 Mar 2026" in text  # the axis, by day
    assert "By competency" in text
    assert html.split('aria-label="Score over time"')[1].split("</svg>")[0].count("<circle") == len(ids) == 3


def test_progress_with_nothing_yet_says_so(room) -> None:
    from mockprep.ui import progress

    assert "No answers yet" in visible_text(progress.refresh(room))


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<title>.*?</title>|<[^>]+>", " ", html))


# ---------------------------------------------------------------- 3. review that opens


def test_history_is_newest_first_with_its_main_gap_and_filters(room, tmp_path: Path) -> None:
    from mockprep.ui import review

    a, x = story()
    weak, wx = synth(["We had a problem with payroll.", "Um, we fixed it, like, eventually."])
    t0 = time.mktime((2026, 3, 1, 9, 0, 0, 0, 0, -1))
    q1, q2 = room.question("teamwork-01"), room.question("general-01")
    first = add(room.store, weak, wx, tmp_path, q1, when=t0)
    second = add(room.store, a, x, tmp_path, q2, when=t0 + 60)
    rows = review.history_rows(room)
    assert [r[0] for r in rows] == [second, first]
    assert review.HEADERS == ["id", "date", "question", "competency", "score", "length", "main gap", "status"]
    assert rows[1][2] == q1.text and rows[1][3] == q1.competency and rows[1][4] == weak.score
    assert rows[1][6] == weak.feedback()[0].id.value.replace("_", " ") and rows[1][5] == clock(weak.duration_s)
    assert [r[0] for r in review.history_rows(room, q1.competency, "any")] == [first]
    assert [r[0] for r in review.history_rows(room, "any", q2.id)] == [second]
    assert review.history_rows(room, q1.competency, q2.id) == [] or q1.competency == q2.competency
    comps, questions = review.filter_choices(room)
    assert comps[0] == "any" and {q1.competency, q2.competency} <= set(comps)
    named = dict((qid, text) for text, qid in questions)
    assert named[q2.id] == q2.text and named[q1.id].startswith(q1.text[:60]) and len(named[q1.id]) <= 70


def test_opened_attempt_is_the_practice_feedback_with_its_recording(room, tmp_path: Path) -> None:
    from mockprep.render import feedback_html
    from mockprep.ui import review

    a, x = story()
    aid = add(room.store, a, x, tmp_path, room.question("teamwork-01"))
    html = review.open_attempt(room, aid)
    stored = room.store.get(aid).analysis
    assert feedback_html(stored) in html  # the very view Practice shows
    assert f'src="mockprep/recording/{aid}"' in html and 'preload="metadata"' in html
    assert 'id="mp-score"' in html and 'id="mp-timeline"' in html and 'id="mp-transcript"' in html


# ---------------------------------------------------------------- 4. compare that explains


def test_word_diff_marks_what_was_added_and_left_out() -> None:
    from mockprep.ui.review import word_diff

    html = word_diff("We fixed the export. It worked.", "I fixed the export, then I <b>tested</b> it. It worked.")
    assert "<del>We</del> <ins>I</ins> fixed the" in html
    assert "<ins>then I &lt;b&gt;tested&lt;/b&gt; it.</ins>" in html and "<b>" not in html
    assert "export," in html  # punctuation alone is no change
    assert "<ins>" not in word_diff("same words here", "Same words, here.")


def test_compare_two_attempts_at_one_question(room, tmp_path: Path) -> None:
    from mockprep.ui import review

    extra = "I also wrote a runbook so the team could run it without me."
    a, x = story()
    b, bx = story(extra)
    q = room.question("teamwork-01")
    t0 = time.time() - 3600
    before = add(room.store, a, x, tmp_path, q, when=t0)
    after = add(room.store, b, bx, tmp_path, q, when=t0 + 60)
    html = review.compare(room, after, before)  # either way round: the earlier is "before"
    diff = html.split('id="mp-diff">')[1].split("</div>")[0]
    assert f"<ins>{extra}</ins>" in diff and "<del>" not in diff
    figs = html.split('id="mp-compare-figures"')[1].split("</table>")[0]
    fa, fb = review.figures(a), review.figures(b)
    for name in ("score", "length (s)", "situation (s)", "action (s)", "pace (wpm)", "fillers a minute",
                 "long pauses"):
        assert f"<td>{name}</td>" in figs
    length = figs.split("<td>length (s)</td>")[1].split("</tr>")[0]
    assert f"+{fb['length (s)'] - fa['length (s)']:.1f}" in length
    assert html.index(f'data-attempt="{before}"') < html.index(f'data-attempt="{after}"')
    assert html.count('<audio class="mp-audio"') == 2  # both recordings playable
    assert review.previous(room, after) == before and review.previous(room, before) is None


def test_compare_names_the_checks_that_flipped(room, tmp_path: Path) -> None:
    from mockprep.ui import review

    a, x = story()
    weak, wx = synth(["We had a problem with payroll.", "Um, we fixed it, like, eventually."])
    q = room.question("teamwork-01")
    t0 = time.time() - 3600
    before, after = add(room.store, weak, wx, tmp_path, q, when=t0), add(room.store, a, x, tmp_path, q, when=t0 + 9)
    flips = review.flipped_checks(weak, a)
    assert flips and all(now for _, now in flips)  # the strong answer fixes what the weak one failed
    html = review.compare(room, before, after)
    for name, _ in flips:
        assert f"✓ now passes: {name}" in html
    assert 'class="mp-better">+' in html.split("<td>score</td>")[1].split("</tr>")[0]


# ---------------------------------------------------------------- 6. your stories (grouped, by competency)


def test_answers_that_tell_the_same_story_are_one_story(room, tmp_path: Path) -> None:
    from mockprep import stories
    from mockprep.ui import review

    a, x = story()
    b, bx = story("I also wrote a runbook so the team could run it without me.")
    other, ox = synth(["At my first conference talk the projector died in front of three hundred people.",
                       "I had to keep the audience with me for ten minutes.",
                       "I drew the architecture on a flip chart and took questions while the technician worked.",
                       "As a result the talk was rated the best of the day."])
    t0 = time.time() - 3600
    one = add(room.store, a, x, tmp_path, room.question("teamwork-01"), when=t0)
    two = add(room.store, b, bx, tmp_path, room.question("general-01"), when=t0 + 60)
    three = add(room.store, other, ox, tmp_path, room.question("teamwork-01"), when=t0 + 120)
    found = review.stories(room.store.attempts())
    assert [sorted(x.id for x in s.attempts) for s in found] == [[one, two], [three]]
    assert found[0].gist.startswith("Last year our payroll")
    comps = found[0].by_competency()
    assert comps == {room.question("teamwork-01").competency: a.score, room.question("general-01").competency: b.score}
    html = review.stories_html(room.store.attempts())
    assert "Told 2 times" in html and f"#{one}" in html and "projector" in html
    # The story of one answer (what the mock interview asks for), grown out from it, is its group among all.
    for aid in (one, two, three):
        mine = next(g for g in found if aid in {t.id for t in g.attempts})
        assert stories.story_of(room.store.attempts(), aid) == mine
    assert stories.story_of(room.store.attempts(), 999) is None


def test_a_story_keeps_its_layers_shows_the_thin_ones_and_takes_edits(room, tmp_path: Path) -> None:
    from mockprep import stories
    from mockprep.ui import review

    a, x = story()
    aid = add(room.store, a, x, tmp_path, room.question("teamwork-01"))
    [st] = review.stories(room.store.attempts())
    got = review.derived_layers(st)
    assert got["overview"][0].startswith("Last year our payroll")
    assert any("40 percent" in s for s in got["data points"])
    layers = review.story_layers(room.store, st)
    assert review.thin_layers(layers) == ["people and what was said"]  # nobody in it says anything
    assert "Thin: people and what was said" in review.stories_html(room.store.attempts(), room.store)
    [(label, key)] = review.story_choices(room)
    assert key == f"story:{aid}" and label.startswith("Story 1: Last year")
    *boxes, note = review.load_layers(room, key)
    assert boxes[0] == layers["overview"] and "people and what was said" in note
    said, html = review.save_layers(room, key, boxes[0], boxes[1],
                                    'My manager said "ship it Friday"; I told her we needed the finance sign-off.')
    assert said.startswith("Saved.") and "Still thin" not in said and "Every layer has substance" in html
    assert review.load_layers(room, key)[2].startswith("My manager said")
    # The mock interview's follow-up digs into the thinnest layer of the story just told (tests/test_mock.py).
    room.store.put(key, {})
    assert stories.thinnest(stories.layers_for(room.store, aid)) == "people and what was said"


def test_date_labels_leave_the_first_one_room() -> None:
    lo = time.mktime((2026, 11, 24, 9, 0, 0, 0, 0, -1))  # a morning; the axis then runs a week
    from mockprep.ui.progress import _ticks

    ticks = _ticks(lo, lo + 7 * 86400)
    assert ticks[0] == lo and 3 <= len(ticks) <= 7
    assert all(b - a >= 86400 for a, b in pairwise(ticks))


def test_a_story_is_named_by_its_first_sentence_that_says_something(room, tmp_path: Path) -> None:
    from mockprep import stories

    a, x = synth(["Um, okay.", *STORY])
    add(room.store, a, x, tmp_path, room.question("teamwork-01"))
    found = stories.stories(room.store.attempts())
    assert any(s.gist.startswith("Last year our payroll") for s in found), [s.gist for s in found]
    assert not any(s.gist.startswith("Um") for s in found)
