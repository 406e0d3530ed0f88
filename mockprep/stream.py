"""Transcribe while the candidate is still speaking, and read a whole file the same way.

Audio arrives in pieces (browser stream, terminal recorder). Each piece is appended to the attempt's WAV
at once (wavfile.py keeps it valid after every write, so a closed tab or a crash keeps all that was said),
and a worker thread transcribes the stretches segment.py cuts, as soon as each is cut.

Between stretches the worker, when it has nothing else to do, also reads the audio since the last cut up to
the latest short pause: a guess. At Stop the rest is split at that same pause, so the guess is kept and only
the last phrase is left to transcribe. A guess is only ever used for exactly the stretch it read, so the
words never depend on how fast the pieces came or the worker ran: `read_whole` on the finished file gives
the same words.

In the app the guesses are read by child processes (guesser.py): a guess that newer words made useless is
killed where the speaker seems to have finished, or where a cut stretch needs the machine, rather than
holding the worker for a whole read while the last words wait.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mockprep import audio as audio_mod
from mockprep import delivery
from mockprep.config import SETTINGS, Settings
from mockprep.guesser import GuessPool, Ticket
from mockprep.segment import Segmenter
from mockprep.transcribe import recording_gain_db, transcribe
from mockprep.wavfile import WavAppender
from mockprep.words import Span, Word


@dataclass(frozen=True)
class Work:
    kind: str  # "stretch" (a cut stretch), "guess", "stopped" (a guess killed unfinished), "at stop" (after Stop)
    audio_s: float
    wall_s: float
    reused: bool  # a stretch a guess had read already
    start: int = 0  # the stretch read, in samples
    end: int = 0
    began_s: float = 0.0  # when the read began, seconds after the session did (where its time goes)


@dataclass(frozen=True)
class Reading:
    """A stretch transcribed: its words and its pitch track (one value per 10 ms hop)."""

    start: int
    end: int
    words: tuple[Word, ...]
    f0: np.ndarray | None  # None: read by a child, pitch not read yet
    transcribe_s: float = 0.0  # how long the words took, and the pitch (where the worker's time goes)
    pitch_s: float = 0.0


def read(samples: np.ndarray, a: int, b: int, settings: Settings = SETTINGS) -> Reading:
    """Words and pitch of the stretch [a, b) of a recording."""
    t = time.perf_counter()
    words = transcribe(samples[a:b], settings, offset_s=a / settings.sample_rate,
                       gain_db=recording_gain_db(samples, b, settings))
    t2 = time.perf_counter()
    return Reading(a, b, tuple(words), pitch(samples, a, b, settings), t2 - t, time.perf_counter() - t2)


def pitch(samples: np.ndarray, a: int, b: int, settings: Settings = SETTINGS) -> np.ndarray:
    """The pitch track of the stretch [a, b), one value per hop, as `join` lays the stretches end to end."""
    return delivery.pitch_track(samples[a:b], settings)[: (b - a) // int(settings.hop_s * settings.sample_rate)]


def join(readings: list[Reading]) -> tuple[list[Word], np.ndarray]:
    """The words and pitch track of a whole recording from its stretches, in order."""
    readings = sorted(readings, key=lambda r: r.start)
    words = [w for r in readings for w in r.words]
    f0 = np.concatenate([r.f0 for r in readings]) if readings else np.zeros(0)
    return words, f0


def read_whole(samples: np.ndarray, settings: Settings = SETTINGS) -> tuple[list[Word], np.ndarray]:
    """A whole recording, cut where a live stream of it would be cut, stretch by stretch."""
    return join([read(samples, a, b, settings) for a, b in Segmenter(settings).split(samples)])


class StreamSession:
    def __init__(self, path: Path | None, settings: Settings = SETTINGS, resume: bool = False,
                 guesses: GuessPool | None = None) -> None:
        """path=None when the caller writes the audio itself (the terminal recorder does).

        guesses: child processes for the guesses (guesser.py), so that a useless one can be stopped.

        resume: `path` holds the start of this recording already (the server restarted mid-answer): it is
        read back and transcribed, and the pieces that follow are appended to it."""
        self.path = path
        self.settings = settings
        self.sr = settings.sample_rate
        self._buf = np.zeros(60 * self.sr, np.float32)  # grown by doubling: appending stays cheap
        self._n = 0
        self.segmenter = Segmenter(settings)
        self.readings: list[Reading] = []
        self.gaps: list[Span] = []  # audio that never arrived, filled with silence
        self.work: list[Work] = []  # what the worker read, and how long it took (where its time goes)
        self._read_s = 0.5  # the wall time of a read, lately, per unit of cost (see _cost); a quiet machine ~0.4
        self.timings: dict[str, float] = {}
        self._t0 = time.perf_counter()
        self._wav = WavAppender(path, self.sr, resume=resume) if path is not None else None
        self._cond = threading.Condition()
        self._jobs: deque[tuple[int, int]] = deque()
        self._want_guess: tuple[int, int] | None = None
        self._guess: Reading | None = None
        self._busy: tuple[int, int] | None = None  # the stretch the worker is reading
        self._pool = guesses
        self._remote: tuple[tuple[int, int], Ticket] | None = None  # a guess a child is reading
        self._quiet_s = 0.0  # how long it had been quiet when a newer guess was wanted than the child's
        self._reading_cut = False  # ...and it is a cut stretch, not a guess
        self._stopping = False
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._work, daemon=True)
        self._worker.start()
        self.closed = False
        if self._wav is not None and self._wav.frames:
            self._append(audio_mod.from_array(self._wav.read(), self.sr, self.sr).samples, pcm16=None, keep=False)

    # ------------------------------------------------------------ input

    @property
    def samples(self) -> np.ndarray:
        return self._buf[: self._n]

    @property
    def received(self) -> int:
        """Samples held so far, gaps included."""
        return self._n

    @property
    def duration_s(self) -> float:
        return self._n / self.sr

    @property
    def committed(self) -> int:
        return self.segmenter.committed

    @property
    def pending_s(self) -> float:
        """Audio not transcribed yet: what Stop would still have to read."""
        with self._cond:
            done = max((r.end for r in self.readings), default=0)
            if self._guess is not None and self._guess.start == done:
                done = self._guess.end
        return max(0.0, (self._n - done) / self.sr)

    @property
    def backlog(self) -> int:
        """Stretches cut but not transcribed yet (the one being transcribed included)."""
        with self._cond:
            return len(self._jobs) + self._reading_cut

    def settle(self, timeout: float = 60.0) -> None:
        """Wait until the worker has nothing left to do (benchmarks and tests: a worker that keeps up)."""
        with self._cond:
            self._cond.wait_for(lambda: not (self._jobs or self._busy or self._want_guess or self._remote), timeout)

    def feed(self, chunk: np.ndarray, sample_rate: int) -> None:
        """Append a piece of audio (any rate, int or float, mono or stereo)."""
        if self.closed or chunk is None or np.size(chunk) == 0:
            return
        x = audio_mod.from_array(chunk, sample_rate, self.sr).samples
        self._append(x, pcm16=chunk if _is_pcm16(chunk, sample_rate, self.sr) else None)

    def put(self, offset: int, pcm16: bytes) -> int:
        """A piece of 16 kHz mono int16 audio that starts at sample `offset` of the recording.

        A piece sent twice is taken once; audio that never came (an offset beyond what is here) becomes
        silence of the right length, and is recorded in `gaps`. Returns the samples now held."""
        if self.closed:
            return self._n
        x = np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype="<i2")
        if offset < self._n:  # a resent piece, or one that overlaps what is here: keep only what is new
            x = x[self._n - offset:]
            offset = self._n
        if x.size == 0:
            return self._n
        if offset > self._n:
            self.gaps.append(Span(round(self._n / self.sr, 3), round(offset / self.sr, 3)))
            self._append(np.zeros(offset - self._n, np.float32), pcm16=np.zeros(offset - self._n, np.int16))
        self._append(audio_mod.from_array(x, self.sr, self.sr).samples, pcm16=x)
        return self._n

    def _append(self, x: np.ndarray, pcm16: np.ndarray | None, keep: bool = True) -> None:
        """keep: write it to the file too (not when it was read back from there)."""
        if self._wav is not None and keep:
            raw = pcm16 if pcm16 is not None else np.round(np.clip(x, -1, 1 - 1 / 32768) * 32768).astype("<i2")
            self._wav.write(raw)
        if self._n + len(x) > len(self._buf):
            grown = np.zeros(max(2 * len(self._buf), self._n + len(x)), np.float32)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown  # the worker may still read the old buffer: it is left as it was
        self._buf[self._n: self._n + len(x)] = x
        self._n += len(x)
        cut = self.segmenter.push(self.samples)
        with self._cond:
            self._jobs.extend(cut)
            c = self.segmenter.latest_candidate
            # A guess up to the latest pause, unless one for it is made or under way already, or it would keep
            # the worker from the next stretch for long. Where guesses are dear (a busy machine) one waits for a
            # longer quiet, which is more often the end of the answer than a breath in the middle of it.
            want = (self.committed, c) if c is not None else None
            have = {g for g in (self._busy, self._guess and (self._guess.start, self._guess.end),
                                self._remote and self._remote[0]) if g}
            if want is not None and want not in have:
                s = self.settings
                wall = self._read_s * self._cost(*want)
                hasty = wall > s.guess_free_wall_s and self.segmenter.quiet_s(self.samples) < s.guess_quiet_s
                # A guess in a child can be stopped when a commit needs the machine: no cap on its length.
                if (wall > s.guess_max_wall_s and self._pool is None) or hasty:
                    want = None
            if self._remote is not None and want is not None and want != self._remote[0]:
                self._quiet_s = self.segmenter.quiet_s(self.samples)
            self._want_guess = want if want not in have else None
            self._cond.notify_all()

    # ------------------------------------------------------------ worker

    def _cost(self, a: int, b: int) -> float:
        """What reading [a, b) costs, in units of a very short read (the encoder's window is paid anyway)."""
        return 1.0 + (b - a) / self.sr / self.settings.read_fixed_audio_s


    def _work(self) -> None:
        while True:
            with self._cond:
                task = self._next()
                if task is None:
                    return
                (a, b), kind = task
                is_guess = kind != "stretch"
                self._busy, self._reading_cut = (a, b), not is_guess
                reuse = self._guess if self._guess is not None and (self._guess.start, self._guess.end) == (a, b) \
                    else None
            try:
                t = time.perf_counter()
                r = self._with_pitch(reuse) if reuse is not None else read(self.samples, a, b, self.settings)
                with self._cond:
                    took = time.perf_counter() - t
                    if kind != "pitch":
                        self.work.append(Work(kind, (b - a) / self.sr, took, reuse is not None, a, b, t - self._t0))
                    if reuse is None:
                        self._learn(a, b, took, r)
                    if is_guess:
                        self._keep_guess(r)
                    else:
                        self.readings.append(r)
            except Exception as e:  # a failed guess is only redone at Stop; a failed stretch is reported there
                if not is_guess:
                    self._error = e
            finally:
                with self._cond:
                    self._busy, self._reading_cut = None, False
                    self._cond.notify_all()

    def _next(self) -> tuple[tuple[int, int], str] | None:
        """Under the lock: the next task for this thread and its kind ("stretch", "guess", or "pitch" for a
        child's guess), waiting until there is one; None once stopping with nothing left. Guesses go to a
        child process when there is a pool."""
        while True:
            if self._jobs:  # cut stretches always go first; guesses only fill idle time
                job = self._jobs[0]
                if self._remote is not None:
                    if self._remote[0] == job:
                        self._cond.wait()  # a child is reading this very stretch: its words will do
                        continue
                    self._stop_remote()  # it read from an old start: useless now
                return self._jobs.popleft(), "stretch"
            want = self._want_guess
            if want is not None and not self._stopping:
                if self._pool is not None:
                    if self._remote is not None:
                        # Killing a child costs a reload (~0.7 CPU s): only where the speaker seems to have
                        # finished, so that the last words need not wait, and not at every breath.
                        if self._quiet_s < self.settings.guess_quiet_s or not self._worth_stopping(*self._remote):
                            self._cond.wait()  # then the child that is free again takes the new guess
                            continue
                        self._stop_remote()
                    if self._send(want):
                        continue
                    if self._pool.alive():
                        # No child loaded yet (one was killed lately): the guess waits for one rather than
                        # holding this thread, which the cut stretches need, for a read it cannot stop.
                        self._cond.wait(0.1)
                        continue
                self._want_guess = None  # no pool, or no child could start: read it here
                return want, "guess"
            g = self._guess
            if g is not None and g.f0 is None:  # a child's guess: its pitch is read here, while idle
                return (g.start, g.end), "pitch"
            if self._stopping:
                return None
            self._cond.wait()

    def _worth_stopping(self, stretch: tuple[int, int], ticket: Ticket) -> bool:
        """A useless guess under way is stopped unless, at the recent pace, it is nearly done."""
        left = self._read_s * self._cost(*stretch) - (time.perf_counter() - ticket.started)
        return left > self.settings.guess_kill_remaining_s

    def _stop_remote(self) -> None:
        """Under the lock: kill the child reading a guess newer words made useless (noted in `work`)."""
        assert self._remote is not None
        (a, b), ticket = self._remote
        self._remote = None
        ticket.cancel()
        self.work.append(Work("stopped", (b - a) / self.sr, time.perf_counter() - ticket.started, False, a, b,
                              ticket.started - self._t0))

    def _send(self, stretch: tuple[int, int]) -> bool:
        """Under the lock: hand a guess to a free child of the pool; False when none is free."""
        assert self._pool is not None
        a, b = stretch
        gain = recording_gain_db(self.samples, b, self.settings)
        ticket = self._pool.submit(self.samples[a:b], a / self.sr, gain, self._remote_done)
        if ticket is None:
            return False
        self._remote = (stretch, ticket)
        self._want_guess = None
        return True

    def _remote_done(self, ticket: Ticket, words: list[Word] | None, seconds: float) -> None:
        """A child's answer (from the pool's thread); ignored when the guess was stopped meanwhile."""
        with self._cond:
            if self._remote is None or self._remote[1] is not ticket:
                return
            (a, b), self._remote = self._remote[0], None
            took = time.perf_counter() - ticket.started
            self.work.append(Work("guess", (b - a) / self.sr, took, False, a, b, ticket.started - self._t0))
            if words is not None:  # None: the child died; the stretch is read again when it is needed
                r = Reading(a, b, tuple(words), None, seconds)
                self._learn(a, b, took, r)
                self._keep_guess(r)
            self._cond.notify_all()

    def _keep_guess(self, r: Reading) -> None:
        """Under the lock: the newest guess is kept, not one that finished later (a child's and this thread's
        can overlap), nor one from before the last commit."""
        g = self._guess
        if g is None or r.start > g.start or (r.start == g.start and r.end >= g.end):
            self._guess = r

    def _learn(self, a: int, b: int, took: float, r: Reading) -> None:
        """Under the lock: a read's wall time, per unit of cost (a silent stretch skips the model: not a sample)."""
        if b > a and r.words:
            self._read_s = 0.5 * self._read_s + 0.5 * took / self._cost(a, b)

    def _with_pitch(self, r: Reading) -> Reading:
        """A child's guess has no pitch track yet."""
        if r.f0 is not None:
            return r
        t = time.perf_counter()
        f0 = pitch(self.samples, r.start, r.end, self.settings)
        return dataclasses.replace(r, f0=f0, pitch_s=time.perf_counter() - t)

    # ------------------------------------------------------------ stop

    def finish(self) -> tuple[audio_mod.Audio, list[Word], np.ndarray, dict[str, float]]:
        """Wait for the worker, cut the rest, read what no guess read yet, close the file.

        Returns the audio, the words, the pitch track and timings (transcribe_s: Stop -> all words).
        """
        t = time.perf_counter()
        if not self.closed:
            last = self.segmenter.finish(self.samples)
            with self._cond:
                # No new guess; a guess under way in this thread is finished (it cannot be cut short) and kept
                # if it read exactly the first of the last stretches, as it usually does. One in a child is
                # stopped unless it is reading one of them.
                self._stopping = True
                self._want_guess = None
                self._cond.notify_all()
                while self._jobs or self._busy:
                    self._cond.wait()
                if self._remote is not None and self._remote[0] not in last:
                    self._stop_remote()
                remote = self._remote[0] if self._remote is not None else None
            self._worker.join()
            waited = time.perf_counter() - t
            tail = 0
            for a, b in sorted(last, key=lambda s: s == remote):  # the others are read while the child reads
                with self._cond:
                    while remote == (a, b) and self._remote is not None:
                        self._cond.wait()
                    g = self._guess
                if g is not None and (g.start, g.end) == (a, b):
                    self.readings.append(self._with_pitch(g))
                    self.work.append(Work("stretch", (b - a) / self.sr, 0.0, True, a, b, t - self._t0))
                else:
                    began = time.perf_counter()
                    self.readings.append(read(self.samples, a, b, self.settings))
                    self.work.append(Work("at stop", (b - a) / self.sr, time.perf_counter() - began, False, a, b,
                                          began - self._t0))
                    tail += b - a
            if self._wav is not None:
                self._wav.close()
            self.closed = True
            guesses = [w for w in self.work if w.kind == "guess"]
            self.timings = {"wait_s": waited, "tail_audio_s": tail / self.sr, "transcribe_s": time.perf_counter() - t,
                            "guesses": len(guesses), "guesses_kept": sum(w.reused for w in self.work),
                            "guesses_stopped": sum(w.kind == "stopped" for w in self.work),
                            "guess_wall_s": sum(w.wall_s for w in guesses),
                            "stretch_wall_s": sum(w.wall_s for w in self.work if w.kind == "stretch"),
                            "words_wall_s": sum(r.transcribe_s for r in self.readings),
                            "pitch_wall_s": sum(r.pitch_s for r in self.readings)}
        if self._error is not None:
            raise self._error
        words, f0 = join(self.readings)
        return audio_mod.Audio(self.samples.copy(), self.sr), words, f0, dict(self.timings)

    def abandon(self) -> None:
        """Stop the worker and close the file without analysing (tab closed); the audio stays on disk."""
        if not self.closed:
            with self._cond:
                self._stopping = True
                self._jobs.clear()
                self._want_guess = None
                if self._remote is not None:
                    self._stop_remote()
                self._cond.notify_all()
            if self._wav is not None:
                self._wav.close()
            self.closed = True


def _is_pcm16(chunk: np.ndarray, sample_rate: int, target: int) -> bool:
    """Mono int16 at the target rate: written to the file as it came, bit for bit."""
    return sample_rate == target and chunk.dtype == np.int16 and chunk.ndim == 1
