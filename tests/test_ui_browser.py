"""The practice room in real headless browsers, answered as a person would, with the CPU kept busy.

The microphone is the one thing that cannot exist here. Chromium hears a WAV through its fake capture device
(`--use-file-for-fake-audio-capture`); Firefox (firefox-esr over WebDriver BiDi) records from a private
PulseAudio daemon's null sink, which the test plays the answer into. Everything behind that is real: the
page's recorder (AudioWorklet), the stream to the server, transcription while the answer arrives, analysis.
How much of the played answer reached the server is measured on the audio itself (tests/audio_match.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import requests
import soundfile as sf

from tests.audio_match import MIC_RATE, RATE, Kept, kept, speech, write_mic
from tests.browsers import need, open_browser
from tests.conftest import FIXTURES, ROOT
from tests.load import cpu_load
from tests.pulse import PulseMic

pytestmark = pytest.mark.browser
STRICT_FIREFOX = os.environ.get("MOCKPREP_STRICT_FIREFOX") == "1"
RECORDING = "document.querySelector('#answer-audio .stop-button')?.style.display === ''"
# Chromium's fake microphone plays its file from the moment the page asks for the microphone; the recorder
# captures once its audio graph runs, a second or two later on a busy machine. The file's lead-in of silence
# covers that (a person starts speaking when the clock starts).
LEAD_S = 3.0


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    from mockprep.config import SETTINGS
    from mockprep.ui.app import serve

    served = serve(port=0, settings=SETTINGS.with_overrides(data_dir=tmp_path_factory.mktemp("data")), block=False)
    yield served
    served.close()


def silent_mic(tmp: Path) -> Path:
    p = tmp / "silence.wav"
    sf.write(p, np.zeros(MIC_RATE, np.float32), MIC_RATE, subtype="PCM_16")
    return p


def open_page(browser: str, url: str, wav: Path | None, pulse: PulseMic | None = None):
    need(browser)
    ctx = open_browser(browser, mic_wav=wav if browser == "chromium" else None, env=pulse.env if pulse else None)
    page = ctx.__enter__()
    page.goto(url)
    page.wait_for_selector("#answer-audio .record-button:not([disabled])", timeout=90_000)  # its script is in
    return ctx, page


def received(app, before: set[int], src: np.ndarray, sr: int, ended: bool = False) -> tuple[Kept, object]:
    """The newest attempt since `before`, and how much of the played speech its recording holds."""
    a = next(a for a in app.room.store.attempts() if a.id not in before)
    rec, rate = sf.read(a.audio_path, dtype="float32")
    assert rate == RATE
    gaps = [(round(g.start * RATE), round(g.duration * RATE)) for g in (a.analysis.capture.gaps if a.analysis and
                                                                         a.analysis.capture else ())]
    return kept(rec, gaps, src, sr, ended), a


def check_kept(browser: str, k: Kept) -> None:
    """>= 99 % of what was played reached mockprep. Firefox on a starved machine drops microphone audio before
    any page code sees it (its audio threads get no real-time priority without rtkit), which no page can detect
    or undo: then an expected failure with its figure, unless MOCKPREP_STRICT_FIREFOX=1 (tests/test_recorder_js.py
    asserts the page's own part in Firefox too)."""
    if browser == "firefox" and k.ratio < 0.99 and not STRICT_FIREFOX:
        pytest.xfail(f"Firefox kept {100 * k.ratio:.2f} % (it dropped {k.lost_s:.2f} s upstream of the page)")
    assert k.ratio >= 0.99, k


@pytest.mark.slow
@pytest.mark.parametrize("browser", ["chromium", "firefox"])
def test_record_an_answer_on_a_busy_machine_and_read_the_feedback(browser: str, app, request, tmp_path: Path) -> None:
    src, sr = speech(fid="strong_47s")
    wav = write_mic(tmp_path / "mic.wav", src, sr, lead_s=LEAD_S if browser == "chromium" else 0.5)
    mic = request.getfixturevalue("pulse") if browser == "firefox" else None
    before = {a.id for a in app.room.store.attempts()}
    with cpu_load(4):
        ctx, page = open_page(browser, app.url, wav, mic)
        try:
            assert page.inner_text("#mp-question .mp-question").strip()  # a question is there from the start
            assert page.inner_text("#answer-audio .mp-clock").strip() == "2:00"
            page.click("#answer-audio .record-button")
            page.wait_for_function(RECORDING, timeout=30_000)
            t0 = time.monotonic()
            if mic:
                page.grant_realtime_audio()  # as rtkit does on a desktop (see tests/browsers.py)
                mic.play(wav)
            else:
                time.sleep(3)
                m, sec = page.inner_text("#answer-audio .mp-clock").strip().split(":")
                assert 108 <= 60 * int(m) + int(sec) <= 118  # the clock runs down
                time.sleep(max(0.0, sf.info(wav).duration - (time.monotonic() - t0)))
            time.sleep(1.0)
            page.click("#answer-audio .stop-button")
            stop = time.monotonic()
            page.wait_for_selector("#mp-transcript", timeout=120_000)
            print(f"\n{browser}, CPU busy: feedback on the page {time.monotonic() - stop:.2f} s after Stop")
            text = page.inner_text("#mp-transcript").lower()
            assert "payroll" in text and "employees" in text
            labels = set(page.evaluate("[...document.querySelectorAll('#mp-transcript .mp-sent')]"
                                       ".map(e => e.dataset.label)"))
            # The opening question is "Tell me about yourself": a story told to it is judged as an introduction,
            # and the transcript is coloured by that rubric's parts. (Which part each sentence gets depends on
            # its words: heard with 0.3 s of lead-in, tiny.en once wrote "It was a support specialist" for "I
            # was...", and no sentence was the speaker's past; the same file read whole gives the same words.)
            assert labels and labels <= {"present", "past", "future", "other"}, labels
            assert "introduction" in page.inner_text("#mp-rubric").lower()
            assert page.evaluate("!!document.querySelector('#mp-timeline') && !!document.querySelector('#mp-delivery')")
        finally:
            ctx.__exit__(None, None, None)
    k, a = received(app, before, src, sr)
    print(f"{browser}: kept {k.kept_s:.2f} of {k.played_s:.2f} s ({100 * k.ratio:.2f} %), lost {k.lost_s:.3f} s "
          f"silently, {k.gap_s:.3f} s reported; ran {a.ran_s} s, captured {a.captured_s} s")
    assert a.status == "ok" and a.analysis.capture is not None
    check_kept(browser, k)


@pytest.mark.slow
def test_two_minute_limit_stops_the_recording_by_itself(app, tmp_path: Path) -> None:
    """166 s of speech and no click: the page stops at 2:00 of recorded audio and says so; the server keeps it."""
    src, sr = speech(fid="over_limit")
    wav = write_mic(tmp_path / "mic.wav", src, sr, lead_s=LEAD_S)
    before = {a.id for a in app.room.store.attempts()}
    with cpu_load(4):
        ctx, page = open_page("chromium", app.url, wav)
        try:
            page.click("#answer-audio .record-button")
            page.wait_for_function(RECORDING, timeout=30_000)
            page.wait_for_function("document.querySelector('#answer-audio .mp-clock').classList.contains('amber')",
                                   timeout=120_000)  # under 30 s left
            page.wait_for_function("document.querySelector('#answer-audio .mp-clock').classList.contains('red')",
                                   timeout=60_000)  # under 10 s left
            page.wait_for_selector("#mp-transcript", timeout=150_000)  # no click: it stops, and the feedback follows
            assert "Stopped at the 2:00 limit" in page.inner_text("#feedback")
            assert page.evaluate("document.querySelector('#answer-audio .stop-button').style.display") == "none"
        finally:
            ctx.__exit__(None, None, None)
    # Against the speech played during the two minutes the page recorded (the rest came after the stop).
    k, a = received(app, before, src, sr, ended=True)
    print(f"\n2:00 limit, CPU busy: kept {k.kept_s:.2f} of {k.played_s:.2f} s ({100 * k.ratio:.2f} %)")
    assert a.duration_s == pytest.approx(120.0, abs=0.01) and a.analysis.capture.cut_at_limit
    assert k.ratio >= 0.99, k


@pytest.mark.slow
def test_a_two_question_mock_interview_through_the_page(app, tmp_path: Path) -> None:
    """Each answer recorded with the page's own recorder, the follow-up shown after each, the summary last."""
    x, sr = sf.read(FIXTURES / "strong_47s.flac", dtype="float32")
    wav = write_mic(tmp_path / "mic.wav", np.tile(x, 4), sr)  # speech all along: every answer has some
    ctx, page = open_page("chromium", app.url, wav)
    try:
        page.evaluate("[...document.querySelectorAll('button[role=tab]')].find(b => b.innerText.includes('Mock'))"
                      ".click()")
        page.wait_for_selector("#mp-mock-start", timeout=30_000)
        set_slider(page, "#mp-mock-n", 2)
        page.click("#mp-mock-start")
        page.wait_for_function("document.querySelector('#mp-mock-question')?.innerText.includes('Question 1 of 2')",
                               timeout=30_000)
        seen = []
        for step in range(4):
            page.click("#mock-audio .record-button")
            page.wait_for_function("document.querySelector('#mock-audio .stop-button')?.style.display === ''",
                                   timeout=30_000)
            time.sleep(6)
            page.click("#mock-audio .stop-button")
            expect = ["Follow-up to question 1 of 2", "Question 2 of 2", "Follow-up to question 2 of 2",
                      "Mock interview done"][step]
            page.wait_for_function(f"document.querySelector('#mp-mock-question')?.innerText.includes({expect!r})",
                                   timeout=120_000)
            page.wait_for_selector("#mp-mock-feedback .mp-feedback, #mp-mock-feedback .mp-warn", timeout=60_000)
            seen.append(page.inner_text("#mp-mock-question"))
        assert "answers" in seen[-1] and "over the limit" in seen[-1]
    finally:
        ctx.__exit__(None, None, None)
    mock_rows = [a for a in app.room.store.attempts() if a.mock_id is not None]
    assert len(mock_rows) == 4 and len({a.mock_id for a in mock_rows}) == 1
    probes = [a for a in mock_rows if a.parent_id]
    assert len(probes) == 2 and all(a.question_id.endswith("-probe") for a in probes)
    assert all(app.room.store.get(a.parent_id).question_id == a.question_id.removesuffix("-probe") for a in probes)


def set_slider(page, selector: str, value: int) -> None:
    """Gradio's slider: set its number box and tell the page it changed, as typing into it would."""
    page.evaluate(f"""(() => {{
        const box = document.querySelector('{selector} input[type=number]');
        box.value = {value}; box.dispatchEvent(new Event('input', {{bubbles: true}}));
        box.dispatchEvent(new Event('change', {{bubbles: true}})); box.blur();
    }})()""")
    time.sleep(0.5)


@pytest.mark.slow
def test_the_server_killed_mid_answer_loses_nothing_once_it_is_back(tmp_path: Path) -> None:
    """`kill -9` of `mockprep serve` 12 s into an answer, back 4 s later on the same port and data folder: the
    page keeps its pieces until they are acknowledged, the new server continues the same recording."""
    src, sr = speech(fid="strong_47s")
    wav = write_mic(tmp_path / "mic.wav", src, sr, lead_s=LEAD_S)
    data = tmp_path / "data"
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MOCKPREP_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"}

    def start() -> subprocess.Popen:
        p = subprocess.Popen([sys.executable, "-m", "mockprep", "serve", "--port", str(port)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/config", timeout=2).ok:
                    return p
            except requests.ConnectionError:
                time.sleep(0.2)
        p.kill()
        raise AssertionError(p.stdout.read())

    server = start()
    ctx, page = open_page("chromium", f"http://127.0.0.1:{port}/", wav)
    try:
        page.click("#answer-audio .record-button")
        page.wait_for_function(RECORDING, timeout=30_000)
        t0 = time.monotonic()
        time.sleep(12)
        server.send_signal(signal.SIGKILL)
        server.wait()
        page.wait_for_function("document.querySelector('#answer-audio .mp-rec-status')?.innerText"
                               ".includes('Reconnecting')", timeout=15_000)  # the page says so, and keeps going
        time.sleep(4)
        server = start()
        time.sleep(max(0.0, sf.info(wav).duration + 1.0 - (time.monotonic() - t0)))
        page.click("#answer-audio .stop-button")
        page.wait_for_function("!document.querySelector('#answer-audio .mp-rec-status')?.innerText"
                               ".includes('Reconnecting')", timeout=60_000)
        # Every piece acknowledged, the last (Stop's) too, before the tab closes: it queued behind the ones
        # resent after the outage, and a tab closed before it is sent leaves the answer to the idle reaper.
        page.wait_for_function("!!window.mpApp.lastDone", timeout=60_000)
    finally:
        ctx.__exit__(None, None, None)
    try:
        from mockprep.store import Store

        deadline = time.monotonic() + 120
        store = Store(data)
        while time.monotonic() < deadline and store.attempts()[0].status == "pending":
            time.sleep(0.5)
        a = store.attempts()[0]
        assert len(store.attempts()) == 1 and a.status == "ok"  # one answer, analysed, the whole of it
        rec, _ = sf.read(a.audio_path, dtype="float32")
        gaps = [(round(g.start * RATE), round(g.duration * RATE)) for g in a.analysis.capture.gaps]
        k = kept(rec, gaps, src, sr)
        print(f"\nserver killed for 4 s: kept {k.kept_s:.2f} of {k.played_s:.2f} s ({100 * k.ratio:.2f} %)")
        assert k.ratio >= 0.99, k
        assert "payroll" in a.analysis.transcript.lower()
    finally:
        server.kill()
        server.wait()


def test_uploaded_file_is_analysed(app, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    need("chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        try:
            page = browser.new_page()
            page.goto(app.url)
            page.get_by_text("Or upload a recording").click()
            # The opening question is "Tell me about yourself": a life story that never reaches this role.
            life_story = FIXTURES.parent / "rubric_audio" / "intro_weak_life_story.flac"
            page.set_input_files("#answer-upload input[type=file]", str(life_story))
            page.wait_for_selector("#mp-transcript", timeout=120_000)
            text = page.inner_text("#feedback").lower()
            assert "judged as: introduction" in text and "ends on this role" in text
        finally:
            browser.close()


def test_debrief_to_drill_queue_and_practice(app, tmp_path: Path) -> None:
    """A bad interview, written down: causes, plan, the worst question in the drills and on the practice page."""
    from playwright.sync_api import sync_playwright

    need("chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        try:
            page = browser.new_page()
            page.goto(app.url)
            page.wait_for_selector("#answer-audio", timeout=60_000)
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
            # One interview is no pattern: the patterns say what they need instead of inventing one.
            assert "at least 2 interviews" in page.inner_text("#mp-d-patterns")
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
            # Typed into a debrief, each question is judged by the rubric its wording calls for.
            assert "STAR story" in page.inner_text("#mp-type-note") and "guessed" in page.inner_text("#mp-type-note")
            assert page.is_visible("#answer-audio .record-button")
        finally:
            browser.close()
