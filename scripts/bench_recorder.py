"""Kept/played audio for the browser recorder, measured with the browser tests' own harness.

    PYTHONPATH=. .venv/bin/python scripts/bench_recorder.py [--browsers chromium firefox]
        [--paths worklet legacy] [--loads quiet busy] [--seconds 47] [--repeat 1]

For each browser, capture path and load it records the 47 s fixture answer through the test page and
the protocol test server (tests/test_browser_recorder.py), then reports what the server holds of what
was played, measured on the audio (landmarks), and the machine's load average. Paths: worklet (the new
recorder.js), sp (recorder.js forced onto its ScriptProcessor fallback), legacy (the old 16 kHz
ScriptProcessor recorder), worklet-zeros (the worklet outputting exact zeros, as before Chromium's
silent-sink switch was found). Busy = four spinning processes (tests/load.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.audio_match import MIC_RATE, kept, speech, write_mic
from tests.browsers import missing
from tests.load import cpu_load
from tests.pulse import PulseMic
from tests.test_recorder_js import LiveServer, Session


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--browsers", nargs="+", default=["chromium", "firefox"])
    ap.add_argument("--paths", nargs="+", default=["worklet", "legacy"])
    ap.add_argument("--loads", nargs="+", default=["quiet", "busy"])
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None, help="append one JSON line per run here")
    a = ap.parse_args()
    src, sr = speech(a.seconds)
    tmp = Path(tempfile.mkdtemp(prefix="mp-bench-"))
    wav = write_mic(tmp / "mic.wav", src, sr)
    server = LiveServer()
    print(f"{'browser':9} {'path':8} {'load':6} {'kept/played s':>15} {'kept %':>7} {'lost s':>7} {'gap s':>6} "
          f"{'extra s':>7} {'r':>6} {'ctx Hz':>6} {'loadavg':>11}")
    try:
        with PulseMic(rate=MIC_RATE) as mic:
            for _ in range(a.repeat):
                for browser in a.browsers:
                    if missing(browser):
                        print(f"{browser}: {missing(browser)}")
                        continue
                    for path in a.paths:
                        for load in a.loads:
                            s = Session(browser, server, mic if browser == "firefox" else None, wav)
                            query = {"worklet": "", "worklet-zeros": "out=0"}.get(path, f"path={path}")
                            before = loadavg()
                            with cpu_load(4) if load == "busy" else contextlib.nullcontext(), s.open():
                                t0 = time.monotonic()
                                live, done = s.record(query, stop_after=1.5)
                                took = time.monotonic() - t0
                            k = kept(live.audio(), live.gaps, src, sr)
                            row = {"browser": browser, "version": s.page.version, "path": path, "load": load,
                                   "played_s": k.played_s, "kept_s": k.kept_s, "lost_s": k.lost_s, "gap_s": k.gap_s,
                                   "extra_s": k.extra_s, "corr": k.corr, "rate": done.get("rate"),
                                   "loadavg": [before, loadavg()], "took_s": took, "done": done}
                            print(f"{browser:9} {path:8} {load:6} {k.kept_s:7.2f}/{k.played_s:5.2f} s "
                                  f"{100 * k.ratio:7.2f} {k.lost_s:7.3f} {k.gap_s:6.3f} {k.extra_s:7.3f} "
                                  f"{k.corr:6.3f} {done.get('rate')!s:>6} {before:5.1f}-{loadavg():4.1f}", flush=True)
                            if a.json:
                                with a.json.open("a") as f:
                                    f.write(json.dumps(row) + "\n")
    finally:
        server.close()


if __name__ == "__main__":
    main()
