"""A recording on disk that is always a playable WAV: written as it is heard, valid after every write.

The header's sizes are patched after each piece, and the file is handed to the OS at once (and to the disk
every few seconds), so a closed tab, a crash or `kill -9` loses nothing already received. A recording that
was cut off can be reopened and continued (the server restarted while the page kept its pieces).
"""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import numpy as np

HEADER_BYTES = 44  # RIFF + fmt (16) + data: the canonical PCM header, the only one written here
FSYNC_S = 5.0


class WavAppender:
    def __init__(self, path: Path, samplerate: int, resume: bool = False) -> None:
        self.path = Path(path)
        self.samplerate = samplerate
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if resume and self.path.is_file() and self.path.stat().st_size >= HEADER_BYTES:
            self._file = self.path.open("r+b")
            self.frames = self._check_header()
        else:
            self._file = self.path.open("w+b")
            self._file.write(_header(samplerate, 0))
            self.frames = 0
        self._file.seek(HEADER_BYTES + 2 * self.frames)
        self._file.truncate()  # half a sample from a write cut short
        self._patch()
        self._synced = time.monotonic()

    def _check_header(self) -> int:
        head = self._file.read(HEADER_BYTES)
        riff, _, wave, fmt, fmt_len, pcm, channels, rate, _, _, bits, data = struct.unpack("<4sI4s4sIHHIIHH4s",
                                                                                          head[:40])
        if (riff, wave, fmt, fmt_len, pcm, channels, bits, data) != (b"RIFF", b"WAVE", b"fmt ", 16, 1, 1, 16, b"data") \
                or rate != self.samplerate:
            raise ValueError(f"{self.path.name} is not a recording this writer can continue")
        # Trust the file's length over its header: a kill between a write and its header patch loses nothing.
        return (self.path.stat().st_size - HEADER_BYTES) // 2

    def read(self) -> np.ndarray:
        """Everything written so far, as int16."""
        self._file.flush()
        return np.fromfile(self.path, dtype="<i2", count=self.frames, offset=HEADER_BYTES)

    def write(self, block: np.ndarray) -> None:
        data = np.asarray(block, dtype="<i2").tobytes()
        self._file.seek(HEADER_BYTES + 2 * self.frames)
        self._file.write(data)
        self.frames += len(data) // 2
        self._patch()
        if time.monotonic() - self._synced >= FSYNC_S:
            os.fsync(self._file.fileno())
            self._synced = time.monotonic()

    def _patch(self) -> None:
        size = 2 * self.frames
        self._file.seek(4)
        self._file.write(struct.pack("<I", 36 + size))
        self._file.seek(40)
        self._file.write(struct.pack("<I", size))
        self._file.flush()  # to the OS now: a killed process then loses nothing already written

    def close(self) -> None:
        if not self._file.closed:
            self._patch()
            os.fsync(self._file.fileno())
            self._file.close()


def _header(samplerate: int, frames: int) -> bytes:
    size = 2 * frames
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + size, b"WAVE", b"fmt ", 16, 1, 1, samplerate,
                       2 * samplerate, 2, 16, b"data", size)
