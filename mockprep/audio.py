"""Decode any audio file to 16 kHz mono float32, or say in one sentence why it cannot be used."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mockprep.config import SETTINGS


class AudioError(ValueError):
    """The input cannot be used; str(error) is one plain sentence for the user."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32, mono, at sample_rate
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def load(path: str | Path, sample_rate: int = SETTINGS.sample_rate, max_upload_mb: float | None = None) -> Audio:
    """Decode wav/flac/ogg/mp3/m4a/webm (anything FFmpeg reads) at any rate and channel count.

    `max_upload_mb` is the caller's size cap (their Settings); the global default when not given.
    """
    p = Path(path)
    if not p.exists():
        raise AudioError(f"There is no file at {p}.")
    if p.is_dir():
        raise AudioError(f"{p} is a folder, not an audio file.")
    size = p.stat().st_size
    if size == 0:
        raise AudioError(f"{p.name} is empty (0 bytes).")
    cap_mb = SETTINGS.max_upload_mb if max_upload_mb is None else max_upload_mb
    if size > cap_mb * 1024 * 1024:
        raise AudioError(f"{p.name} is larger than {cap_mb:g} MB; record a shorter answer.")
    samples = _decode(p, sample_rate)
    if samples.size == 0:
        raise AudioError(f"{p.name} contains no audio we can read.")
    return Audio(samples=samples, sample_rate=sample_rate)


def _decode(p: Path, sample_rate: int) -> np.ndarray:
    # PyAV (bundled FFmpeg, via faster-whisper) reads every container browsers and phones produce,
    # resamples and downmixes in one pass, and needs no system ffmpeg.
    import av
    from faster_whisper.audio import decode_audio

    try:
        samples = decode_audio(str(p), sampling_rate=sample_rate)
    except (av.error.FFmpegError, av.error.InvalidDataError, IndexError, ValueError, StopIteration) as e:
        raise AudioError(f"{p.name} is not an audio file we can read (it may be corrupt or another format).") from e
    except OSError as e:
        raise AudioError(f"{p.name} could not be read: {e.strerror or e}.") from e
    samples = np.asarray(samples, dtype=np.float32)
    if not np.all(np.isfinite(samples)):
        samples = np.nan_to_num(samples, nan=0.0, posinf=0.0, neginf=0.0)
    return samples


def from_array(samples: np.ndarray, sample_rate: int, target_rate: int = SETTINGS.sample_rate) -> Audio:
    """Wrap in-memory audio (int16 or float, mono or (n, channels)) as 16 kHz mono float32."""
    x = np.asarray(samples)
    if x.dtype.kind == "i":  # full scale is 2**(bits-1), as FFmpeg decodes a file: the same samples either way
        x = x.astype(np.float32) / float(-np.iinfo(x.dtype).min)
    elif x.dtype.kind == "u":
        x = (x.astype(np.float32) - 2 ** (8 * x.dtype.itemsize - 1)) / 2 ** (8 * x.dtype.itemsize - 1)
    x = x.astype(np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if sample_rate != target_rate and x.size:
        import librosa

        x = librosa.resample(x, orig_sr=sample_rate, target_sr=target_rate, res_type="soxr_hq")
    return Audio(samples=np.ascontiguousarray(x, dtype=np.float32), sample_rate=target_rate)
