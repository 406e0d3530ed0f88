"""App start to a usable page, and the app's peak memory while it takes a 2-minute answer.

    python scripts/bench_app.py [--audio FILE] [--speed 1] [--json]

Starts `mockprep serve` in a subprocess on a free port with a fresh data folder, times until the page and
the recorder routes answer, then sends FILE through the recorder routes in half-second pieces (at
--speed times real time, as the page would), stops, and reads the server's peak resident memory
(VmHWM from /proc). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--audio", default=str(ROOT / "tests/fixtures/audio/long_128s.flac"))
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from mockprep import audio

    x = (audio.load(args.audio).samples * 32767).astype("<i2")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "MOCKPREP_DATA_DIR": data}
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "mockprep", "serve", "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    # The page, its config, and the recorder's routes (405 to a GET once they exist).
                    if requests.get(url, timeout=1).ok and requests.get(url + "config", timeout=1).ok and \
                            requests.get(url + "mockprep/live/x/start", timeout=1).status_code == 405:
                        break
                except requests.ConnectionError:
                    pass
                time.sleep(0.05)
            start_s = time.perf_counter() - t0
            idle_mb = vm(proc.pid, "VmRSS")
            token = str(uuid.uuid4())
            requests.post(f"{url}mockprep/live/{token}/start?limit=120", timeout=30).raise_for_status()
            step = 8000
            for i in range(0, len(x), step):
                requests.post(f"{url}mockprep/live/{token}/chunk", data=x[i: i + step].tobytes(), timeout=30)
                time.sleep(0.5 / args.speed)
            peak_mb = vm(proc.pid, "VmHWM")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result = {"start_to_page_s": round(start_s, 2), "idle_rss_mb": round(idle_mb), "peak_rss_mb": round(peak_mb),
              "audio_s": round(len(x) / 16000, 1)}
    if not args.json:
        print(f"start to a usable page {start_s:.2f} s; memory idle {idle_mb:.0f} MiB, peak while answering "
              f"{peak_mb:.0f} MiB")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
