"""Record one spoken answer from the microphone into a WAV file that survives a crash.

sounddevice (PortAudio) is imported only inside functions, so everything else in mockprep works on a
machine with no audio system at all. The file is written by wavfile.WavAppender rather than soundfile: it
rewrites the header sizes after every write, so a killed process still leaves a playable file, while
libsndfile only writes them on close.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from mockprep.wavfile import WavAppender

FALLBACK = "analyse a file with `mockprep analyze FILE`"
BLOCK_S = 0.05  # PortAudio hands over 50 ms blocks: few writes, yet the clock stays smooth
TICK_S = 0.2  # on_tick about five times a second
SOFT_CAP = 3.0  # a soft limit still ends at three times the limit, in case nobody presses Enter
STALL_S = 5.0  # this long without a single block means the device has gone away

Device = str | int | None


class RecorderError(RuntimeError):
    """Recording cannot start or go on; str() is one plain sentence: what is wrong and how to fix it."""


@dataclass(frozen=True)
class Recording:
    path: Path
    duration_s: float
    samplerate: int
    cut_at_limit: bool  # ended by the time limit (or the soft-limit safety cap), not by the caller
    overflowed: bool  # PortAudio dropped input at least once, so the audio has a small gap


def _sounddevice() -> ModuleType:
    """Import sounddevice now, turning each way it can fail into a sentence the user can act on."""
    try:
        import sounddevice
    except OSError as e:  # on Linux sounddevice does not bundle PortAudio, and raises this without it
        raise RecorderError("No audio system found: install PortAudio (sudo apt-get install libportaudio2) "
                            f"or {FALLBACK}.") from e
    except ImportError as e:
        raise RecorderError(f"The sounddevice package is missing: reinstall mockprep (pip install mockprep) "
                            f"or {FALLBACK}.") from e
    except Exception as e:  # PortAudio is there but failed to start (its own PortAudioError)
        raise RecorderError(f"The audio system could not start ({e}): check your sound settings or {FALLBACK}.") from e
    return sounddevice


def _no_microphone(detail: str = "") -> RecorderError:
    why = f" ({detail})" if detail else ""
    return RecorderError(f"No microphone found{why}: connect one and check it is enabled in your sound settings, "
                         f"or {FALLBACK}.")


def _input_names(sd: ModuleType) -> list[str]:
    return [d["name"] for d in sd.query_devices() if d["max_input_channels"] > 0]


def _as_device(device: Device) -> Device:
    """A number typed on the command line arrives as text; PortAudio wants it as an index."""
    if isinstance(device, str) and device.strip().isdigit():
        return int(device)
    return device


def _input_device(sd: ModuleType, device: Device) -> tuple[Device, dict[str, Any]]:
    """The device to open and PortAudio's description of it, or RecorderError."""
    names = _input_names(sd)
    if not names:
        raise _no_microphone()
    device = _as_device(device)
    default = sd.default.device[0]
    if device is None and isinstance(default, int) and default < 0:
        device = names[0]  # inputs exist but none is the default (common on bare ALSA): take the first
    try:
        return device, dict(sd.query_devices(device, "input"))
    except ValueError as e:  # a name or number that matches no input device
        raise RecorderError(f"No microphone matches {device!r}: use one of {', '.join(names)}.") from e
    except sd.PortAudioError as e:
        raise _no_microphone(str(e)) from e


def input_devices() -> list[str]:
    """Names of the devices that can record, as PortAudio lists them (any of them can be passed as `device`)."""
    return _input_names(_sounddevice())


def check(device: Device = None) -> None:
    """Raise RecorderError when recording cannot work here: no PortAudio, no sounddevice, or no microphone."""
    _input_device(_sounddevice(), device)


class _Capture:
    """What PortAudio's callback shares with the writing loop: a queue of blocks and an overflow flag."""

    def __init__(self) -> None:
        self.blocks: queue.Queue[np.ndarray] = queue.Queue()
        self.overflowed = threading.Event()

    def callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        # Runs on PortAudio's real-time thread: no file I/O or waiting here, or the device overruns.
        if status.input_overflow:
            self.overflowed.set()
        self.blocks.put(indata.copy())

    def take(self, timeout: float) -> np.ndarray | None:
        """Every block waiting (one array), after waiting up to `timeout` for the first; None if none came."""
        try:
            got = [self.blocks.get(timeout=timeout)]
        except queue.Empty:
            return None
        while not self.blocks.empty():  # catch up in one write after a slow on_block
            got.append(self.blocks.get_nowait())
        return np.concatenate(got).reshape(-1)


def _open_stream(sd: ModuleType, device: Device, samplerate: int, capture: _Capture) -> Any:
    try:
        stream = sd.InputStream(device=device, samplerate=samplerate, channels=1, dtype="int16",
                                blocksize=max(1, round(samplerate * BLOCK_S)), callback=capture.callback)
    except sd.PortAudioError as e:
        raise _no_microphone(str(e)) from e
    try:
        stream.start()
    except sd.PortAudioError as e:
        stream.close()
        raise _no_microphone(str(e)) from e
    return stream


class _Loop:
    """Moves blocks from the capture queue into the file until stopped or at the end frame."""

    def __init__(self, capture: _Capture, writer: WavAppender, samplerate: int, end_frame: int,
                 on_block: Callable[[np.ndarray, int], None] | None) -> None:
        self.capture, self.writer, self.samplerate = capture, writer, samplerate
        self.end_frame, self.on_block = end_frame, on_block

    def put(self, block: np.ndarray) -> bool:
        """Write a block (cut at the end frame); True once the end frame is reached."""
        block = block[: self.end_frame - self.writer.frames]
        if len(block):
            self.writer.write(block)
            if self.on_block is not None:
                self.on_block(block, self.samplerate)
        return self.writer.frames >= self.end_frame

    def run(self, stop: threading.Event, on_tick: Callable[[float], None] | None) -> bool:
        """Record until `stop` is set (False) or the end frame is reached (True)."""
        last_tick = last_audio = time.monotonic()
        while not stop.is_set():
            block = self.capture.take(TICK_S)
            now = time.monotonic()
            if block is not None:
                last_audio = now
                if self.put(block):
                    return True
            elif now - last_audio > STALL_S:
                raise RecorderError(f"The microphone stopped sending audio: check it is connected and not muted, "
                                    f"then record again (what it sent so far is in {self.writer.path}).")
            if on_tick is not None and now - last_tick >= TICK_S:
                on_tick(self.writer.frames / self.samplerate)
                last_tick = now
        return False

    def drain(self) -> bool:
        """After the stream is closed: keep the blocks still queued, which were heard before the stop."""
        block = self.capture.take(0)
        return block is not None and self.put(block)


def record(path: Path, limit_s: float = 120.0, *, soft: bool = False, device: Device = None,
           samplerate: int | None = None, stop: threading.Event | None = None,
           on_tick: Callable[[float], None] | None = None,
           on_block: Callable[[np.ndarray, int], None] | None = None) -> Recording:
    """Record mono int16 audio into the WAV file `path` until `stop` is set or the limit is reached.

    Without `soft` the recording ends at `limit_s`; with it, it goes on until stopped (at most three
    times the limit). `on_tick(elapsed_s)` is called about five times a second with the seconds of audio
    so far; `on_block(samples, samplerate)` gets each stretch of audio (1-D int16) as it is written, and
    should return quickly. Raises RecorderError when recording cannot start or the device goes silent.
    """
    sd = _sounddevice()
    device, info = _input_device(sd, device)
    rate = int(samplerate or info["default_samplerate"])  # not every device can do 16 kHz; analysis resamples
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    capture = _Capture()
    writer = WavAppender(path, rate)  # created before the stream starts, so even the first block lands safely
    loop = _Loop(capture, writer, rate, round(limit_s * (SOFT_CAP if soft else 1.0) * rate), on_block)
    try:
        stream = _open_stream(sd, device, rate, capture)
    except RecorderError:
        writer.close()
        path.unlink(missing_ok=True)  # nothing was heard: leave no empty recording behind
        raise
    try:
        try:
            cut = loop.run(stop or threading.Event(), on_tick)
        finally:
            stream.stop()
            stream.close()
        cut = loop.drain() or cut
    finally:
        writer.close()
    return Recording(path, writer.frames / rate, rate, cut, capture.overflowed.is_set())
