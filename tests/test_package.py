"""The wheel carries the whole app: built from this checkout, installed (not editable) with its declared
dependencies into a fresh venv outside the checkout, it lists the questions, analyses an answer and serves
the practice room. The editable install every other test uses cannot see a file missing from the wheel.

Slow (a few minutes: pip resolves and installs the dependencies from the package index into the new venv).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "audio" / "fast_pace.flac"

pytestmark = pytest.mark.slow


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(wheel, the venv's bin, an environment that keeps the checkout off sys.path)."""
    tmp = tmp_path_factory.mktemp("package")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MOCKPREP_DATA_DIR"] = str(tmp / "data")
    built = run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"), str(ROOT)],
                tmp, env)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (tmp / "dist").glob("mockprep-*.whl")
    made = run([sys.executable, "-m", "venv", str(tmp / "venv")], tmp, env)
    assert made.returncode == 0, made.stderr
    bin_dir = tmp / "venv" / "bin"
    got = run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-compile", "--disable-pip-version-check",
               str(wheel)], tmp, env)
    assert got.returncode == 0, got.stderr[-3000:]
    return wheel, bin_dir, env


def test_the_wheel_holds_the_banks_and_the_page_files(installed: tuple[Path, Path, dict[str, str]]) -> None:
    wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("mockprep/ui/app.py", "mockprep/ui/static/app.js", "mockprep/ui/static/recorder.js",
                   "mockprep/ui/static/recorder-worklet.js", "mockprep/ui/static/mockprep.css",
                   "mockprep/question_banks/general.yaml"):
        assert needed in names, needed
    assert not any(n.startswith("tests/") for n in names)


def test_installed_mockprep_is_the_wheel_not_the_checkout(installed: tuple[Path, Path, dict[str, str]],
                                                          tmp_path: Path) -> None:
    _, bin_dir, env = installed
    out = run([str(bin_dir / "python"), "-c", "import mockprep; print(mockprep.__file__)"], tmp_path, env)
    assert out.returncode == 0, out.stderr
    where = Path(out.stdout.strip()).resolve()
    assert bin_dir.parent in where.parents and ROOT not in where.parents, where


def test_installed_cli_lists_the_questions(installed: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    _, bin_dir, env = installed
    out = run([str(bin_dir / "mockprep"), "questions"], tmp_path, {**env, "COLUMNS": "200"})
    assert out.returncode == 0, out.stderr
    caption = re.search(r"(\d+) of (\d+) questions", out.stdout)
    assert caption and caption[1] == caption[2] and int(caption[2]) >= 200, out.stdout[-500:]


def test_installed_cli_analyses_an_answer(installed: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    _, bin_dir, env = installed
    out = run([str(bin_dir / "mockprep"), "analyze", str(FIXTURE), "--json",
               "--question", "Tell me about a time you met a hard deadline."], tmp_path, env)
    assert out.returncode == 0, out.stderr[-3000:]
    d = json.loads(out.stdout)
    assert d["status"] == "ok" and d["rubric"] == "star" and len(d["words"]) > 50
    assert d["delivery"]["wpm"] > 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_installed_app_serves_the_practice_room(installed: tuple[Path, Path, dict[str, str]],
                                                tmp_path: Path) -> None:
    _, bin_dir, env = installed
    port = _free_port()
    proc = subprocess.Popen([str(bin_dir / "mockprep"), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = None
        deadline = time.monotonic() + 120
        while page is None and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read()
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
            except OSError:
                time.sleep(0.5)
        assert page is not None, "the practice room did not answer within 120 s"
        assert "mockprep" in page.lower()
        js = urllib.request.urlopen(f"http://127.0.0.1:{port}/mockprep/static/recorder-worklet.js", timeout=5)
        assert b"registerProcessor" in js.read()
    finally:
        proc.terminate()
        proc.wait(30)
