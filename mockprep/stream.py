"""Transcribe while the candidate is still speaking.

Audio arrives in pieces (browser stream, terminal recorder). Each piece is appended to the attempt's WAV
at once (the stdlib wave writer patches the header on every write, so a closed tab or a crash keeps all
that was said), and a worker thread transcribes the audio in stretches committed at pauses (at least
stream_min_commit_s long, so Whisper has context), or every ~25 s at the quietest point.

Between commits the worker, when idle, also transcribes the uncommitted audio up to its latest pause: a
guess, replaced by a longer one at the next pause. At Stop the guess is kept and only the audio after it,
usually a few words or nothing, is transcribed. Stretches and guesses start at the same points, so a guess
reads exactly what a commit would.
"""

from __future__ import annotations

import threading
import time
import wave
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mockprep import audio as audio_mod
from mockprep import delivery
from mockprep.config import SETTINGS, Settings
from mockprep.transcribe import Word, transcribe


@dataclass(frozen=True)
class Guess:
    start: int  # sample index: the committed point when it was made
    end: int  # inside a pause
    words: list[Word]
    f0: np.ndarray


class StreamSession:
    def __init__(self, path: Path | None, settings: Settings = SETTINGS) -> None:
        """path=None when the caller writes the audio itself (the terminal recorder does)."""
        self.path = path
        self.settings = settings
        self.sr = settings.sample_rate
        self._hop = int(settings.hop_s * self.sr)
        self._buf = np.zeros(60 * self.sr, np.float32)  # grown by doubling: appending stays cheap
        self._n = 0
        self.committed = 0  # audio before this sample index has been handed to the worker
        self.words: list[Word] = []
        self.f0_parts: list[np.ndarray] = []
        self.guess: Guess | None = None
        self.timings: dict[str, float] = {}
        self._wav = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._wav = wave.open(str(path), "wb")  # noqa: SIM115 - closed in finish()
            self._wav.setnchannels(1)
            self._wav.setsampwidth(2)
            self._wav.setframerate(self.sr)
        self._cond = threading.Condition()
        self._jobs: deque[tuple[int, int]] = deque()
        self._want_guess: tuple[int, int] | None = None
        self._busy: str | None = None  # 'commit' or 'guess' while the worker reads
        self._stopping = False
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._work, daemon=True)
        self._worker.start()
        self.closed = False

    # ------------------------------------------------------------ input

    @property
    def samples(self) -> np.ndarray:
        return self._buf[: self._n]

    @property
    def duration_s(self) -> float:
        return self._n / self.sr

    @property
    def pending_s(self) -> float:
        return (self._n - self.committed) / self.sr

    @property
    def backlog(self) -> int:
        """Committed stretches not transcribed yet (the one being transcribed included)."""
        with self._cond:
            return len(self._jobs) + (self._busy == "commit")

    def settle(self, timeout: float = 60.0) -> None:
        """Wait until the worker has nothing left to do (benchmarks and tests: a worker that keeps up)."""
        with self._cond:
            self._cond.wait_for(lambda: not (self._jobs or self._busy or self._want_guess), timeout)

    def feed(self, chunk: np.ndarray, sample_rate: int, last: bool = False) -> None:
        """Append a piece of audio (any rate, int or float, mono or stereo).

        last: Stop follows at once; the piece is only kept, since a guess started now would make Stop
        wait for it, and Stop transcribes what follows the last guess anyway."""
        if self.closed or chunk is None or np.size(chunk) == 0:
            return
        x = audio_mod.from_array(chunk, sample_rate, self.sr).samples
        if self._wav is not None:
            self._wav.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
        if self._n + len(x) > len(self._buf):
            grown = np.zeros(max(2 * len(self._buf), self._n + len(x)), np.float32)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown  # the worker may still read the old buffer: it is left as it was
        self._buf[self._n: self._n + len(x)] = x
        self._n += len(x)
        s = self.settings
        region = self.samples[self.committed:]
        if last or len(region) < min(s.stream_guess_min_s, s.stream_min_commit_s) * self.sr:
            return
        # One loudness pass over the uncommitted audio serves both the commit and the guess decisions.
        db = delivery.frame_db(region, s)
        silent = delivery.silence_mask(db, s) if np.ptp(db) > 6 else np.ones_like(db, bool)
        if not self._maybe_commit(db, silent) and len(region) >= s.stream_guess_min_s * self.sr:
            self._maybe_guess(silent)

    def _maybe_commit(self, db: np.ndarray, silent: np.ndarray) -> bool:
        s = self.settings
        n = self._n - self.committed
        if n < s.stream_min_commit_s * self.sr:
            return False
        cut = self._pause_cut(silent, s.stream_min_commit_s, s.stream_commit_pause_s, s.stream_trailing_quiet_s)
        if cut is None and n >= s.max_chunk_s * self.sr:
            cut = self._quietest_cut(db)
        if cut is None:
            return False
        self._commit(self.committed + cut)
        return True

    def _maybe_guess(self, silent: np.ndarray) -> None:
        """Ask for a guess up to the latest pause, if speech came since the last guess."""
        s = self.settings
        cut = self._pause_cut(silent, s.stream_guess_min_s, s.stream_guess_pause_s, s.stream_guess_pause_s)
        if cut is None:
            return
        with self._cond:
            known = [g for g in (self._want_guess, self.guess and (self.guess.start, self.guess.end)) if g]
            since = max((b for a, b in known if a == self.committed), default=self.committed) - self.committed
            heard_s = int((~silent[since // self._hop: cut // self._hop]).sum()) * s.hop_s
            if cut <= since or heard_s < 0.1:  # no new words since the last guess
                return
            self._want_guess = (self.committed, self.committed + cut)
            self._cond.notify_all()

    def _pause_cut(self, silent: np.ndarray, min_s: float, pause_s: float, trailing_s: float) -> int | None:
        """The middle of the last pause of pause_s after min_s of audio (or of a trailing quiet), or None."""
        s = self.settings
        min_frames = int(min_s / s.hop_s)
        best = None
        for a, b in delivery._runs(silent):
            if a < min_frames or (b - a) * s.hop_s < pause_s:
                continue
            if b < len(silent) - 1:
                best = (a + b) // 2  # a pause with speech after it
            elif (b - a) * s.hop_s >= trailing_s:
                best = a + int(pause_s / s.hop_s)  # quiet so far: perhaps the answer's end
        return best * self._hop if best is not None else None

    def _quietest_cut(self, db: np.ndarray) -> int:
        """No pause for too long: cut at the quietest 10 ms in the last five seconds."""
        lo = max(0, len(db) - int(5 / self.settings.hop_s))
        return (lo + int(np.argmin(db[lo:]))) * self._hop

    def _commit(self, end: int) -> None:
        if end > self.committed:
            with self._cond:
                self._jobs.append((self.committed, end))
                self.committed = end
                self._want_guess = None  # it started before the new committed point
                self._cond.notify_all()

    # ------------------------------------------------------------ worker

    def _pitch(self, a: int, b: int) -> np.ndarray:
        """Pitch of [a, b), one value per hop: stretches' tracks join into the whole recording's."""
        return delivery.pitch_track(self.samples[a:b], self.settings)[: (b - a) // self._hop]

    def _read(self, a: int, b: int) -> tuple[list[Word], np.ndarray]:
        return transcribe(self.samples[a:b], self.settings, offset_s=a / self.sr), self._pitch(a, b)

    def _reuse(self, a: int, b: int) -> list[Word] | None:
        """The guess's words for the stretch [a, b) when it read the same audio up to the same pause."""
        g = self.guess
        if g is None or g.start != a or abs(g.end - b) > 0.3 * self.sr or any(w.end > b / self.sr for w in g.words):
            return None
        return g.words

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and self._want_guess is None and not self._stopping:
                    self._cond.wait()
                if self._jobs:
                    (a, b), is_guess = self._jobs.popleft(), False
                elif self._want_guess is not None and not self._stopping:
                    (a, b), is_guess = self._want_guess, True
                    self._want_guess = None
                else:
                    return
                self._busy = "guess" if is_guess else "commit"
            try:
                if is_guess:
                    words, f0 = self._read(a, b)
                    self.guess = Guess(a, b, words, f0)
                else:
                    reused = self._reuse(a, b)
                    words, f0 = (reused, self._pitch(a, b)) if reused is not None else self._read(a, b)
                    with self._cond:
                        self.words.extend(words)
                        self.f0_parts.append(f0)
            except Exception as e:  # a failed guess is only redone at Stop; a failed stretch is reported there
                if not is_guess:
                    self._error = e
            finally:
                with self._cond:
                    self._busy = None
                    self._cond.notify_all()

    # ------------------------------------------------------------ stop

    def finish(self) -> tuple[audio_mod.Audio, list[Word], np.ndarray, dict[str, float]]:
        """Wait for the worker, keep the guess, transcribe what follows it, close the file.

        Returns the audio, the words, the pitch track and timings (transcribe_s: Stop -> all words).
        """
        t = time.perf_counter()
        if not self.closed:
            with self._cond:
                self._stopping = True
                self._want_guess = None
                self._cond.notify_all()
                while self._jobs or self._busy:
                    self._cond.wait()
            self._worker.join()
            waited = time.perf_counter() - t
            a, end = self.committed, self._n
            g = self.guess
            if g is not None and g.start == a and g.end <= end:
                self.words.extend(g.words)
                self.f0_parts.append(g.f0)
                a = g.end
            if end > a:
                words, f0 = self._read(a, end)
                self.words.extend(words)
                self.f0_parts.append(f0)
            self.committed = end
            if self._wav is not None:
                self._wav.close()
            self.closed = True
            self.timings = {"wait_s": waited, "tail_audio_s": (end - a) / self.sr,
                            "transcribe_s": time.perf_counter() - t}
        if self._error is not None:
            raise self._error
        f0 = np.concatenate(self.f0_parts) if self.f0_parts else np.zeros(0)
        audio = audio_mod.Audio(self.samples.copy(), self.sr)
        return audio, sorted(self.words, key=lambda w: w.start), f0, dict(self.timings)

    def abandon(self) -> None:
        """Stop the worker and close the file without analysing (tab closed); the audio stays on disk."""
        if not self.closed:
            with self._cond:
                self._stopping = True
                self._jobs.clear()
                self._want_guess = None
                self._cond.notify_all()
            if self._wav is not None:
                self._wav.close()
            self.closed = True
