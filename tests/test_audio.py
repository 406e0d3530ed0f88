"""Decoding: every container a browser or phone produces, and one plain sentence for unusable input."""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

from mockprep import audio
from tests.conftest import FIXTURES

SOURCE = FIXTURES / "strong_47s.flac"


def encode(src: np.ndarray, sr: int, path: Path, codec: str, rate: int, channels: int) -> Path:
    """Write src (mono float32 at sr) with PyAV in another container, rate and channel count."""
    x = audio.librosa().resample(src, orig_sr=sr, target_sr=rate) if rate != sr else src
    x = np.tile(x[None, :], (channels, 1)).astype(np.float32)
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout="stereo" if channels == 2 else "mono")
        fmt = stream.codec_context.format.name if stream.codec_context.format else "fltp"
        frame = av.AudioFrame.from_ndarray(x if fmt.endswith("p") else x.T.reshape(1, -1),
                                           format="fltp" if fmt.endswith("p") else "flt",
                                           layout="stereo" if channels == 2 else "mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def source() -> tuple[np.ndarray, int]:
    x, sr = sf.read(SOURCE, dtype="float32")
    return x[: sr * 6], sr  # six seconds is plenty for decoding


@pytest.mark.parametrize(("suffix", "codec", "rate", "channels"), [
    (".wav", "pcm_s16le", 48000, 2),
    (".wav", "pcm_s16le", 8000, 1),
    (".flac", "flac", 44100, 2),
    (".ogg", "libopus", 48000, 1),
    (".mp3", "libmp3lame", 44100, 2),
    (".m4a", "aac", 22050, 1),
    (".webm", "libopus", 48000, 2),
])
def test_decodes_any_container_rate_and_channels(tmp_path: Path, source, suffix, codec, rate, channels) -> None:
    x, sr = source
    path = encode(x, sr, tmp_path / f"clip{suffix}", codec, rate, channels)
    a = audio.load(path)
    assert a.sample_rate == 16000
    assert a.samples.dtype == np.float32 and a.samples.ndim == 1
    assert abs(a.duration_s - 6.0) < 0.15
    assert 0.01 < float(np.abs(a.samples).max()) <= 1.0


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(audio.AudioError, match="There is no file"):
        audio.load(tmp_path / "nope.wav")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(audio.AudioError, match="empty"):
        audio.load(tmp_path / "empty.wav")


@pytest.mark.parametrize("content", [b"hello, this is not audio\n" * 20, bytes(range(256)) * 40])
def test_not_audio(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "answer.mp3"
    p.write_bytes(content)
    with pytest.raises(audio.AudioError, match="not an audio file") as e:
        audio.load(p)
    assert str(e.value).count(".") >= 1 and "\n" not in str(e.value)


def test_folder_is_not_audio(tmp_path: Path) -> None:
    with pytest.raises(audio.AudioError, match="folder"):
        audio.load(tmp_path)


def test_truncated_file_gives_what_is_there(tmp_path: Path) -> None:
    data = SOURCE.read_bytes()
    p = tmp_path / "cut.flac"
    p.write_bytes(data[: len(data) // 3])
    a = audio.load(p)
    assert 5 < a.duration_s < 40


def test_from_array_int16_stereo_48k() -> None:
    x = (np.sin(np.linspace(0, 2000, 48000)) * 20000).astype(np.int16)
    a = audio.from_array(np.stack([x, x], axis=1), 48000)
    assert a.sample_rate == 16000 and a.samples.ndim == 1
    assert abs(a.duration_s - 1.0) < 0.01
    assert 0.5 < float(np.abs(a.samples).max()) <= 1.0


FIRST_USE = """
import numpy as np
from mockprep.audio import librosa
x = np.random.default_rng(0).standard_normal(16000).astype(np.float32)
lib = librosa()
lib.yin(x, fmin=60, fmax=400, sr=16000)
lib.resample(x, orig_sr=16000, target_sr=8000, res_type="soxr_hq")
lib.feature.mfcc(y=x, sr=16000, n_mfcc=13, n_fft=512)
lib.zero_crossings(x)
"""


@pytest.mark.slow
def test_processes_starting_together_leave_librosa_usable(tmp_path: Path) -> None:
    """Four processes load librosa at once into an empty numba cache, then a fifth loads what they left.

    Unguarded, this crashed the fifth (and sometimes one of the four) with a segmentation fault in 4 of 10
    tries here: numba caches a gufunc's kernel and its wrapper in two files (numba/numba#10128)."""
    import subprocess
    import sys

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    together = [subprocess.Popen([sys.executable, "-c", FIRST_USE], env=env, stderr=subprocess.PIPE, text=True)
                for _ in range(4)]
    errors = [p.communicate(timeout=300)[1][-500:] for p in together]  # reads stderr while waiting: no full pipe
    codes = list(zip([p.returncode for p in together], errors, strict=True))
    assert [c for c, _ in codes] == [0] * 4, codes
    assert any((tmp_path / "numba").rglob("*.nbc"))  # the cache really was filled by them
    after = subprocess.run([sys.executable, "-c", FIRST_USE], env=env, capture_output=True, text=True, timeout=300)
    assert after.returncode == 0, (after.returncode, after.stderr[-500:])
