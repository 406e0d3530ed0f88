"""Guesses that can be stopped: each runs in a child process with its own copy of the model.

While the candidate speaks, the stream's worker reads ahead to the latest short pause (a guess, stream.py).
When the candidate goes on speaking, that guess is useless, but CTranslate2 cannot cut a read short, and on
a busy machine one read takes seconds: the read of the last words, the one the feedback waits for, queued
behind it. A child process can be killed, which frees its CPU at once. The pool keeps `size` children
loaded, so that when one is killed the next guess starts in another at once while a new one loads.

Children are plain `python -m mockprep.guesser` processes fed over their stdin and stdout (pickles of
numpy arrays and words, between this process and its own children only). A child reads exactly what the
worker would (`transcribe` with the same settings), so a guess gives the same words wherever it ran.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mockprep.config import Settings
from mockprep.words import Word

# Called with the ticket, the words (None: the child died) and the seconds the child took.
Done = Callable[["Ticket", list[Word] | None, float], None]


@dataclass(eq=False)
class Ticket:
    """One guess sent to a child; `cancel` it when newer words make it useless."""

    pool: GuessPool
    child: _Child
    done: Done
    started: float = field(default_factory=time.perf_counter)

    def cancel(self) -> None:
        self.pool._kill(self.child, self)


class _Child:
    def __init__(self, settings: Settings) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "mockprep.guesser"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.ready = threading.Event()
        self.dead = False
        self.ticket: Ticket | None = None
        pickle.dump(settings, self.stdin)
        self.stdin.flush()


class GuessPool:
    """`size` children, loaded and waiting; `submit` a guess to one that is free."""

    def __init__(self, settings: Settings, size: int = 2) -> None:
        self.settings = settings
        self.size = size
        self._lock = threading.Lock()
        self._children: list[_Child] = []
        self.closed = False
        for _ in range(size):
            self._spawn()

    def _spawn(self) -> None:
        try:
            child = _Child(self.settings)
        except OSError:  # no process can be started here: guesses stay in the worker
            return
        with self._lock:
            self._children.append(child)
        threading.Thread(target=self._listen, args=(child,), daemon=True).start()

    def _listen(self, child: _Child) -> None:
        """The child's answers, one per line of work, until it exits (killed, crashed or closed)."""
        try:
            if pickle.load(child.stdout) != "ready":
                raise EOFError
            child.ready.set()
            while True:
                words, seconds = pickle.load(child.stdout)
                with self._lock:
                    ticket, child.ticket = child.ticket, None
                if ticket is not None:
                    ticket.done(ticket, words, seconds)
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            pass
        with self._lock:
            child.dead = True
            ticket, child.ticket = child.ticket, None
            if child in self._children:
                self._children.remove(child)
            respawn = not self.closed and len(self._children) < self.size
        child.proc.wait()
        if ticket is not None:
            ticket.done(ticket, None, time.perf_counter() - ticket.started)
        if respawn:
            self._spawn()

    def ready(self) -> int:
        """Children loaded and free."""
        with self._lock:
            return sum(c.ready.is_set() and c.ticket is None and not c.dead for c in self._children)

    def alive(self) -> int:
        """Children running or loading (0: none could be started here)."""
        with self._lock:
            return sum(not c.dead for c in self._children)

    def wait_ready(self, n: int | None = None, timeout: float = 60.0) -> bool:
        """Until n children (default: all) are loaded and free (tests, benchmarks)."""
        end = time.monotonic() + timeout
        while self.ready() < (self.size if n is None else n):
            if time.monotonic() > end:
                return False
            time.sleep(0.02)
        return True

    def submit(self, samples: np.ndarray, offset_s: float, gain_db: float, done: Done) -> Ticket | None:
        """Read `samples` as `transcribe` would, in a free child; `done` is called from another thread.

        None when no child is loaded and free: the caller reads it itself, or waits."""
        with self._lock:
            child = next((c for c in self._children if c.ready.is_set() and c.ticket is None and not c.dead), None)
            if child is None or self.closed:
                return None
            ticket = child.ticket = Ticket(self, child, done)
        try:
            pickle.dump((np.ascontiguousarray(samples, np.float32), offset_s, gain_db), child.stdin)
            child.stdin.flush()
        except (OSError, ValueError):  # it died just now: _listen reports the ticket as failed
            pass
        return ticket

    def _kill(self, child: _Child, ticket: Ticket) -> None:
        with self._lock:
            if child.ticket is not ticket:
                return  # finished already
            child.ticket, child.dead = None, True  # nobody waits for it; _listen reaps it and loads another
        child.proc.kill()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            children = list(self._children)
        for c in children:
            c.proc.kill()


def main() -> int:
    """A child: read settings, load the model, then answer one guess after another until stdin closes."""
    from mockprep.transcribe import get_model, speech_chunks, transcribe

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        settings: Settings = pickle.load(stdin)
        get_model(settings)
        speech_chunks(np.zeros(settings.sample_rate, np.float32), settings)  # loads the VAD model too
        pickle.dump("ready", stdout)
        stdout.flush()
        while True:
            samples, offset_s, gain_db = pickle.load(stdin)
            t = time.perf_counter()
            words = transcribe(samples, settings, offset_s=offset_s, gain_db=gain_db)
            pickle.dump((words, time.perf_counter() - t), stdout)
            stdout.flush()
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
