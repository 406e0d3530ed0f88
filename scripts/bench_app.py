"""App start to a usable page, Stop to feedback in the browser, and the app's peak memory during an answer.

    python scripts/bench_app.py [--audio FILE] [--browser | --speed 1] [--json]

Starts `mockprep serve` in a subprocess on a free port with a fresh data folder and times until the page,
its config and the recorder routes answer. Then one answer, FILE:
  --browser  headless Chromium opens the page with FILE as its (fake) microphone, presses Record, waits
             while FILE plays, presses Stop as the audio ends, and times Stop -> feedback on the page;
  otherwise  FILE is POSTed to the recorder routes in half-second pieces (at --speed times real time),
             as the page would send it; no Stop.
Finally it reads the server's peak resident memory (VmHWM from /proc). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024  # MiB
    return 0.0


def wait_usable(url: str) -> None:
    """The page, its config, and mockprep's own routes (its static files: the recorder's routes are on the same
    app, registered before it serves; a GET to them is now answered by the Gradio mount, 404, not 405)."""
    while True:
        try:
            if requests.get(url, timeout=1).ok and requests.get(url + "config", timeout=1).ok and \
                    requests.get(url + "mockprep/static/app.js", timeout=1).ok:
                return
        except requests.RequestException:  # refused, or too slow to answer while it starts on a busy machine
            pass
        time.sleep(0.05)


def post_pieces(url: str, x: np.ndarray, speed: float) -> None:
    token = str(uuid.uuid4())
    requests.post(f"{url}mockprep/live/{token}/start?limit=1200", timeout=30).raise_for_status()
    for i in range(0, len(x), 8000):
        requests.post(f"{url}mockprep/live/{token}/chunk", data=x[i: i + 8000].tobytes(), timeout=30)
        time.sleep(0.5 / speed)


def answer_in_browser(url: str, x: np.ndarray, tmp: Path) -> float:
    """Record FILE through Chromium's fake microphone; seconds from pressing Stop to the feedback."""
    import soundfile as sf
    from playwright.sync_api import sync_playwright

    # Chromium's fake device plays from the moment the page opens the microphone; the recorder captures once
    # its audio graph runs: a lead-in of silence covers that, as in tests/test_ui_browser.py.
    lead = np.zeros(3 * 16000, dtype=x.dtype)
    wav = tmp / "mic.wav"
    sf.write(wav, np.concatenate([lead, x]), 16000, subtype="PCM_16")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop", "--disable-background-networking"])
        try:
            page = browser.new_context(permissions=["microphone"]).new_page()
            page.goto(url)
            page.wait_for_selector("#answer-audio .record-button:not([disabled])", timeout=60_000)
            if len(x) / 16000 > 110:  # the answer decides when to stop, not the 2-minute clock
                page.locator(".label-wrap", has_text="Settings").first.click()  # the accordion
                page.fill("#mp-limit input", "1200")
            t0 = time.monotonic()
            page.click("#answer-audio .record-button")
            page.wait_for_function("document.querySelector('#answer-audio .stop-button')?.style.display === ''",
                                   timeout=30_000)
            time.sleep(max(0.0, 3 + len(x) / 16000 - (time.monotonic() - t0)) + 0.5)
            page.evaluate("""() => new MutationObserver((m, o) => {
                if (document.querySelector('#mp-transcript')) { window.mpSeen = Date.now(); o.disconnect(); }
            }).observe(document.body, {childList: true, subtree: true})""")
            page.click("#answer-audio .stop-button")
            stop, wall = time.perf_counter(), time.time()
            page.wait_for_selector("#mp-transcript", timeout=120_000)
            took = time.perf_counter() - stop
            print(f"feedback in the page's DOM {page.evaluate('window.mpSeen') / 1000 - wall:.2f} s after Stop, "
                  f"seen by the test {took:.2f} s after", file=sys.stderr)
            return took
        finally:
            browser.close()


def server_timings(data: Path) -> dict[str, float]:
    """What the server recorded about the answer: waiting for the worker, audio left at Stop, analysis."""
    import sqlite3

    with sqlite3.connect(data / "mockprep.db") as db:
        row = db.execute("SELECT analysis FROM attempts ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(row[0]).get("timings", {}) if row and row[0] else {}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--audio", default=str(ROOT / "tests/fixtures/audio/long_128s.flac"))
    ap.add_argument("--browser", action="store_true", help="answer through the page in headless Chromium")
    ap.add_argument("--speed", type=float, default=1.0, help="without --browser: how fast to send the pieces")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from mockprep import audio

    x = (audio.load(args.audio).samples * 32767).astype("<i2")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    result: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "MOCKPREP_DATA_DIR": data}
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "mockprep", "serve", "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_usable(url)
            result["start_to_page_s"] = round(time.perf_counter() - t0, 2)
            time.sleep(8)  # the model and librosa warm up in the background after the page is up
            result["idle_rss_mb"] = round(vm(proc.pid, "VmRSS"))
            if args.browser:
                result["stop_to_feedback_s"] = round(answer_in_browser(url, x, Path(data)), 2)
                result["server_timings"] = server_timings(Path(data))
            else:
                post_pieces(url, x, args.speed)
            result["peak_rss_mb"] = round(vm(proc.pid, "VmHWM"))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result["audio_s"] = round(len(x) / 16000, 1)
    if not args.json:
        print(f"start to a usable page {result['start_to_page_s']:.2f} s; memory idle {result['idle_rss_mb']:.0f} "
              f"MiB, peak during the answer {result['peak_rss_mb']:.0f} MiB"
              + (f"; Stop -> feedback {result['stop_to_feedback_s']:.2f} s" if args.browser else ""))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
