"""The practice room in a real headless Chromium, answering through a fake microphone as a person would.

The microphone is the one thing that cannot exist here: Chromium's fake capture device plays a fixture WAV
(`--use-file-for-fake-audio-capture`) into getUserMedia. Everything behind it is real: the page's recorder
streams the audio to the server, which transcribes it while it arrives.
"""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed; ./dev test installs it")
    from mockprep.config import SETTINGS
    from mockprep.ui.app import serve

    data = tmp_path_factory.mktemp("data")
    port = free_port()
    demo = serve(port=port, settings=SETTINGS.with_overrides(data_dir=data), block=False)
    yield f"http://127.0.0.1:{port}/", data
    demo.close()


def mic_wav(tmp: Path, fid: str, lead_s: float = 1.0) -> Path:
    """The fixture as 16-bit mono WAV, the format Chromium's fake device reads, with a little lead-in."""
    x, sr = sf.read(FIXTURES / f"{fid}.flac", dtype="float32")
    x = np.concatenate([np.zeros(int(lead_s * sr), np.float32), x])
    p = tmp / f"{fid}.wav"
    sf.write(p, x, sr, subtype="PCM_16")
    return p


def silent_mic(tmp: Path) -> Path:
    """A second of silence for the fake microphone, for tests that do not record."""
    p = tmp / "silence.wav"
    sf.write(p, np.zeros(16000, np.float32), 16000, subtype="PCM_16")
    return p


def open_page(pw, url: str, wav: Path):
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
    page = browser.new_context(permissions=["microphone"]).new_page()
    page.goto(url)
    page.wait_for_selector("#answer-audio .record-button", timeout=60_000)
    return browser, page


def test_record_answer_and_read_feedback(app, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, data = app
    wav = mic_wav(tmp_path, "strong_47s")
    with sync_playwright() as pw:
        browser, page = open_page(pw, url, wav)
        try:
            assert page.inner_text("#mp-question .mp-question").strip()  # a question is there from the start
            assert page.inner_text("#answer-audio-clock").strip() == "2:00"
            page.click("#answer-audio .record-button")
            time.sleep(3)
            assert page.inner_text("#answer-audio-clock").strip() in {"1:57", "1:58", "1:56"}  # the clock runs
            time.sleep(45)
            page.click("#answer-audio .stop-button")
            stop = time.monotonic()
            page.wait_for_selector("#mp-transcript", timeout=90_000)
            print(f"feedback on the page {time.monotonic() - stop:.2f} s after Stop")
            text = page.inner_text("#mp-transcript").lower()
            assert "payroll" in text and "employees" in text
            labels = set(page.eval_on_selector_all("#mp-transcript .mp-sent", "els => els.map(e => e.dataset.label)"))
            assert {"situation", "task", "action", "result"} <= labels
            assert int(page.inner_text("#mp-score").split("/")[0]) >= 80
            assert page.is_visible("#mp-timeline") and page.is_visible("#mp-delivery")
            page.screenshot(path=str(tmp_path / "feedback.png"), full_page=True)

            # Kept: after a reload the attempt is in Review, and opening it shows its transcript.
            page.reload()
            page.wait_for_selector("#answer-audio .record-button", timeout=60_000)
            page.get_by_role("tab", name="Review").click()
            page.wait_for_function("document.querySelector('#mp-history')?.innerText.includes('Tell me about')",
                                   timeout=30_000)
            page.locator("#mp-open-attempt input").click()
            page.get_by_role("option").first.click()
            page.wait_for_selector("#mp-opened .mp-transcript", timeout=30_000)
            assert "payroll" in page.inner_text("#mp-opened .mp-transcript").lower()
        finally:
            browser.close()
    assert len(list((data / "recordings").glob("*.wav"))) >= 1


@pytest.mark.slow
def test_two_minute_limit_stops_the_recording_by_itself(app, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, _ = app
    wav = mic_wav(tmp_path, "over_limit")  # 166 s of speech: longer than the limit
    with sync_playwright() as pw:
        browser, page = open_page(pw, url, wav)
        try:
            page.click("#answer-audio .record-button")
            time.sleep(100)
            assert page.get_attribute("#answer-audio-clock", "class") == "mp-clock amber"  # under 30 s left
            time.sleep(12)
            assert page.get_attribute("#answer-audio-clock", "class") == "mp-clock red"  # under 10 s left
            # No click: the app stops at 0:00 and the feedback follows.
            page.wait_for_selector("#mp-transcript", timeout=60_000)
            assert "Stopped at the 2:00 limit" in page.inner_text("#feedback")
            assert page.locator("#answer-audio .stop-button").is_hidden()
            assert page.locator("#answer-audio .record-button").is_visible()
        finally:
            browser.close()


def test_uploaded_file_is_analysed(app, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, _ = app
    with sync_playwright() as pw:
        browser, page = open_page(pw, url, silent_mic(tmp_path))
        try:
            page.get_by_text("Or upload a recording").click()
            page.set_input_files("#answer-upload input[type=file]", str(FIXTURES / "vague_result.flac"))
            page.wait_for_selector("#mp-transcript", timeout=90_000)
            assert "Vague result" in page.inner_text("#feedback") or "vague" in page.inner_text("#feedback")
        finally:
            browser.close()


def test_debrief_to_drill_queue_and_practice(app, tmp_path: Path) -> None:
    """A bad interview, written down: causes, plan, the worst question in the drills and on the practice page."""
    from playwright.sync_api import sync_playwright

    url, _ = app
    with sync_playwright() as pw:
        browser, page = open_page(pw, url, silent_mic(tmp_path))
        try:
            page.get_by_role("tab", name="After an interview").click()
            page.fill("#mp-d-company textarea, #mp-d-company input", "Acme <script>alert(1)</script>")
            cells = page.locator("#mp-d-questions [role=gridcell]")

            def put(i: int, text: str) -> None:
                cells.nth(i).click()
                page.keyboard.press("Enter")
                # Type only once the cell's editor has the focus, or the first keys go nowhere.
                page.wait_for_function("['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)",
                                       timeout=10_000)
                page.keyboard.type(text)
                page.keyboard.press("Enter")
                page.wait_for_function(f"document.querySelector('#mp-d-questions').innerText.includes({text!r})",
                                       timeout=10_000)

            put(0, "Tell me about a project that failed.")
            put(2, "I rambled and never gave the result")
            put(3, "She looked at the clock and moved on")
            put(4, "Why do you want to work here?")
            put(7, "They smiled and nodded")
            page.click("#mp-d-save")
            page.wait_for_function("document.querySelector('#mp-d-status')?.innerText.includes('joined your drills')",
                                   timeout=30_000)
            assert "communication" in page.inner_text("#mp-d-causes")
            page.locator("#mp-day-3 input[type=checkbox]").first.check()
            time.sleep(1)

            # After a reload everything is still there, and the failed question leads the drill queue.
            page.reload()
            page.wait_for_selector("#answer-audio", timeout=60_000)
            page.get_by_role("tab", name="After an interview").click()
            assert page.locator("#mp-day-3 input[type=checkbox]").first.is_checked()
            assert "Tell me about a project that failed." in page.inner_text("#mp-d-causes")
            page.get_by_role("tab", name="Drill").click()
            page.wait_for_function("document.body.innerText.includes('Drill queue')", timeout=30_000)
            queue = page.inner_text("#mp-due")
            assert queue.index("Tell me about a project that failed.") < queue.index("Why do you want to work here?")
            page.get_by_role("tab", name="After an interview").click()
            page.click("#mp-d-practice")
            page.wait_for_function(
                "document.querySelector('#mp-question')?.innerText.includes('Tell me about a project that failed.')",
                timeout=30_000)
            assert page.is_visible("#answer-audio .record-button")
        finally:
            browser.close()
