"""The review experience in real headless Chromium and Firefox: a fix's time plays the recording from that
moment, a sentence does the same from the keyboard, Progress reads with one attempt, and Compare shows an added
sentence.

The attempts are kept as the practice room keeps them (a recording on disk, its analysis stored), from the
synthetic answers of tests/test_ui_review.py, so no speech model runs here. Each browser starts once for the
module and the two servers are shared by both, so Firefox adds its start and the clicks, nothing more. The
tests use only the page API both drivers have (tests/browsers.py).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.browsers import BROWSERS, need, open_browser
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


@pytest.fixture(scope="module", params=BROWSERS)
def page(request: pytest.FixtureRequest):
    need(request.param)
    with open_browser(request.param) as p:
        yield p


def pick(page, js: str) -> str:
    """A selector for the element the JS expression finds (marked on it, as no CSS selector can say it)."""
    assert page.evaluate(f"(() => {{ const e = {js}; if (!e) return false; "
                         "document.querySelectorAll('[data-mp-pick]').forEach(x => x.removeAttribute('data-mp-pick'));"
                         " e.setAttribute('data-mp-pick', ''); return true; })()"), js
    return "[data-mp-pick]"


def tab(page, name: str) -> None:
    find = f"[...document.querySelectorAll('button[role=tab]')].find(b => b.textContent.trim() === {name!r})"
    for _ in range(3):  # a click before the page's scripts are wired selects nothing; Playwright waited for that
        page.click(pick(page, find))
        try:
            page.wait_for_function(f"{find}?.getAttribute('aria-selected') === 'true'", timeout=5_000)
            return
        except Exception:  # each driver raises its own timeout error
            continue
    raise AssertionError(f"the {name} tab did not open")


def choose(page, dropdown: str, label_start: str) -> None:
    """Pick the option of a Gradio dropdown whose text starts with label_start."""
    option = f'[role="option"][aria-label^="{label_start}"]'
    for _ in range(3):  # a click while the tab is still being drawn opens nothing; Playwright waited for that
        page.wait_for_function(f"document.querySelector('{dropdown} input')?.offsetParent")
        page.click(f"{dropdown} input")
        try:
            page.wait_for_selector(option, timeout=5_000)
            break
        except Exception:  # each driver raises its own timeout error
            continue
    page.click(option)


def attr(page, selector: str, name: str) -> str:
    return page.evaluate(f"document.querySelector({selector!r}).getAttribute({name!r})")


def heard(page) -> dict:
    # Generous: in the full suite a second lane shares the two cores, and Firefox then took over 15 s to play.
    return page.wait_for_function("window.mpHeard", timeout=45_000)


def test_the_first_fix_time_plays_the_recording_from_that_moment(two, page) -> None:
    served, (_, newer) = two
    page.goto(served.url)
    page.wait_for_selector("button[role=tab]")
    tab(page, "Review")
    choose(page, "#mp-open-attempt", f"#{newer} ")
    page.wait_for_selector(f'#mp-opened .mp-attempt[data-attempt="{newer}"] .mp-tips .mp-time')
    sel = "'#mp-opened audio.mp-audio'"
    page.evaluate(WATCH.replace("SEL", sel))
    t = float(attr(page, "#mp-opened .mp-tips .mp-time", "data-t"))
    assert t > 2  # a moment well into the answer, so "from the start" would not pass
    page.click("#mp-opened .mp-tips .mp-time")
    got = heard(page)
    print(f"\nfix at {t:.2f} s: playing from {got['t']:.2f} s")
    assert not got["paused"] and t - 1.5 <= got["t"] <= t + 1.5
    assert not page.evaluate(f"document.querySelector({sel}).paused")

    # From the keyboard: a sentence of the transcript, focused, and Enter.
    sent = pick(page, "document.querySelectorAll('#mp-opened .mp-sent')[2]")
    t2 = float(attr(page, sent, "data-t"))
    page.evaluate(f"document.querySelector({sel}).pause()")
    page.evaluate(WATCH.replace("SEL", sel))
    page.evaluate(f"document.querySelector({sent!r}).focus()")
    page.press("Enter")
    got = heard(page)
    print(f"sentence at {t2:.2f} s (Enter): playing from {got['t']:.2f} s")
    assert t2 - 1.5 <= got["t"] <= t2 + 1.5 and abs(t2 - t) > 1.5

    # The shape of the answer: a click 15 s along its axis plays from 15 s.
    shape = "#mp-opened svg.mp-shape"
    box = page.evaluate(f"(() => {{ const r = document.querySelector({shape!r}).getBoundingClientRect(); "
                        "return {width: r.width, height: r.height}; })()")
    span = float(attr(page, shape, "data-span"))
    page.evaluate(f"document.querySelector({sel}).pause()")
    page.evaluate(WATCH.replace("SEL", sel))
    page.click_at(shape, box["width"] * 15 / span, box["height"] / 2)
    got = heard(page)
    print(f"shape clicked at 15 s: playing from {got['t']:.2f} s")
    assert 13.5 <= got["t"] <= 16.5
    page.evaluate(f"document.querySelector({sel}).pause()")
    assert not [c for c in page.console if "pageerror" in c], page.console


def test_progress_with_one_attempt_shows_its_date_and_score(one, page) -> None:
    served, [aid] = one
    a = served.room.store.get(aid)
    page.goto(served.url)
    page.wait_for_selector("button[role=tab]")
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
    page.wait_for_selector("button[role=tab]")
    tab(page, "Review")
    page.wait_for_selector("#mp-history .virtual-row")
    rows = page.evaluate("[...document.querySelectorAll('#mp-history .virtual-row')].map(r => r.textContent)")
    assert [int(r.split()[0]) for r in rows] == [newer, older]  # newest first
    page.click(pick(page, "document.querySelector('#mp-history .virtual-row').querySelectorAll('[role=gridcell]')[2]"))
    page.wait_for_selector(f'#mp-opened .mp-attempt[data-attempt="{newer}"] .mp-tips')
    page.click("#mp-compare-previous")
    page.wait_for_selector("#mp-diff ins")
    assert page.inner_text("#mp-diff ins").strip() == EXTRA
    assert page.evaluate("document.querySelectorAll('#mp-compare audio.mp-audio').length") == 2
    assert page.evaluate("(() => { const r = document.querySelector('#mp-diff').getBoundingClientRect(); "
                         "return r.width > 0 && r.height > 0; })()")
    figures = page.inner_text("#mp-compare-figures")
    assert "score" in figures and "pace (wpm)" in figures and f"#{older}" in figures
