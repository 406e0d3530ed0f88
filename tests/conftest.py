"""Shared test fixtures: paths to real audio, and analyses computed once per session (the model is real)."""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "audio"
# ../shared/data beside the checkout (CI lays a copy of shared/ next to the clone).
SHARED = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if p.is_dir()),
              ROOT.parent / "shared" / "data")


def fixture_ids(kind: str | None = None) -> list[str]:
    ids = sorted(p.stem for p in FIXTURES.glob("*.json"))
    return [i for i in ids if kind is None or truth(i).get("kind") == kind]


@cache
def truth(fid: str) -> dict:
    return json.loads((FIXTURES / f"{fid}.json").read_text())


@cache
def analysed(fid: str):
    """The real analysis of a spoken fixture, made once per run: the two lanes share it through a file (the
    first to need it analyses it while the other waits), as each fixture is needed in both."""
    from mockprep.analysis import analyze

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return analyze(FIXTURES / f"{fid}.flac", truth(fid).get("question"))
    folder = Path(tempfile.gettempdir()) / f"mockprep-tests-{os.getppid()}-{run}"  # parent: the controller
    folder.mkdir(exist_ok=True)
    kept = folder / f"{fid}.pickle"
    with open(folder / f"{fid}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if kept.exists():
            return pickle.loads(kept.read_bytes())
        a = analyze(FIXTURES / f"{fid}.flac", truth(fid).get("question"))
        part = kept.with_suffix(".part")  # written whole, then renamed: never read half-written
        part.write_bytes(pickle.dumps(a))
        part.replace(kept)
        return a


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not beside this checkout")  # only outside the project's own machines
    return SHARED


@pytest.fixture(scope="module")
def pulse():
    """A private PulseAudio daemon whose null sink's monitor is the microphone (Firefox, the terminal recorder)."""
    from tests.audio_match import MIC_RATE
    from tests.pulse import PulseMic
    from tests.pulse import missing as pulse_missing

    if pulse_missing():
        pytest.fail(f"no PulseAudio ({', '.join(pulse_missing())}); ./dev test installs it")
    with PulseMic(rate=MIC_RATE) as mic:
        yield mic


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Two lanes under pytest-xdist (`./dev test` runs `-n 2 --dist loadgroup`). The browser tests record in
    real time, several with the CPU kept busy on purpose, so they run one after another in one lane; while
    they wait on the clock, the other lane runs the rest, a module at a time (module fixtures are set up once)."""
    for item in items:
        group = "realtime" if item.get_closest_marker("browser") else item.module.__name__
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller removes the analyses its lanes shared (see analysed)."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        for folder in Path(tempfile.gettempdir()).glob(f"mockprep-tests-{os.getpid()}-*"):
            shutil.rmtree(folder, ignore_errors=True)
