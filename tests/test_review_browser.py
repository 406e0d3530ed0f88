"""The review experience in a real headless Chromium: a fix's time plays the recording from that moment, a
sentence does the same from the keyboard, Progress reads with one attempt, and Compare shows an added sentence.

The attempts are kept as the practice room keeps them (a recording on disk, its analysis stored), from the
synthetic answers of tests/test_ui_review.py, so no speech model runs here.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.browsers import need, open_browser
from tests.test_ui_review import add, story

pytestmark = pytest.mark.browser
EXTRA = "I also wrote a runbook so the team could run it without me."
# The first moment the player reports while playing after a seek (timeupdate fires every ~250 ms).
WATCH = """(() => { const a = document.querySelector(SEL); window.mpHeard = null;
  a.addEventListener('timeupdate', () => { if (!a.paused && a.currentTime > 0 && !window.mpHeard)
    window.mpHeard = {t: a.currentTime, paused: a.paused}; }); return true; })()"""


def serve_with(tmp: Path, answers: list):
    from mockprep.config import SETTINGS
    from mockprep.ui.app import serve

    served = serve(port=0, settings=SETTINGS.with_overrides(data_dir=tmp / "data"), block=False)
    q = served.room.question("teamwork-01")
    t0 = time.time() - 86400
    ids = [add(served.room.store, a, x, tmp, q, when=t0 + 60 * i) for i, (a, x) in enumerate(answers)]
    return served, ids


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory):
    served, ids = serve_with(tmp_path_factory.mktemp("two"), [story(), story(EXTRA)])
    yield served, ids
    served.close()


@pytest.fixture(scope="module")
def one(tmp_path_factory: pytest.TempPathFactory):
    served, ids = serve_with(tmp_path_factory.mktemp("one"), [story()])
    yield served, ids
    served.close()


@pytest.fixture
def page():
    need("chromium")
    with open_browser("chromium") as p:
        yield p


def tab(page, name: str) -> None:
    page._page.get_by_role("tab", name=name).click()


def choose(page, dropdown: str, label_start: str) -> None:
    """Pick the option of a Gradio dropdown whose text starts with label_start."""
    p = page._page
    p.click(f"{dropdown} input")
    p.locator(f'[role="option"][aria-label^="{label_start}"]').first.click()


def heard(page, sel: str) -> dict:
    return page.wait_for_function("window.mpHeard", timeout=15_000)


def test_the_first_fix_time_plays_the_recording_from_that_moment(two, page) -> None:
    served, (_, newer) = two
    page.goto(served.url)
    tab(page, "Review")
    choose(page, "#mp-open-attempt", f"#{newer} ")
    page.wait_for_selector("#mp-opened .mp-tips .mp-time")
    sel = "'#mp-opened audio.mp-audio'"
    page.evaluate(WATCH.replace("SEL", sel))
    t = float(page._page.get_attribute("#mp-opened .mp-tips .mp-time", "data-t"))
    assert t > 2  # a moment well into the answer, so "from the start" would not pass
    page.click("#mp-opened .mp-tips .mp-time")
    got = heard(page, sel)
    print(f"\nfix at {t:.2f} s: playing from {got['t']:.2f} s")
    assert not got["paused"] and t - 1.5 <= got["t"] <= t + 1.5
    assert not page.evaluate(f"document.querySelector({sel}).paused")

    # From the keyboard: a sentence of the transcript, focused, and Enter.
    sent = page._page.locator("#mp-opened .mp-sent").nth(2)
    t2 = float(sent.get_attribute("data-t"))
    page.evaluate(f"document.querySelector({sel}).pause()")
    page.evaluate(WATCH.replace("SEL", sel))
    sent.focus()
    page._page.keyboard.press("Enter")
    got = heard(page, sel)
    print(f"sentence at {t2:.2f} s (Enter): playing from {got['t']:.2f} s")
    assert t2 - 1.5 <= got["t"] <= t2 + 1.5 and abs(t2 - t) > 1.5

    # The shape of the answer: a click 15 s along its axis plays from 15 s.
    shape = page._page.locator("#mp-opened svg.mp-shape")
    box = shape.bounding_box()
    span = float(shape.get_attribute("data-span"))
    page.evaluate(f"document.querySelector({sel}).pause()")
    page.evaluate(WATCH.replace("SEL", sel))
    shape.click(position={"x": box["width"] * 15 / span, "y": box["height"] / 2})
    got = heard(page, sel)
    print(f"shape clicked at 15 s: playing from {got['t']:.2f} s")
    assert 13.5 <= got["t"] <= 16.5
    assert not [c for c in page.console if "pageerror" in c], page.console


def test_progress_with_one_attempt_shows_its_date_and_score(one, page) -> None:
    served, [aid] = one
    a = served.room.store.get(aid)
    page.goto(served.url)
    tab(page, "Progress")
    page.wait_for_selector("#mp-progress #mp-latest")  # the tab reads the store when it is opened
    text = page.inner_text("#mp-progress")
    t = time.localtime(a.created_at)
    assert f"{t.tm_mday} {time.strftime('%b %Y', t)}" in text
    assert re.search(rf"Latest\s+{a.score}\b", text) and re.search(rf"Best\s+{a.score}\b", text)
    labels = page.evaluate("[...document.querySelectorAll('#mp-progress svg text')].map(e => e.textContent)")
    assert labels and not [s for s in labels if re.fullmatch(r"\.\d+|\d+\.\d{3,}", s.strip())], labels
    assert page.evaluate("document.querySelectorAll('#mp-progress svg circle').length") >= 1


def test_compare_with_the_previous_answer_shows_the_added_sentence(two, page) -> None:
    served, (older, newer) = two
    page.goto(served.url)
    tab(page, "Review")
    page.wait_for_selector("#mp-history .virtual-row")
    rows = page.evaluate("[...document.querySelectorAll('#mp-history .virtual-row')].map(r => r.textContent)")
    assert [int(r.split()[0]) for r in rows] == [newer, older]  # newest first
    page._page.locator("#mp-history .virtual-row").first.locator("[role=gridcell]").nth(2).click()  # its row
    page.wait_for_selector(f'#mp-opened .mp-attempt[data-attempt="{newer}"] .mp-tips')
    page.click("#mp-compare-previous")
    page.wait_for_selector("#mp-diff ins")
    assert page.inner_text("#mp-diff ins").strip() == EXTRA
    assert page.evaluate("document.querySelectorAll('#mp-compare audio.mp-audio').length") == 2
    assert page._page.locator("#mp-diff").is_visible()
    figures = page.inner_text("#mp-compare-figures")
    assert "score" in figures and "pace (wpm)" in figures and f"#{older}" in figures
