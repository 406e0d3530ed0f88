"""Shared test fixtures: paths to real audio, and analyses computed once per session (the model is real)."""

from __future__ import annotations

import json
import os
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
    from mockprep.analysis import analyze

    return analyze(FIXTURES / f"{fid}.flac", truth(fid).get("question"))


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
