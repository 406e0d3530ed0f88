"""Transcribe while the candidate is still speaking.

Audio arrives in pieces (browser stream, terminal recorder). Each piece is appended to the attempt's WAV
at once (the stdlib wave writer patches the header on every write, so a closed tab or a crash keeps all
that was said), and a worker thread transcribes the audio in stretches committed at pauses, or every
~25 s at the quietest point. At Stop only the last stretch is left to transcribe.
"""

from __future__ import annotations

import queue
import threading
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mockprep import audio as audio_mod
from mockprep import delivery
from mockprep.config import SETTINGS, Settings
from mockprep.transcribe import Word, transcribe


@dataclass
class StreamSession:
    path: Path | None  # None when the caller writes the audio itself (the terminal recorder does)
    settings: Settings = SETTINGS
    samples: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    committed: int = 0  # audio before this sample index has been handed to the worker
    words: list[Word] = field(default_factory=list)
    f0_parts: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sr = self.settings.sample_rate
        self._wav = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._wav = wave.open(str(self.path), "wb")  # noqa: SIM115 - closed in finish()
            self._wav.setnchannels(1)
            self._wav.setsampwidth(2)
            self._wav.setframerate(self.sr)
        self._jobs: queue.Queue[tuple[int, int] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._work, daemon=True)
        self._worker.start()
        self.closed = False

    # ------------------------------------------------------------ input

    def feed(self, chunk: np.ndarray, sample_rate: int) -> None:
        """Append a piece of audio (any rate, int or float, mono or stereo)."""
        if self.closed or chunk is None or np.size(chunk) == 0:
            return
        x = audio_mod.from_array(chunk, sample_rate, self.sr).samples
        if self._wav is not None:
            self._wav.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
        with self._lock:
            self.samples = np.concatenate([self.samples, x])
        self._maybe_commit()

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sr

    @property
    def pending_s(self) -> float:
        return (len(self.samples) - self.committed) / self.sr

    def _maybe_commit(self) -> None:
        s = self.settings
        region = self.samples[self.committed:]
        if len(region) < s.stream_min_commit_s * self.sr:
            return
        cut = self._pause_cut(region)
        if cut is None and len(region) >= s.max_chunk_s * self.sr:
            cut = self._quietest_cut(region)
        if cut is not None:
            self._commit(self.committed + cut)

    def _pause_cut(self, region: np.ndarray) -> int | None:
        """The middle of the last clear pause after the minimum stretch, or None."""
        s = self.settings
        db = delivery.frame_db(region, s)
        silent = delivery.silence_mask(db, s) if np.ptp(db) > 6 else np.ones_like(db, bool)
        hop = int(s.hop_s * self.sr)
        min_frames = int(s.stream_min_commit_s / s.hop_s)
        best = None
        for a, b in delivery._runs(silent):
            if a < min_frames or (b - a) * s.hop_s < s.stream_commit_pause_s:
                continue
            if b < len(silent) - 1:
                best = (a + b) // 2  # a pause with speech after it
            elif (b - a) * s.hop_s >= s.stream_trailing_quiet_s:
                best = a + int(s.stream_commit_pause_s / s.hop_s)  # a long quiet so far: perhaps the answer's end
        return best * hop if best is not None else None

    def _quietest_cut(self, region: np.ndarray) -> int:
        """No pause for too long: cut at the quietest 10 ms in the last five seconds."""
        s = self.settings
        db = delivery.frame_db(region, s)
        lo = max(0, len(db) - int(5 / s.hop_s))
        return int((lo + int(np.argmin(db[lo:]))) * s.hop_s * self.sr)

    def _commit(self, end: int) -> None:
        if end > self.committed:
            self._jobs.put((self.committed, end))
            self.committed = end

    # ------------------------------------------------------------ worker

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                self._jobs.task_done()
                return
            a, b = job
            try:
                piece = self.samples[a:b]
                words = transcribe(piece, self.settings, offset_s=a / self.sr)
                f0 = delivery.pitch_track(piece, self.settings)
                with self._lock:
                    self.words.extend(words)
                    self.f0_parts.append(f0[: (b - a) // int(self.settings.hop_s * self.sr)])
            except BaseException as e:  # reported at finish(); the audio is safe on disk either way
                self._error = e
            finally:
                self._jobs.task_done()

    # ------------------------------------------------------------ stop

    def finish(self) -> tuple[audio_mod.Audio, list[Word], np.ndarray, dict[str, float]]:
        """Commit the last stretch, wait for the worker, close the file; returns audio, words, pitch, timings."""
        t = time.perf_counter()
        if not self.closed:
            self._commit(len(self.samples))
            self._jobs.put(None)
            self._jobs.join()
            if self._wav is not None:
                self._wav.close()
            self.closed = True
        if self._error is not None:
            raise self._error
        f0 = np.concatenate(self.f0_parts) if self.f0_parts else np.zeros(0)
        audio = audio_mod.Audio(self.samples.astype(np.float32), self.sr)
        return audio, sorted(self.words, key=lambda w: w.start), f0, {"transcribe_s": time.perf_counter() - t}

    def abandon(self) -> None:
        """Stop the worker and close the file without analysing (tab closed); the audio stays on disk."""
        if not self.closed:
            self._jobs.put(None)
            if self._wav is not None:
                self._wav.close()
            self.closed = True
