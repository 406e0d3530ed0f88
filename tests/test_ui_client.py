"""The practice room's analysis endpoint through gradio_client, against a launched app."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    from mockprep.config import SETTINGS
    from mockprep.ui.app import build_app, launch

    data = tmp_path_factory.mktemp("data")
    settings = SETTINGS.with_overrides(data_dir=data)
    demo = build_app(settings)
    _, url, _ = launch(demo, server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True)
    yield url, data, demo
    demo.close()


def client(url: str):
    from gradio_client import Client

    return Client(url, analytics_enabled=False, verbose=False)


def wav(tmp: Path, fid: str) -> Path:
    import soundfile as sf

    x, sr = sf.read(FIXTURES / f"{fid}.flac", dtype="int16")
    p = tmp / f"{fid}.wav"
    sf.write(p, x, sr, subtype="PCM_16")
    return p


def test_analyze_endpoint_returns_feedback_and_keeps_the_recording(app_url, tmp_path: Path) -> None:
    from gradio_client import handle_file

    url, data, _ = app_url
    html, d, playback = client(url).predict(handle_file(str(wav(tmp_path, "we_only_outage"))), 120, False,
                                            api_name="/analyze")
    assert d["status"] == "ok"
    assert "mp-transcript" in html and "STAR timeline" in html
    assert not d["star"]["checks"]["action_uses_i"]["passed"]
    kept = Path(d["audio_path"])
    assert kept.is_relative_to(data / "recordings") and kept.stat().st_size > 100_000
    assert playback == f"mockprep/recording/{d['attempt_id']}"  # where the page plays it from
    got = requests.get(url + playback, timeout=30)
    assert got.ok and got.headers["content-type"].startswith("audio/") and got.content == kept.read_bytes()
    assert requests.get(url + "mockprep/recording/999999", timeout=30).status_code == 404
    assert requests.get(url + "mockprep/recording/..%2fmockprep.db", timeout=30).status_code in {404, 422}


def test_analyze_endpoint_bad_upload_is_one_sentence(app_url, tmp_path: Path) -> None:
    from gradio_client import handle_file

    url, _, _ = app_url
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all" * 100)
    html, d, _ = client(url).predict(handle_file(str(bad)), 120, False, api_name="/analyze")
    assert d == {} or d is None
    assert "not an audio file" in html and "kept" in html


def test_new_question_endpoint_changes_the_question(app_url) -> None:
    url, _, _ = app_url
    c = client(url)
    seen = {str(c.predict("leadership", "behavioral", api_name="/new_question")) for _ in range(3)}
    assert len(seen) >= 2


def test_recorder_routes_stream_to_disk_and_transcribe_while_speaking(app_url) -> None:
    """The page's recorder path without the page: open, send half-second pieces, stop."""
    import time
    import uuid

    import numpy as np

    from mockprep import audio

    url, _, demo = app_url
    token = str(uuid.uuid4())
    assert requests.post(f"{url}mockprep/live/{token}/start?limit=120&qid=teamwork-01", timeout=30).ok
    x = (audio.load(FIXTURES / "strong_47s.flac").samples * 32767).astype("<i2")
    step = 8000
    session = demo.room.live[token][0]
    for i in range(0, len(x), step):
        piece = x[i: i + step].tobytes()
        assert requests.post(f"{url}mockprep/live/{token}/chunk?seq={i // step}", data=piece, timeout=30).ok
        if i == 20 * 16000:  # a crash from here on would keep everything said so far, as a playable file
            import soundfile as sf

            assert abs(sf.info(str(session.path)).duration - 20.5) < 0.6
            # ... and the first stretches are transcribed while the rest is still to come.
            deadline = time.monotonic() + 60
            while not session.readings and time.monotonic() < deadline:
                time.sleep(0.1)
            assert session.readings and session.readings[0].words[-1].end < 21
    html, d = demo.room.stop_live(token, False)
    assert d["status"] == "ok" and "mp-transcript" in html and d["question"]
    assert d["star"]["score"] >= 80 and "payroll" in d["transcript"].lower()
    assert np.isclose(d["duration_s"], len(x) / 16000, atol=0.05)
    a = demo.room.store.get(d["attempt_id"])
    assert a.status == "ok" and a.question_id == "teamwork-01"
    # The feedback plays the recording straight from the data folder.
    src = f"mockprep/recording/{a.id}"
    assert f'src="{src}"' in html
    got = requests.get(url + src, timeout=30)
    assert got.ok and got.content == Path(a.audio_path).read_bytes()


def test_recorder_routes_refuse_bad_tokens_and_huge_pieces(app_url) -> None:
    import uuid


    url, _, _ = app_url
    assert requests.post(f"{url}mockprep/live/..%2F..%2Fetc/start", timeout=10).status_code in {400, 404}
    assert requests.post(f"{url}mockprep/live/{uuid.uuid4()}/chunk", data=b"\0" * 100, timeout=10).status_code == 404
    token = str(uuid.uuid4())
    requests.post(f"{url}mockprep/live/{token}/start", timeout=10)
    big = requests.post(f"{url}mockprep/live/{token}/chunk", data=b"\0" * (3 * 1024 * 1024), timeout=30)
    assert big.status_code == 413


def test_mock_interview_asks_the_follow_up_for_the_weakest_part(app_url, tmp_path: Path) -> None:
    """Question, answer, the probe its weakest part calls for, the probe's answer linked to it, and on."""
    from gradio_client import handle_file

    url, _, demo = app_url
    c = client(url)
    first = c.predict(1, api_name="/mock_start")
    assert "Question 1 of 1" in str(first)
    question_html, feedback = c.predict(handle_file(str(wav(tmp_path, "no_result_dashboard"))), 120,
                                        api_name="/mock_answer")  # the interview's state stays on the server
    assert "What was the outcome, in numbers?" in question_html and "mp-transcript" in feedback
    done_html, _ = c.predict(handle_file(str(wav(tmp_path, "too_short"))), 120, api_name="/mock_answer")
    assert "Mock interview done" in done_html
    attempts = demo.room.store.attempts()
    probe = next(a for a in attempts if a.question_text == "What was the outcome, in numbers?")
    main = demo.room.store.get(probe.parent_id)
    assert main.mock_id == probe.mock_id is not None and main.question_id != probe.question_id
