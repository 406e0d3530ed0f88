"""The practice room's server without a browser: its Gradio endpoints through gradio_client, and the recorder's
routes as the page's recorder uses them (pieces by offset, resends, gaps, the last piece, a restart)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import requests
import soundfile as sf

from mockprep import audio
from mockprep.assessment import Rubric
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    from mockprep.config import SETTINGS
    from mockprep.ui.app import serve

    data = tmp_path_factory.mktemp("data")
    served = serve(port=0, settings=SETTINGS.with_overrides(data_dir=data), block=False)
    yield served
    served.close()


def client(url: str):
    from gradio_client import Client

    return Client(url, analytics_enabled=False, verbose=False)


def wav(tmp: Path, fid: str) -> Path:
    x, sr = sf.read(FIXTURES / f"{fid}.flac", dtype="int16")
    p = tmp / f"{fid}.wav"
    sf.write(p, x, sr, subtype="PCM_16")
    return p


def pcm(fid: str) -> np.ndarray:
    return np.round(audio.load(FIXTURES / f"{fid}.flac").samples * 32768).clip(-32768, 32767).astype("<i2")


def post(url: str, token: str, what: str, body: bytes = b"", **query: object) -> requests.Response:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return requests.post(f"{url}mockprep/live/{token}/{what}?{q}", data=body, timeout=60)


@pytest.mark.slow
def test_analyze_endpoint_returns_feedback_and_keeps_the_recording(app, tmp_path: Path) -> None:
    from gradio_client import handle_file

    # A story told to the opening question, "Tell me about yourself": judged as the introduction it should be.
    html = client(app.url).predict(handle_file(str(wav(tmp_path, "we_only_outage"))), 120, api_name="/analyze")
    assert "mp-transcript" in html and "Timeline" in html and "Judged as: introduction" in html
    a = app.room.store.attempts()[0]
    assert a.status == "ok" and a.analysis.rubric == Rubric.INTRODUCTION and a.analysis.star is None
    assert "ends on this role" in html and "action uses i" not in html
    kept = Path(a.audio_path)
    assert kept.is_relative_to(app.room.store.audio_dir) and kept.stat().st_size > 100_000
    src = f"mockprep/recording/{a.id}"
    assert f'src="{src}"' in html  # where the page plays it from
    got = requests.get(app.url + src, timeout=30)
    assert got.ok and got.headers["content-type"].startswith("audio/") and got.content == kept.read_bytes()
    assert requests.get(app.url + "mockprep/recording/999999", timeout=30).status_code == 404
    assert requests.get(app.url + "mockprep/recording/..%2fmockprep.db", timeout=30).status_code in {404, 422}


def test_analyze_endpoint_bad_upload_is_one_sentence(app, tmp_path: Path) -> None:
    from gradio_client import handle_file

    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all" * 100)
    html = client(app.url).predict(handle_file(str(bad)), 120, api_name="/analyze")
    assert "not an audio file" in html and "kept" in html


def test_new_question_endpoint_changes_the_question(app) -> None:
    c = client(app.url)
    seen = {str(c.predict("leadership", "behavioral", "any", api_name="/new_question")) for _ in range(3)}
    assert len(seen) >= 2
    situational = str(c.predict("any", "any", "situational", api_name="/new_question"))
    assert "situational" in situational


def test_recorder_routes_stream_to_disk_and_transcribe_while_speaking(app) -> None:
    """The page's recorder path without the page: open, send half-second pieces by offset, stop."""
    token = str(uuid.uuid4())
    assert post(app.url, token, "start", limit=120, qid="teamwork-01").ok
    assert post(app.url, token, "start", limit=120, qid="teamwork-01").ok  # a resent start changes nothing
    x = pcm("strong_47s")
    step = 8000
    session = app.room.live[token].session
    for i in range(0, len(x), step):
        r = post(app.url, token, "chunk", x[i: i + step].tobytes(), seq=i // step, offset=i,
                 final=int(i + step >= len(x)), ran=round(min(i + step, len(x)) / 16000, 3))
        assert r.ok and r.json()["received"] == min(i + step, len(x))
        if i == 20 * 16000:  # a crash from here on would keep everything said so far, as a playable file
            assert abs(sf.info(str(session.path)).duration - 20.5) < 0.6
            # ... and the first stretches are transcribed while the rest is still to come.
            deadline = time.monotonic() + 60
            while not session.readings and time.monotonic() < deadline:
                time.sleep(0.1)
            assert session.readings and session.readings[0].words[-1].end < 21
    assert "pending_s" in r.json()  # the last piece's answer says how much is left to transcribe
    out = app.room.stop_live(token)
    a = out.analysis
    assert a.status == "ok" and a.question and a.score >= 80 and "payroll" in a.transcript.lower()
    assert np.isclose(a.duration_s, len(x) / 16000, atol=0.01)
    assert a.capture.missing_s == 0 and not a.notes
    row = app.room.store.get(out.attempt_id)
    assert row.status == "ok" and row.question_id == "teamwork-01" and row.captured_s == pytest.approx(a.duration_s)
    got = requests.get(app.url + f"mockprep/recording/{row.id}", timeout=30)
    assert got.ok and got.content == Path(row.audio_path).read_bytes()


@pytest.mark.slow
def test_resent_pieces_are_kept_once_and_missing_audio_is_said_and_left_out_of_pace(app) -> None:
    """What a busy machine does to the stream: acknowledgements lost (pieces sent twice) and 3 s that never
    came. The gap is kept in place as silence, the feedback says so, and it is no pause of the speaker's."""
    token = str(uuid.uuid4())
    post(app.url, token, "start", qid="teamwork-01")
    x = pcm("strong_47s")
    hole = (16 * 16000, 19 * 16000)
    step = 8000
    for i in range(0, len(x), step):
        if hole[0] <= i < hole[1]:
            continue
        last = int(i + step >= len(x))
        for _ in range(2 if i % (5 * step) == 0 else 1):  # every fifth piece twice
            assert post(app.url, token, "chunk", x[i: i + step].tobytes(), seq=i // step, offset=i, final=last,
                        ran=round(len(x) / 16000, 3) if last else 0).ok
    a = app.room.stop_live(token).analysis
    assert a.duration_s == pytest.approx(len(x) / 16000, abs=0.01)  # in place: the timing is kept
    assert [(g.start, g.end) for g in a.capture.gaps] == [(16.0, 19.0)]
    assert a.capture.missing_s == pytest.approx(3.0, abs=0.01)
    assert a.notes and a.notes[0].startswith("3.0 s of your answer did not reach mockprep")
    assert not any(p.start < 19.0 and p.end > 16.0 for p in a.delivery.pauses)  # the hole is not a pause
    assert a.delivery.missing_s == pytest.approx(3.0, abs=0.05)


@pytest.mark.slow
def test_a_recording_goes_on_after_the_server_restarts(app, tmp_path: Path) -> None:
    """The page keeps every piece until it is acknowledged; a new server on the same data folder takes the
    rest of the answer into the same recording."""
    from mockprep.config import SETTINGS
    from mockprep.ui.app import serve

    data = tmp_path / "data"
    settings = SETTINGS.with_overrides(data_dir=data)
    first = serve(port=0, settings=settings, block=False)
    token = str(uuid.uuid4())
    x = pcm("strong_47s")
    half = 24 * 16000
    try:
        post(first.url, token, "start", qid="teamwork-01")
        for i in range(0, half, 8000):
            assert post(first.url, token, "chunk", x[i: i + 8000].tobytes(), offset=i).ok
    finally:
        first.close()  # the server goes away mid-answer; its pieces are on disk
        for live in first.room.live.values():
            live.session.abandon()
    second = serve(port=0, settings=settings, block=False)
    try:
        for i in range(half, len(x), 8000):
            final = int(i + 8000 >= len(x))
            assert post(second.url, token, "chunk", x[i: i + 8000].tobytes(), offset=i, final=final).ok
        out = second.room.stop_live(token)
        assert out.analysis.status == "ok" and len(second.room.store.attempts()) == 1
        kept, _ = sf.read(out.audio_path, dtype="int16")
        assert np.array_equal(kept, x)  # nothing lost, nothing twice
        assert "payroll" in out.analysis.transcript.lower() and "paid" in out.analysis.transcript.lower()
    finally:
        second.close()


def test_recorder_routes_refuse_bad_tokens_and_huge_pieces(app) -> None:
    url = app.url
    assert requests.post(f"{url}mockprep/live/..%2F..%2Fetc/start", timeout=10).status_code in {400, 404}
    assert post(url, str(uuid.uuid4()), "chunk", b"\0" * 100).status_code == 404
    token = str(uuid.uuid4())
    post(url, token, "start")
    assert post(url, token, "chunk", b"\0" * (3 * 1024 * 1024)).status_code == 413
    assert post(url, token, "chunk", b"\0" * 100, offset=-5).status_code == 400
    app.room.drop_live(token)


def mock_answer(app, c, qid: str, fid: str, probe: str = "") -> str:
    """One answer in a mock interview, sent as the page sends it: what the interviewer says next."""
    token = str(uuid.uuid4())
    post(app.url, token, "start", qid=qid, probe=requests.utils.quote(probe))
    x = pcm(fid)
    for i in range(0, len(x), 16000):
        post(app.url, token, "chunk", x[i: i + 16000].tobytes(), offset=i, final=int(i + 16000 >= len(x)))
    now, feedback, _ = c.predict(token, api_name="/mock_answer")  # the interview's state stays on the server
    assert "mp-transcript" in feedback
    return now


def mock_start(c) -> str:
    first = str(c.predict(1, api_name="/mock_start"))
    assert "Question 1 of 1" in first
    return first.split('data-qid="')[1].split('"')[0]


@pytest.mark.slow
def test_mock_interview_asks_the_follow_up_for_the_weakest_part(app) -> None:
    """Question, answer, the probe its weakest part calls for, the probe's answer linked to it, and the end."""
    c = client(app.url)
    qid = mock_start(c)

    def answer(fid: str, probe: str = "") -> str:
        return mock_answer(app, c, qid, fid, probe)

    now = answer("no_result_dashboard")
    assert "Follow-up to question 1 of 1" in now and "What was the outcome, in numbers?" in now
    assert "Mock interview done" in answer("too_short", "What was the outcome, in numbers?")
    attempts = app.room.store.attempts()
    probe = next(a for a in attempts if a.question_text == "What was the outcome, in numbers?")
    main = app.room.store.get(probe.parent_id)
    assert main.mock_id == probe.mock_id is not None and main.question_id == qid
    assert probe.question_id == f"{qid}-probe" and probe.question_type == main.question_type
    assert app.room.store.card(f"{qid}-probe") is None  # a follow-up is not drilled on its own


@pytest.mark.slow
def test_mock_interview_digs_into_the_thinnest_layer_of_the_story(app) -> None:
    """A story with only lesser gaps and nobody in it: the follow-up asks about the people, quoting the answer."""
    c = client(app.url)
    now = mock_answer(app, c, mock_start(c), "fillers_deadline")
    assert "Follow-up to question 1 of 1" in now and "Who else was involved, and what did they say?" in now
    assert "You said “" in now
