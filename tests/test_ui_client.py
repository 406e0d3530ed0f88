"""The practice room's analysis endpoint through gradio_client, against a launched app."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    from mockprep.config import SETTINGS
    from mockprep.ui.app import build_app
    from mockprep.ui.render import CSS

    data = tmp_path_factory.mktemp("data")
    settings = SETTINGS.with_overrides(data_dir=data)
    demo = build_app(settings)
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True, css=CSS)
    yield url, data
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

    url, data = app_url
    html, d = client(url).predict(handle_file(str(wav(tmp_path, "we_only_outage"))), 120, False, api_name="/analyze")
    assert d["status"] == "ok"
    assert "mp-transcript" in html and "STAR timeline" in html
    assert not d["star"]["checks"]["action_uses_i"]["passed"]
    kept = Path(d["audio_path"])
    assert kept.is_relative_to(data / "recordings") and kept.stat().st_size > 100_000


def test_analyze_endpoint_bad_upload_is_one_sentence(app_url, tmp_path: Path) -> None:
    from gradio_client import handle_file

    url, _ = app_url
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all" * 100)
    html, d = client(url).predict(handle_file(str(bad)), 120, False, api_name="/analyze")
    assert d == {} or d is None
    assert "not an audio file" in html and "kept" in html


def test_new_question_endpoint_changes_the_question(app_url) -> None:
    url, _ = app_url
    c = client(url)
    seen = {str(c.predict("leadership", "behavioral", api_name="/new_question")) for _ in range(3)}
    assert len(seen) >= 2
