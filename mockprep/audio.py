"""Decode any audio file to 16 kHz mono float32, or say in one sentence why it cannot be used."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from mockprep.config import SETTINGS


@functools.cache
def librosa() -> ModuleType:
    """librosa, first imported under a lock that every mockprep process on this machine shares.

    Loading librosa compiles its numba gufuncs and caches them on disk. Two processes doing that at once can
    leave a kernel from one build and its wrapper from the other, and every later process that loads them
    crashes with a segmentation fault (numba/numba#10128; it happened here with two test lanes starting
    together). One process at a time fills the cache, and the others then only read it.
    """
    from filelock import FileLock, Timeout
    from platformdirs import user_cache_dir

    lock_dir = Path(user_cache_dir("mockprep", appauthor=False))
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_dir / "librosa-import.lock", timeout=600)
        lock.acquire()
    except (OSError, Timeout):  # nowhere to lock, or a stuck holder: importing unguarded beats not working
        lock = None
    try:
        import librosa as module

        # Each of these loads a module that holds gufuncs, so all of them compile while the lock is held.
        _ = module.yin, module.resample, module.zero_crossings, module.feature.mfcc
        return module
    finally:
        if lock is not None:
            lock.release()


class AudioError(ValueError):
    """The input cannot be used; str(error) is one plain sentence for the user."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32, mono, at sample_rate
    sample_rate: int
    damaged_at_s: float | None = None  # the file broke off here (truncated, corrupt): what came before is kept

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
    samples, damaged_at = _decode(p, sample_rate)
    if samples.size == 0:
        raise AudioError(f"{p.name} contains no audio we can read.")
    return Audio(samples=samples, sample_rate=sample_rate, damaged_at_s=damaged_at)


def _decode(p: Path, sample_rate: int) -> tuple[np.ndarray, float | None]:
    """Samples, and where the file broke off if it did (None when it decoded to its end).

    PyAV (bundled FFmpeg, via faster-whisper) reads every container browsers and phones produce and needs
    no system ffmpeg. Packets that do not decode are skipped, as faster-whisper's own reader does, but
    noted: a truncated or damaged file is analysed up to where it breaks, and the user is told so.
    """
    import av

    chunks: list[np.ndarray] = []
    broken = False
    try:
        container = av.open(str(p), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, IndexError, ValueError, StopIteration) as e:
        raise AudioError(f"{p.name} is not an audio file we can read (it may be corrupt or another format).") from e
    except OSError as e:
        raise AudioError(f"{p.name} could not be read: {e.strerror or e}.") from e
    with container:
        if not container.streams.audio:
            raise AudioError(f"{p.name} has no sound in it (no audio track).")
        stream = container.streams.audio[0]
        declared = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
        resampler = av.AudioResampler(format="s16", layout="mono", rate=sample_rate)
        try:
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    broken = True
                    continue
                for frame in frames:
                    frame.pts = None  # resample by order, as faster-whisper does: no timestamp checks
                    chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
        except (av.error.FFmpegError, ValueError, IndexError) as e:
            if not chunks:
                raise AudioError(f"{p.name} is not an audio file we can read (it may be corrupt or another "
                                 "format).") from e
            broken = True
    samples = np.concatenate(chunks).astype(np.float32) / 32768.0 if chunks else np.zeros(0, np.float32)
    got = len(samples) / sample_rate
    declared = _wav_declared_s(p) or declared  # FFmpeg trims a WAV's declared size to the file's
    if declared is not None and declared - got > 0.5:
        broken = True  # the header promised more than the file holds: cut short
    return samples, (round(got, 2) if broken and got > 0 else None)


def _wav_declared_s(p: Path) -> float | None:
    """The length a WAV file's header promises (a recording cut off mid-write promises more than it holds)."""
    import wave

    try:
        with wave.open(str(p), "rb") as w:
            return w.getnframes() / w.getframerate()
    except (wave.Error, EOFError, OSError, ZeroDivisionError):
        return None  # not a plain PCM WAV: FFmpeg's reading stands


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
        x = librosa().resample(x, orig_sr=sample_rate, target_sr=target_rate, res_type="soxr_hq")
    return Audio(samples=np.ascontiguousarray(x, dtype=np.float32), sample_rate=target_rate)
