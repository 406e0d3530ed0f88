"""The README's screenshots of the review views, made from real analyses of the recorded fixtures.

    python scripts/screenshots.py [--out docs]

Starts the app on a fresh data folder, keeps four attempts as the practice room keeps them (the recording,
then the real analysis; the Whisper model runs, no microphone is needed) on three questions over a week, one
of them twice: an earlier take of tests/fixtures/audio/strong_47s.flac with its fifth sentence cut out, then
the whole answer. It then opens the page in headless Chromium, uploads one more answer in Practice and saves
PNGs of: Practice's feedback with the shape of the answer, Review with an attempt open, Compare with the
transcript diff, Progress with its cards, and Your stories.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockprep import audio  # noqa: E402
from mockprep.config import SETTINGS  # noqa: E402
from mockprep.practice import attempt  # noqa: E402
from mockprep.ui.app import serve  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "audio"
INTRO = ROOT / "tests" / "fixtures" / "rubric_audio" / "intro_good_learning.flac"
CUT = (27.5, 34.2)  # strong_47s's fifth sentence ("Then I stayed on the line ..."), from its truth file
DAY = 86400.0
WIDTH = 1200


def earlier_take(tmp: Path) -> Path:
    """strong_47s without one sentence: the take before the candidate added it."""
    a = audio.load(FIXTURES / "strong_47s.flac")
    lo, hi = (int(t * a.sample_rate) for t in CUT)
    path = tmp / "strong_47s_earlier.wav"
    sf.write(path, [*a.samples[:lo], *a.samples[hi:]], a.sample_rate, subtype="PCM_16")
    return path


def keep_attempts(room, tmp: Path) -> dict[str, int]:
    """The attempts, dated over the last week (oldest first), as practice.attempt keeps them."""
    plan = [("earlier", earlier_take(tmp), "customer-01", 6), ("deadline", FIXTURES / "fillers_deadline.flac",
            "prioritization-04", 4), ("mistake", FIXTURES / "fillers_mistake.flac", "general-09", 3),
            ("whole", FIXTURES / "strong_47s.flac", "customer-01", 1)]
    ids = {}
    now = time.time()
    for name, path, qid, days_ago in plan:
        out = attempt(room.store, path, room.question(qid), room.settings.limit_s, room.settings)
        assert out.analysis is not None and out.analysis.ok, (name, out.error)
        with room.store.connect() as db:
            db.execute("UPDATE attempts SET created_at=? WHERE id=?", (now - days_ago * DAY, out.attempt_id))
        ids[name] = out.attempt_id
        print(f"attempt {out.attempt_id}: {name}, score {out.analysis.score}", flush=True)
    return ids


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def choose(page, dropdown: str, label_start: str) -> None:
    page.click(f"{dropdown} input")
    page.locator(f'[role="option"][aria-label^="{label_start}"]').first.click()


def shoot(page, selector: str, path: Path, until: str | None = None, top: str | None = None) -> None:
    """A picture of the element, or of the page across its width from its top (or the top of `top`) to the
    bottom of `until` (a long view cut to the part worth showing)."""
    page.locator(selector).scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # let the tab's last layout settle before the picture
    if until is None:
        page.locator(selector).screenshot(path=str(path))
    else:
        top, bottom = (page.evaluate(f"(() => {{ const r = document.querySelector({s!r}).getBoundingClientRect(); "
                                     f"return r.{edge} + window.scrollY; }})()")
                       for s, edge in ((top or selector, "top"), (until, "bottom")))
        box = page.locator(selector).bounding_box()
        page.screenshot(path=str(path), full_page=True,
                        clip={"x": box["x"], "y": top, "width": box["width"], "height": bottom - top + 16})
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        served = serve(port=0, settings=SETTINGS.with_overrides(data_dir=tmp / "data"), block=False)
        try:
            ids = keep_attempts(served.room, tmp)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
                    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
                    "--no-first-run"])
                try:
                    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
                    page.goto(served.url)
                    # Practice: the opening question, answered by upload, and its feedback.
                    page.get_by_text("Or upload a recording").click()
                    page.set_input_files("#answer-upload input[type=file]", str(INTRO))
                    page.wait_for_selector("#feedback #mp-transcript", timeout=180_000)
                    shoot(page, "#feedback", out / "practice.png", until="#feedback #mp-transcript")
                    # Review: the history, and the answer with fillers and pauses open.
                    tab(page, "Review")
                    page.click("#mp-history")  # the tab reads the store when it opens
                    choose(page, "#mp-open-attempt", f"#{ids['deadline']} ")
                    page.wait_for_selector(f'#mp-opened .mp-attempt[data-attempt="{ids["deadline"]}"] #mp-shape')
                    shoot(page, "#mp-opened", out / "review.png", until="#mp-opened #mp-transcript",
                          top="#mp-filter-competency")
                    # Compare: the whole answer against its earlier take.
                    choose(page, "#mp-open-attempt", f"#{ids['whole']} ")
                    page.wait_for_selector(f'#mp-opened .mp-attempt[data-attempt="{ids["whole"]}"]')
                    page.click("#mp-compare-previous")
                    page.wait_for_selector("#mp-diff ins")
                    shoot(page, "#mp-compare", out / "compare.png", until="#mp-compare .mp-head")
                    # Your stories: the two takes are one story.
                    page.get_by_text("Your stories").click()
                    page.wait_for_selector("#mp-stories-view #mp-stories .mp-story")
                    shoot(page, "#mp-stories-view", out / "stories.png")
                    # Progress: cards and the score over the week.
                    tab(page, "Progress")
                    page.wait_for_selector("#mp-progress #mp-latest")
                    shoot(page, "#mp-progress", out / "progress.png", until="#mp-progress table")
                finally:
                    browser.close()
        finally:
            served.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
