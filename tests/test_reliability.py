"""Reliability, privacy and security (issue 7): it keeps working, keeps everything local, and holds up.

- No network: the CLI and the whole practice loop run inside a network namespace with only loopback,
  with every socket call watched; any destination beyond this machine fails the test.
- Crash safety: kill -9 mid-recording and mid-analysis; the audio and database survive, reanalyze recovers.
- Load: four clients answering two minutes at once on this 2-core machine (slow).
- Hostile input: size and duration caps, path traversal through Gradio's file routes, HTML in every text
  we render, serving beyond localhost, malformed question banks, and the held-out bad audio inputs.

Figures observed in these runs are written down in docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest

from mockprep.analysis import Analysis
from tests.conftest import FIXTURES, ROOT

PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")
SR = 16_000

# Installed first thing in every subprocess below: wraps the socket calls every Python network client goes
# through (httpx, requests, urllib, asyncio) and writes each destination to a log. Loopback is the app
# talking to itself; anything else is a leak. The call still proceeds, so behaviour is unchanged (and inside
# `unshare -n` it fails anyway): the log is the evidence.
NETGUARD = '''
import ipaddress, os, socket

_LOG = os.environ["MOCKPREP_NET_LOG"]


def _write(line):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(line + "\\n")


def _local(host):
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in (None, "", "localhost", "0.0.0.0", "::"):
        return True
    try:
        ip = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return str(host).endswith(".localhost")
    return ip.is_loopback or ip.is_unspecified


def _check(kind, address):
    # AF_UNIX addresses are file paths (str/bytes): local by definition.
    if isinstance(address, tuple) and address:
        _write(("LOCAL " if _local(address[0]) else "OUTSIDE ") + f"{kind} {address!r}")


_connect, _connect_ex, _sendto, _gai = (socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto,
                                        socket.getaddrinfo)


def connect(self, address):
    _check("connect", address)
    return _connect(self, address)


def connect_ex(self, address):
    _check("connect_ex", address)
    return _connect_ex(self, address)


def sendto(self, data, *args):
    _check("sendto", args[-1])
    return _sendto(self, data, *args)


def getaddrinfo(host, *args, **kwargs):
    if not _local(host):
        _write(f"OUTSIDE getaddrinfo {host!r}")
    return _gai(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
socket.getaddrinfo = getaddrinfo
_write("GUARD installed")
'''

# `python -m mockprep ...` with the guard installed first.
CLI_UNDER_GUARD = ("import runpy, sys; import netguard; sys.argv = ['mockprep', *sys.argv[1:]]; "
                   "runpy.run_module('mockprep', run_name='__main__', alter_sys=True)")

# The practice loop as the page drives it, launched the way `mockprep serve` launches it: an answer streamed
# through the recorder routes then Stop, and an upload through gradio_client's /analyze.
PRACTICE_LOOP = '''
import netguard  # noqa: F401  first, before anything can open a socket

import json, os, socket, sys, uuid
from pathlib import Path

import requests
from gradio_client import Client, handle_file

from mockprep import audio
from mockprep.config import SETTINGS
from mockprep.ui.app import serve

fixture, upload = Path(sys.argv[1]), Path(sys.argv[2])
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
settings = SETTINGS.with_overrides(data_dir=Path(os.environ["MOCKPREP_DATA_DIR"]), port=port)
demo = serve("127.0.0.1", port, None, settings, block=False)
url = demo.url
http = requests.Session()
http.trust_env = False
token = str(uuid.uuid4())
http.post(f"{url}mockprep/live/{token}/start?limit=120&qid=teamwork-01", timeout=60).raise_for_status()
x = (audio.load(fixture).samples * 32768).clip(-32768, 32767).astype("<i2")
for n, i in enumerate(range(0, len(x), 8000)):
    http.post(f"{url}mockprep/live/{token}/chunk?seq={n}&offset={i}&final={int(i + 8000 >= len(x))}",
              data=x[i:i + 8000].tobytes(), timeout=60).raise_for_status()
live = demo.room.stop_live(token).analysis
page = http.get(url, timeout=60)
client = Client(url, analytics_enabled=False, verbose=False)
html2 = client.predict(handle_file(str(upload)), 120, api_name="/analyze")
print("RESULT", json.dumps({"live": live.status, "live_transcript": live.transcript, "page": page.status_code,
                  "upload": "mp-transcript" in html2, "attempts": [a.status for a in demo.room.store.attempts()]}),
      flush=True)
demo.close()
'''

# One attempt through the same function the app and the terminal use, on a long file, to be killed mid-way.
ATTEMPT = ("import sys; from mockprep import practice; from mockprep.banks import Question; "
           "from mockprep.config import SETTINGS; from mockprep.store import Store; "
           "practice.attempt(Store(SETTINGS.data_dir), sys.argv[1], Question('teamwork-01', 'Tell me about "
           "a time you helped a customer.', 'teamwork', 'behavioral', 'behavioral', 'general', ()), 120, SETTINGS); "
           "print('finished')")


# ---------------------------------------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's process: their data folder, offline settings, no proxies to detour via."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(MOCKPREP_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False",
               PYTHONUNBUFFERED="1", **extra)
    return env


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockprep", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=timeout)


def pcm16(path: Path) -> np.ndarray:
    """A file as the browser recorder sends it: 16 kHz mono int16."""
    from mockprep import audio

    return (audio.load(path).samples * 32768).clip(-32768, 32767).astype("<i2")


def wait_for(check: Callable[[], Any], timeout: float, what: str, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET a path exactly as written: requests/urllib3 would normalise the ../ away before sending it."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def db_rows(data_dir: Path) -> list[sqlite3.Row]:
    db = sqlite3.connect(data_dir / "mockprep.db", timeout=30)
    db.row_factory = sqlite3.Row
    try:
        return db.execute("SELECT * FROM attempts ORDER BY id").fetchall()
    finally:
        db.close()


def integrity(data_dir: Path) -> str:
    db = sqlite3.connect(data_dir / "mockprep.db", timeout=30)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def net_log(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def write_wav(path: Path, x: np.ndarray, sr: int) -> Path:
    import soundfile as sf

    sf.write(path, x, sr, subtype="PCM_16")
    return path


# ---------------------------------------------------------------------------------------------- no network


@pytest.fixture(scope="module")
def netns() -> list[str]:
    """`unshare -n` with loopback up: a network namespace where nothing beyond this machine exists."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode:
        pytest.skip("unshare -n is not available here (needs root or user namespaces)")
    probe = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up && ip -o addr show"],
                           capture_output=True, text=True)
    assert probe.returncode == 0, probe.stderr
    assert "127.0.0.1" in probe.stdout and "eth" not in probe.stdout  # loopback only
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]


def guarded(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    (tmp_path / "netguard.py").write_text(NETGUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    env = child_env(tmp_path / "data", MOCKPREP_NET_LOG=str(log),
                    PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    return log, env


def test_network_guard_catches_a_leak(netns: list[str], tmp_path: Path) -> None:
    """The control: the guard does see a name lookup and a connection to the outside, in the namespace."""
    log, env = guarded(tmp_path)
    leak = ("import netguard, socket, urllib.request\n"
            "for go in (lambda: urllib.request.urlopen('http://example.com', timeout=3),\n"
            "           lambda: socket.create_connection(('1.1.1.1', 443), timeout=3)):\n"
            "    try:\n        go()\n    except OSError as e:\n        print(type(e).__name__)\n")
    r = subprocess.run([*netns, sys.executable, "-c", leak], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["URLError", "OSError"]  # nothing is reachable in the namespace ...
    lines = net_log(log)
    assert "OUTSIDE getaddrinfo 'example.com'" in lines  # ... and both attempts are on record
    assert "OUTSIDE connect ('1.1.1.1', 443)" in lines


@pytest.mark.slow
def test_cli_analyzes_with_no_network(netns: list[str], tmp_path: Path) -> None:
    log, env = guarded(tmp_path)
    r = subprocess.run([*netns, sys.executable, "-c", CLI_UNDER_GUARD, "analyze",
                        str(FIXTURES / "strong_47s.flac"), "--json"],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["status"] == "ok" and "payroll" in d["transcript"].lower()
    lines = net_log(log)
    assert "GUARD installed" in lines  # the watch was on ...
    assert not [x for x in lines if x.startswith("OUTSIDE")], lines  # ... and nothing tried to leave


@pytest.mark.slow
def test_practice_loop_works_with_no_network(netns: list[str], tmp_path: Path) -> None:
    log, env = guarded(tmp_path)
    script = tmp_path / "practice_loop.py"
    script.write_text(PRACTICE_LOOP, encoding="utf-8")
    upload = write_wav(tmp_path / "upload.wav", pcm16(FIXTURES / "we_only_outage.flac"), SR)
    r = subprocess.run([*netns, sys.executable, str(script), str(FIXTURES / "strong_47s.flac"), str(upload)],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    [result] = [line for line in r.stdout.splitlines() if line.startswith("RESULT ")]
    out = json.loads(result.removeprefix("RESULT "))
    assert out["live"] == "ok" and "payroll" in out["live_transcript"].lower()
    assert out["page"] == 200 and out["upload"] is True
    assert out["attempts"] == ["ok", "ok"]
    lines = net_log(log)
    assert "GUARD installed" in lines
    assert any(x.startswith("LOCAL connect") for x in lines)  # the guard saw the clients reach the app ...
    assert not [x for x in lines if x.startswith("OUTSIDE")], lines  # ... and nothing beyond it


# ---------------------------------------------------------------------------------------------- crash safety


@pytest.mark.slow
def test_kill_9_mid_recording_keeps_the_audio_and_reanalyze_recovers(tmp_path: Path) -> None:
    import requests
    import soundfile as sf

    data = tmp_path / "data"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mockprep", "serve", "--port", str(port)], cwd=ROOT,
                                env=child_env(data), stdout=out, stderr=subprocess.STDOUT)
    try:
        def up() -> bool:
            assert proc.poll() is None, log.read_text()
            # The line serve prints once everything is ready; the page alone answers a moment earlier, before
            # the recorder routes are added.
            return "mockprep is running at" in log.read_text()

        wait_for(up, 300, "the app to start", every=0.5)
        token = str(uuid.uuid4())
        assert requests.post(f"{url}mockprep/live/{token}/start?limit=120&qid=teamwork-01", timeout=60).ok
        sent = pcm16(FIXTURES / "strong_47s.flac")[: 10 * SR]
        for n, i in enumerate(range(0, len(sent), SR // 2)):  # the page's half-second pieces
            assert requests.post(f"{url}mockprep/live/{token}/chunk?seq={n}", data=sent[i: i + SR // 2].tobytes(),
                                 timeout=60).ok
    finally:
        proc.kill()  # SIGKILL: no handler, no cleanup, no flush
        proc.wait(timeout=60)

    wavs = list((data / "recordings").glob("*.wav"))
    assert len(wavs) == 1
    info = sf.info(str(wavs[0]))
    print(f"kill -9 mid-recording: WAV holds {info.duration:.2f} s of the {len(sent) / SR:.2f} s sent")
    assert abs(info.duration - len(sent) / SR) <= 0.6, info.duration
    got, sr = sf.read(wavs[0], dtype="int16")
    assert sr == SR and np.abs(got.astype(int) - sent[: len(got)].astype(int)).max() <= 1  # the very samples sent
    assert integrity(data) == "ok"
    rows = db_rows(data)
    assert [r["status"] for r in rows] == ["pending"] and rows[0]["audio_path"] == str(wavs[0])

    r = run_cli("reanalyze", env=child_env(data))
    assert r.returncode == 0, r.stderr
    assert f"attempt {rows[0]['id']}: ok" in r.stdout
    after = db_rows(data)[0]
    assert after["status"] == "ok" and abs(after["duration_s"] - 10.0) < 0.6
    assert "payroll" in json.loads(after["analysis"])["transcript"].lower()


@pytest.mark.slow
def test_kill_9_mid_analysis_keeps_the_audio_and_reanalyze_recovers(tmp_path: Path) -> None:
    import soundfile as sf

    data = tmp_path / "data"
    source = FIXTURES / "long_128s.flac"
    proc = subprocess.Popen([sys.executable, "-c", ATTEMPT, str(source)], cwd=ROOT, env=child_env(data),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def row_written() -> bool:
            assert proc.poll() is None, proc.communicate()
            try:
                return (data / "mockprep.db").exists() and bool(db_rows(data))
            except sqlite3.OperationalError:  # the file is there but its tables are still being created
                return False

        wait_for(row_written, 300, "the attempt row")
        time.sleep(1.0)  # into the analysis proper (decoding, loading the model, transcribing)
    finally:
        proc.kill()
        stdout, _ = proc.communicate(timeout=60)
    assert "finished" not in stdout  # it really died mid-analysis

    rows = db_rows(data)
    assert [r["status"] for r in rows] == ["pending"]
    kept = Path(rows[0]["audio_path"])
    assert kept.parent == data / "recordings"
    assert hashlib.sha256(kept.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    assert abs(sf.info(str(kept)).duration - sf.info(str(source)).duration) < 0.01
    assert integrity(data) == "ok"

    r = run_cli("reanalyze", env=child_env(data))
    assert r.returncode == 0, r.stderr
    after = db_rows(data)[0]
    assert after["status"] == "ok" and after["over_limit_s"] > 5  # 128 s against the 2-minute limit
    assert json.loads(after["analysis"])["question"].startswith("Tell me about a time")


# ---------------------------------------------------------------------------------------------- load


@pytest.mark.slow
def test_four_clients_answering_two_minutes_at_once(tmp_path: Path) -> None:
    import requests

    from mockprep.config import SETTINGS
    from mockprep.ui.app import serve

    demo = serve(port=0, settings=SETTINGS.with_overrides(data_dir=tmp_path / "data"), block=False)
    url = demo.url
    x = pcm16(FIXTURES / "long_128s.flac")
    qids = ["teamwork-01", "leadership-01", "leadership-02", "leadership-03"]
    results: dict[int, dict[str, Any]] = {}
    errors: list[BaseException] = []
    go = threading.Barrier(len(qids))

    def client(n: int) -> None:
        try:
            http = requests.Session()
            token = str(uuid.uuid4())
            go.wait()
            t0 = time.perf_counter()
            http.post(f"{url}mockprep/live/{token}/start?limit=120&qid={qids[n]}", timeout=120).raise_for_status()
            for k, i in enumerate(range(0, len(x), SR)):  # one-second pieces, as fast as the server takes them
                http.post(f"{url}mockprep/live/{token}/chunk?seq={k}&offset={i}&final={int(i + SR >= len(x))}",
                          data=x[i: i + SR].tobytes(), timeout=300).raise_for_status()
            t_stop = time.perf_counter()
            d = demo.room.stop_live(token).analysis
            t_done = time.perf_counter()
            results[n] = {"analysis": d, "send_s": t_stop - t0, "stop_to_feedback_s": t_done - t_stop,
                          "total_s": t_done - t0}
        except BaseException as e:  # reported below, on the test's thread
            errors.append(e)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(qids))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=1800)
    finally:
        demo.close()
    assert not errors, errors
    for n in sorted(results):
        r = results[n]
        print(f"client {n}: sent 128 s in {r['send_s']:.1f} s, Stop -> feedback {r['stop_to_feedback_s']:.1f} s, "
              f"total {r['total_s']:.1f} s")
    assert sorted(results) == [0, 1, 2, 3]
    assert [results[n]["analysis"].status for n in range(4)] == ["ok"] * 4
    assert all(abs(results[n]["analysis"].duration_s - len(x) / SR) < 0.1 for n in range(4))
    stored = demo.room.store.attempts()
    assert len(stored) == 4 and {a.status for a in stored} == {"ok"}
    assert sorted(a.question_id for a in stored) == sorted(qids)  # none lost, none mixed up
    assert len({a.audio_path for a in stored}) == 4


# ---------------------------------------------------------------------------------------------- hostile input


@pytest.fixture(scope="module")
def capped_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Any]]:
    """The app as `mockprep serve` starts it, with a 1 MB upload cap and a 4-second recording cap."""
    from mockprep.config import SETTINGS
    from mockprep.ui.app import serve

    data = tmp_path_factory.mktemp("capped")
    port = free_port()
    demo = serve("127.0.0.1", port, None,
                 SETTINGS.with_overrides(data_dir=data, port=port, max_upload_mb=1, max_duration_s=4), block=False)
    yield demo.url, data, demo
    demo.close()


def test_upload_over_the_size_cap_is_refused_with_a_clear_message(capped_app: tuple[str, Path, Any],
                                                                   tmp_path: Path) -> None:
    import requests
    from gradio_client import Client, handle_file

    from mockprep.analysis import analyze
    from mockprep.audio import AudioError

    url, _, demo = capped_app
    big = write_wav(tmp_path / "big.wav", np.zeros(40 * SR, np.int16), SR)  # 1.3 MB
    assert big.stat().st_size > 1024 * 1024
    with big.open("rb") as f:  # the upload route the page uses
        r = requests.post(f"{url}gradio_api/upload", files={"files": ("big.wav", f, "audio/wav")}, timeout=60)
    assert r.status_code == 413 and "maximum allowed size" in r.text
    with pytest.raises(ValueError, match="maximum file size"):  # the API client is told before it sends
        Client(url, analytics_enabled=False, verbose=False).predict(handle_file(str(big)), 120, api_name="/analyze")
    # And the core refuses it too, before decoding, whoever calls it with these settings.
    with pytest.raises(AudioError, match="larger than 1 MB"):
        analyze(big, settings=demo.room.settings)
    small = write_wav(tmp_path / "small.wav", np.zeros(5 * SR, np.int16), SR)
    assert analyze(small, settings=demo.room.settings).status == "no_speech"  # under the cap: analysed


def test_recorder_stops_taking_audio_past_the_duration_cap(capped_app: tuple[str, Path, Any]) -> None:
    import requests
    import soundfile as sf

    url, _, demo = capped_app
    token = str(uuid.uuid4())
    assert requests.post(f"{url}mockprep/live/{token}/start?limit=120&qid=teamwork-01", timeout=30).ok
    session = demo.room.live[token].session
    x = pcm16(FIXTURES / "strong_47s.flac")[: 8 * SR]
    replies = [requests.post(f"{url}mockprep/live/{token}/chunk?seq={n}&offset={i}", data=x[i: i + SR // 2].tobytes(),
                             timeout=30) for n, i in enumerate(range(0, len(x), SR // 2))]
    codes = [r.status_code for r in replies]
    # The piece that crosses 4 s is still kept (nothing said is cut mid-piece); every later one is refused, and
    # the page is told why in one sentence.
    assert codes[:9] == [200] * 9 and set(codes[9:]) == {413}, codes
    assert "longer than" in replies[-1].json()["detail"]
    assert 4.0 <= sf.info(str(session.path)).duration <= 4.6
    d = demo.room.stop_live(token).analysis
    assert d.status == "ok" and d.duration_s <= 4.6  # what was kept is still analysed


def test_file_routes_serve_only_the_apps_own_files(capped_app: tuple[str, Path, Any], tmp_path: Path) -> None:
    import requests

    url, data, _ = capped_app
    secret = data / "recordings" / "not-from-an-event.wav"
    secret.write_bytes(b"RIFF" + b"secret recording" * 64)
    attempts = ["/gradio_api/file=/etc/passwd", "/gradio_api/file=../../etc/passwd",
                "/gradio_api/file=..%2F..%2F..%2Fetc%2Fpasswd", "/gradio_api/file=%2Fetc%2Fpasswd",
                "/gradio_api/file/etc/passwd", "/gradio_api/file/../../../../etc/passwd", "/file=/etc/passwd",
                "/file=../../etc/passwd", "/static/../../../../etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
                f"/gradio_api/file={secret}", f"/gradio_api/file={data / 'mockprep.db'}",
                "/gradio_api/file=http://127.0.0.1:1/internal"]
    for path in attempts:
        status, body = raw_get(url, path)
        assert status in {400, 403, 404}, (path, status)
        assert b"root:" not in body and b"secret recording" not in body and b"SQLite" not in body, path
    # The same route does serve what the app itself took in: the refusals above are not a broken route.
    small = tmp_path / "mine.wav"
    small.write_bytes(b"RIFF" + b"\0" * 2000)
    with small.open("rb") as f:
        served = requests.post(f"{url}gradio_api/upload", files={"files": ("mine.wav", f, "audio/wav")}, timeout=60)
    status, body = raw_get(url, f"/gradio_api/file={served.json()[0]}")
    assert status == 200 and body == small.read_bytes()


def test_page_loads_nothing_from_another_host(capped_app: tuple[str, Path, Any]) -> None:
    """The browser side of "no network": no script, stylesheet or web font from elsewhere (Google Fonts is
    Gradio's default when a font is not bundled). Metadata such as og:image is never fetched by the page."""
    import re

    import requests

    url, _, _ = capped_app
    page = requests.get(url, timeout=30).text
    remote = re.compile(r"^(?:https?:)?//", re.I)
    refs = re.findall(r"<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*[\"']([^\"']+)", page, re.I)
    assert refs and not [r for r in refs if remote.match(r)], refs
    config = requests.get(f"{url}config", timeout=30).json()
    assert not [s for s in config.get("stylesheets") or [] if remote.match(str(s))]
    for css in (requests.get(f"{url}theme.css", timeout=30).text, config.get("css") or ""):
        assert not re.search(r"(?:url\(|@import)\s*[\"']?(?:https?:)?//", css, re.I)


def hostile_analysis() -> Analysis:
    """An analysis as stored (Analysis.to_dict()), with markup in every place text can come from, read back."""
    s, i = PAYLOADS
    words = [{"word": s, "start": 0.5, "end": 1.0, "probability": 0.9},
             {"word": i, "start": 1.2, "end": 1.6, "probability": 0.9},
             {"word": "done", "start": 4.2, "end": 4.6, "probability": 0.9}]
    part = {"seconds": 1.0, "share": 0.25, "sentences": 1}
    return Analysis.from_dict({
        "status": "ok", "message": None, "question": s, "limit_s": 120.0, "duration_s": 10.0, "speech_s": 5.0,
        "over_limit_s": 0.0, "transcript": f"{s} {i} done", "words": words,
        "delivery": {"wpm": 140.0, "articulation_wpm": 150.0, "first_word_s": 0.5, "word_count": 3,
                     "pauses": [{"start": 2.0, "end": 4.0}],
                     "fillers": [{"word": i, "start": 1.2, "end": 1.6, "kind": "filler"}],
                     "filler_count": 1, "fillers_per_min": 6.0, "pitch_range_st": 5.0, "loudness_std_db": 3.0,
                     "monotone": False},
        "star": {"sentences": [{"text": f"{s} {i}", "start": 0.5, "end": 1.6, "label": "situation"},
                               {"text": "done", "start": 4.2, "end": 4.6, "label": "result"}],
                 "parts": {p: dict(part) for p in ("situation", "task", "action", "result")},
                 "checks": {"result_quantified": {"passed": False, "detail": s},
                            "action_uses_i": {"passed": True, "detail": i},
                            "situation_brief": {"passed": True, "detail": s},
                            "is_story": {"passed": True, "detail": i}},
                 "score": 40},
        "feedback": [{"id": "fillers", "severity": "high", "message": f"Say {s} then {i}",
                      "evidence": {"quote": i, "start": 0.5, "end": 1.0}}],
        "notes": [f"Note {s} {i}"],
        "timings": {},
    })


def assert_inert(html: str) -> None:
    for raw, escaped in zip(PAYLOADS, ESCAPED, strict=True):
        assert raw not in html
        assert escaped in html
    assert "<script" not in html.lower() and "<img" not in html.lower()


def test_feedback_renders_hostile_transcript_and_tips_as_text() -> None:
    from mockprep.render import feedback_html

    assert_inert(feedback_html(hostile_analysis()))
    no_speech = Analysis.from_dict({"status": "no_speech", "message": " ".join(PAYLOADS), "duration_s": 3.0})
    assert_inert(feedback_html(no_speech))


def test_question_texts_render_as_text() -> None:
    from mockprep.banks import Question
    from mockprep.ui.widgets import question_html

    s, i = PAYLOADS
    html = question_html(Question('x" onmouseover="alert(1)', f"{s} {i}", i, s, "behavioral", "general", ()))
    assert_inert(html)
    assert 'onmouseover="alert' not in html  # the id cannot break out of its attribute either


def test_debrief_entries_render_as_text(tmp_path: Path) -> None:
    from mockprep import debrief as db
    from mockprep.config import SETTINGS
    from mockprep.ui import drill, recovery, review
    from mockprep.ui.room import Room
    from mockprep.ui.widgets import question_html

    s, i = PAYLOADS
    room = Room(SETTINGS.with_overrides(data_dir=tmp_path / "data"))
    d = db.Debrief(s, i, "2026-03-02", "us_canada", s,
                   (db.AskedQuestion(f"{s} Tell me about a conflict {i}", s, i, s),))
    recovery.save(room.store, d)
    # Two bad interviews in that format, their question's competency set to a payload: the patterns show them.
    for company in ("a", "b"):
        recovery.save(room.store, replace(d, company=company, outcome="rejected",
                                          questions=(replace(d.questions[0], competency=i),)))
    patterns = recovery.patterns_view(room.store)
    assert_inert(patterns)
    assert "| format | &lt;script&gt;" in patterns
    [qid] = recovery.add_to_drills(room.store, d)
    assert_inert(drill.due_html(room))  # the drill queue shows the debrief's question
    assert_inert(question_html(room.question(qid)))  # ... and the practice tab asks it
    # An answer to it, scored: the weakest list, the opened attempt and the comparison show its text.
    aid = room.store.add_attempt(tmp_path / "a.wav", room.question(qid), 120.0)
    room.store.finish_attempt(aid, hostile_analysis())
    assert_inert(drill.weakest_html(room))
    assert_inert(review.open_attempt(room, aid))
    assert_inert(review.compare(room, aid, aid))


def test_serving_beyond_localhost_needs_auth(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import requests

    from mockprep.config import SETTINGS
    from mockprep.ui.app import serve

    port = free_port()
    settings = SETTINGS.with_overrides(data_dir=tmp_path / "data", port=port)
    assert serve(host="0.0.0.0", port=port, settings=settings, block=False) == 2
    err = capsys.readouterr().err
    assert "refusing to serve on 0.0.0.0" in err and "--auth" in err
    assert serve(host="0.0.0.0", port=port, auth="nopassword", settings=settings, block=False) == 2
    assert not (tmp_path / "data").exists()  # refused before touching anything

    demo = serve(host="0.0.0.0", port=port, auth="u:p", settings=settings, block=False)
    try:
        assert not isinstance(demo, int)
        base = f"http://127.0.0.1:{port}"
        # One guard in front of every route, Gradio's and ours: nothing without the login, the browser is asked.
        for path in ("/", "/config", "/gradio_api/info", "/mockprep/static/app.js"):
            r = requests.get(f"{base}{path}", timeout=30)
            assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic"), path
        assert requests.get(f"{base}/config", auth=("u", "wrong"), timeout=30).status_code == 401
        assert requests.get(f"{base}/config", auth=("x", "p"), timeout=30).status_code == 401
        # Our recorder routes sit beside Gradio's: they must not be a way round the login into the data folder.
        token = str(uuid.uuid4())
        assert requests.post(f"{base}/mockprep/live/{token}/start", timeout=30).status_code == 401
        assert requests.post(f"{base}/mockprep/live/{token}/chunk", data=b"\0" * 3200, timeout=30).status_code == 401
        assert not list((tmp_path / "data" / "recordings").glob("*.wav")) and not demo.room.store.attempts()
        s = requests.Session()
        s.auth = ("u", "p")
        assert s.get(f"{base}/config", timeout=30).ok and s.get(f"{base}/", timeout=30).ok
        assert s.post(f"{base}/mockprep/live/{token}/start", timeout=30).ok  # logged in, the page records
        assert s.post(f"{base}/mockprep/live/{token}/chunk", data=b"\0" * 3200, timeout=30).ok
        demo.room.drop_live(token)
        # Recordings are played from the data folder: only with the login.
        aid = demo.room.store.attempts()[0].id
        assert requests.get(f"{base}/mockprep/recording/{aid}", timeout=30).status_code == 401
        assert s.get(f"{base}/mockprep/recording/{aid}", timeout=30).ok
    finally:
        demo.close()


def test_malformed_bank_is_named_with_its_line_and_the_others_still_load(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from mockprep.banks import builtin_banks_dir, load_banks
    from mockprep.config import SETTINGS
    from mockprep.ui.room import Room

    data = tmp_path / "data"
    banks = data / "banks"
    banks.mkdir(parents=True)
    (banks / "mine.yaml").write_text(
        "bank: mine\nkind: behavioral\nquestions:\n  - id: mine-01\n    text: Tell me about your proudest launch.\n"
        "    competency: impact\n    probes:\n      - What did you do yourself?\n      - What changed, in numbers?\n",
        encoding="utf-8")
    # Line 5: a tab and an unclosed quote, the kind of mistake a hand edit makes.
    (banks / "broken.yaml").write_text(
        "bank: broken\nkind: behavioral\nquestions:\n  - id: broken-01\n\ttext: \"Tell me about\n",
        encoding="utf-8")
    questions, errors = load_banks([builtin_banks_dir(), banks])
    assert len(errors) == 1
    assert errors[0].path.name == "broken.yaml" and errors[0].line == 5
    assert "broken.yaml, line 5" in str(errors[0])
    ids = {q.id for q in questions}
    assert "mine-01" in ids and "teamwork-01" in ids and not any(i.startswith("broken") for i in ids)
    # The app starts anyway, says which file and line on stderr, and offers the good questions.
    room = Room(SETTINGS.with_overrides(data_dir=data))
    assert "broken.yaml, line 5" in capsys.readouterr().err
    assert room.question("mine-01") and room.question("teamwork-01")


# ---------------------------------------------------------------------------------------------- held-out inputs


def _unusable(tmp: Path, name: str) -> Path:
    p = tmp / name
    if name == "empty.wav":
        p.write_bytes(b"")
    elif name == "random.wav":
        p.write_bytes(np.random.default_rng(7).bytes(64_000))
    elif name == "notes.mp3":
        p.write_text("These are my interview notes, not a recording.\n" * 40, encoding="utf-8")
    elif name == "header_only.flac":  # a FLAC cut off after its header: no audio frames at all
        p.write_bytes((FIXTURES / "strong_47s.flac").read_bytes()[:200])
    return p


@pytest.mark.parametrize("name", ["empty.wav", "random.wav", "notes.mp3", "header_only.flac"])
def test_unusable_input_is_exit_2_and_one_sentence(tmp_path: Path, name: str) -> None:
    r = run_cli("analyze", str(_unusable(tmp_path, name)), "--json")
    assert r.returncode == 2
    assert r.stdout == "" and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mockprep: {name}") and lines[0].endswith("."), lines


def _jfk(shared: Path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    x, sr = sf.read(shared / "jfk.flac", dtype="float32")
    return (x.mean(axis=1) if x.ndim == 2 else x), sr


def _held_out(case: str, tmp: Path, shared: Path) -> Path:
    """Build one held-out input: real speech (JFK, 11 s) altered, or non-speech of several kinds."""
    import soundfile as sf

    from mockprep import audio

    librosa = audio.librosa()

    p = tmp / f"{case}.wav"
    if case == "silence":
        sf.write(p, np.zeros(5 * SR, np.float32), SR)
    elif case == "noise":
        sf.write(p, (np.random.default_rng(7).standard_normal(5 * SR) * 0.1).astype(np.float32), SR)
    elif case == "music":
        return shared / "music_vibe_ace.ogg"
    elif case == "clip_0.2s":  # a fifth of a second taken from the middle of a spoken answer
        x, sr = sf.read(FIXTURES / "strong_47s.flac", dtype="float32")
        sf.write(p, x[5 * sr: int(5.2 * sr)], sr)
    elif case == "stereo_48k":
        x, sr = _jfk(shared)
        y = librosa.resample(x, orig_sr=sr, target_sr=48_000)
        sf.write(p, np.stack([y, 0.8 * y], axis=1), 48_000)
    elif case == "telephone_8k":
        x, sr = _jfk(shared)
        sf.write(p, librosa.resample(x, orig_sr=sr, target_sr=8_000), 8_000)
    elif case == "clipped":  # amplified ~40x and hard-limited: nearly half the samples sit at full scale
        x, sr = _jfk(shared)
        y = np.clip(x * (30 / np.abs(x).max()), -1, 1) * 0.99
        assert np.mean(np.abs(y) >= 0.98) > 0.3
        sf.write(p, y, sr)
    elif case == "truncated_flac":  # a FLAC cut off half way (a crash while copying): what is there is used
        p = tmp / "truncated.flac"
        b = (FIXTURES / "strong_47s.flac").read_bytes()
        p.write_bytes(b[: len(b) // 2])
    return p


@pytest.mark.parametrize(("case", "status"), [
    ("silence", "no_speech"), ("noise", "no_speech"), ("music", "no_speech"), ("clip_0.2s", "no_speech"),
    ("stereo_48k", "ok"), ("telephone_8k", "ok"), ("clipped", "ok"), ("truncated_flac", "ok"),
])
@pytest.mark.slow
def test_held_out_input_status(tmp_path: Path, shared_data: Path, case: str, status: str) -> None:
    r = run_cli("analyze", str(_held_out(case, tmp_path, shared_data)), "--json")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    d = json.loads(r.stdout)
    assert d["status"] == status, (case, d["transcript"])
    if status == "no_speech":
        assert d["star"] is None and d["message"]
    elif case == "truncated_flac":
        assert 15 < d["duration_s"] < 40 and "payroll" in d["transcript"].lower()
    else:  # the speech is still understood, whatever the rate, channels or distortion
        assert abs(d["duration_s"] - 11.0) < 0.1
        heard = d["transcript"].lower()
        assert "fellow americans" in heard and "country can do for you" in heard, heard


@pytest.mark.slow
def test_ten_minute_answer_is_analysed_and_marked_over_the_limit(tmp_path: Path) -> None:
    import soundfile as sf

    # Five two-minute answers back to back: 10.7 minutes of real speech in one file.
    x, sr = sf.read(FIXTURES / "long_128s.flac", dtype="float32")
    p = tmp_path / "ten_minutes.flac"
    sf.write(p, np.tile(x, 5), sr)
    assert sf.info(str(p)).duration > 600
    t = time.perf_counter()
    r = run_cli("analyze", str(p), "--json")
    print(f"10.7-minute file analysed in {time.perf_counter() - t:.0f} s")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["status"] == "ok" and d["over_limit_s"] > 400
    assert d["duration_s"] > 600 and len(d["words"]) > 1000
