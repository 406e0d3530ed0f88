"""App start to a usable page, Stop to feedback in a real browser, audio kept, and the app's peak memory.

    python scripts/bench_app.py [--audio FILE] [--browser chromium|firefox] [--load 4] [--runs N] [--json]

Starts `mockprep serve` in a subprocess on a free port with a fresh data folder and times until the page
answers. Then FILE is answered:
  --browser  a headless browser opens the page and hears FILE through its microphone (Chromium: its fake
             capture device; Firefox: a private PulseAudio null sink the script plays FILE into, as the tests
             do), presses Record, presses Stop a second after the audio ends, and times Stop -> feedback on the
             page; how much of FILE the stored recording holds is measured on the audio (tests/audio_match.py);
  otherwise  FILE is POSTed to the recorder routes in half-second pieces (at --speed times real time),
             as the page would send it; no Stop.
--load N keeps N spinning processes beside it (tests/load.py: four on these two cores is "busy").
Finally it reads the server's peak resident memory (VmHWM from /proc). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import requests
import soundfile as sf

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


def children(pid: int) -> list[int]:
    """The server's child processes (the guess readers, guesser.py)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def wait_usable(url: str) -> None:
    """The page answers (the recorder's routes are on the same app, there before it listens)."""
    while True:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)


def post_pieces(url: str, x: np.ndarray, speed: float) -> None:
    token = str(uuid.uuid4())
    requests.post(f"{url}mockprep/live/{token}/start?limit=1200", timeout=30).raise_for_status()
    for i in range(0, len(x), 8000):
        requests.post(f"{url}mockprep/live/{token}/chunk", data=x[i: i + 8000].tobytes(), timeout=30)
        time.sleep(0.5 / speed)


def answer_in_browser(name: str, url: str, src: np.ndarray, sr: int, tmp: Path) -> float:
    """Record FILE through the browser's microphone; seconds from pressing Stop to the feedback."""
    from tests.audio_match import write_mic
    from tests.browsers import open_browser
    from tests.pulse import PulseMic

    # Chromium's fake device plays from the moment the page opens the microphone; the recorder captures once
    # its audio graph runs: a lead-in of silence covers that, as in tests/test_ui_browser.py.
    wav = write_mic(tmp / "mic.wav", src, sr, lead_s=3.0 if name == "chromium" else 0.5)
    with contextlib.ExitStack() as stack:
        mic = stack.enter_context(PulseMic()) if name == "firefox" else None
        page = stack.enter_context(open_browser(name, mic_wav=wav if mic is None else None,
                                                env=mic.env if mic else None))
        page.goto(url)
        page.wait_for_selector("#answer-audio .record-button:not([disabled])", timeout=90_000)
        page.click("#answer-audio .record-button")
        try:
            page.wait_for_function("document.querySelector('#answer-audio .stop-button')?.style.display === ''",
                                   timeout=30_000)
        except Exception:
            print("recording did not start; the recorder shows:",
                  repr(page.evaluate("document.querySelector('#answer-audio').innerText")),
                  page.evaluate("JSON.stringify(window.mpApp.recorders())"), flush=True)
            raise
        t0 = time.monotonic()  # recording (Chromium's file plays from here; timed from the click, a cold
        # browser's slow start cut the end of the answer off and counted it as lost)
        if mic:
            page.grant_realtime_audio()  # as rtkit does on a desktop (see tests/browsers.py)
            mic.play(wav)
        else:
            time.sleep(max(0.0, sf.info(wav).duration - (time.monotonic() - t0)))
        time.sleep(1.0)  # the candidate reaches for Stop
        page.click("#answer-audio .stop-button")
        stop = time.perf_counter()
        page.wait_for_selector("#mp-transcript", timeout=180_000)
        return time.perf_counter() - stop


def kept_share(data: Path, src: np.ndarray, sr: int) -> dict[str, float]:
    """How much of the played speech the newest stored recording holds, and what was reported missing."""
    import sqlite3

    from tests.audio_match import RATE, kept

    with sqlite3.connect(data / "mockprep.db") as db:
        path, analysis = db.execute("SELECT audio_path, analysis FROM attempts ORDER BY id DESC LIMIT 1").fetchone()
    gaps = (json.loads(analysis).get("capture") or {}).get("gaps", []) if analysis else []
    rec, rate = sf.read(path, dtype="float32")
    assert rate == RATE
    k = kept(rec, [(round(g["start"] * RATE), round((g["end"] - g["start"]) * RATE)) for g in gaps], src, sr)
    return {"played_s": round(k.played_s, 2), "kept_s": round(k.kept_s, 2), "kept_pct": round(100 * k.ratio, 2),
            "reported_missing_s": round(k.gap_s, 3), "lost_s": round(k.lost_s, 3),
            "speech_starts_at_s": round(k.start / RATE, 2), "recording_s": round(len(rec) / RATE, 2)}


def server_timings(data: Path) -> dict[str, float]:
    """What the server recorded about the answer: waiting for the worker, audio left at Stop, analysis."""
    import sqlite3

    with sqlite3.connect(data / "mockprep.db") as db:
        row = db.execute("SELECT analysis FROM attempts ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(row[0]).get("timings", {}) if row and row[0] else {}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--audio", default=str(ROOT / "tests/fixtures/audio/strong_47s.flac"))
    ap.add_argument("--browser", choices=["chromium", "firefox"], help="answer through the page in this browser")
    ap.add_argument("--load", type=int, default=0, help="spinning processes beside the answer, e.g. 4")
    ap.add_argument("--runs", type=int, default=1, help="answers in a row (with --browser)")
    ap.add_argument("--speed", type=float, default=1.0, help="without --browser: how fast to send the pieces")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from tests.load import cpu_load

    src, sr = sf.read(args.audio, dtype="float32")
    if src.ndim > 1:
        src = src.mean(axis=1)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    result: dict[str, object] = {"browser": args.browser, "load": args.load}
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
            result["guess_children_rss_mb"] = round(sum(vm(c, "VmRSS") for c in children(proc.pid)))
            runs = []
            for _ in range(args.runs if args.browser else 1):
                with cpu_load(args.load):
                    if args.browser:
                        took = answer_in_browser(args.browser, url, src, sr, Path(data))
                        run = {"stop_to_feedback_s": round(took, 2), **kept_share(Path(data), src, sr),
                               "server": server_timings(Path(data))}
                    else:
                        x = (audio_16k(src, sr) * 32767).astype("<i2")
                        post_pieces(url, x, args.speed)
                        run = {}
                runs.append(run)
                if not args.json and run:
                    print(f"{args.browser}, load {args.load}: Stop -> feedback {run['stop_to_feedback_s']:.2f} s; "
                          f"kept {run['kept_s']:.2f} of {run['played_s']:.2f} s ({run['kept_pct']:.2f} %), "
                          f"{run['reported_missing_s']:.2f} s reported missing; server waited "
                          f"{run['server'].get('wait_s', 0):.2f} s for the worker, then "
                          f"{run['server'].get('tail_audio_s', 0):.1f} s of audio", flush=True)
            result["runs"] = runs
            result["peak_rss_mb"] = round(vm(proc.pid, "VmHWM"))
            result["guess_children_peak_rss_mb"] = round(sum(vm(c, "VmHWM") for c in children(proc.pid)))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result["audio_s"] = round(len(src) / sr, 1)
    if not args.json:
        print(f"start to a usable page {result['start_to_page_s']:.2f} s; memory idle {result['idle_rss_mb']} "
              f"MiB, peak {result['peak_rss_mb']} MiB; the guess children {result['guess_children_rss_mb']} MiB idle, "
              f"{result['guess_children_peak_rss_mb']} MiB at most")
    print(json.dumps(result))
    return 0


def audio_16k(x: np.ndarray, sr: int) -> np.ndarray:
    from mockprep import audio

    return audio.from_array(x, sr, 16000).samples


if __name__ == "__main__":
    raise SystemExit(main())
