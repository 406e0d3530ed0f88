"""Guesses in child processes: the same words as the worker's own read, and stopped at once when useless."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mockprep import audio
from mockprep.config import SETTINGS
from mockprep.guesser import GuessPool
from mockprep.stream import StreamSession, read_whole
from mockprep.transcribe import transcribe
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow  # real model copies in real child processes

SR = SETTINGS.sample_rate


@pytest.fixture(scope="module")
def pool() -> Iterator[GuessPool]:
    p = GuessPool(SETTINGS, 2)
    assert p.wait_ready(timeout=120), "the children did not load"
    yield p
    p.close()


@pytest.fixture(scope="module")
def answer() -> np.ndarray:
    return audio.load(FIXTURES / "strong_47s.flac").samples


class Answer:
    """What a child sent back for one guess."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.words: list | None = None

    def __call__(self, ticket, words, seconds) -> None:
        self.words = words
        self.event.set()


def test_a_child_reads_the_words_the_worker_reads(pool: GuessPool, answer: np.ndarray) -> None:
    stretch = answer[3 * SR: 14 * SR]
    got = Answer()
    assert pool.submit(stretch, 3.0, 0.0, got) is not None
    assert got.event.wait(120)
    assert got.words == transcribe(stretch, SETTINGS, offset_s=3.0)
    assert len(got.words) > 10


def test_a_stopped_guess_frees_its_child_and_the_other_takes_the_next_at_once(pool: GuessPool,
                                                                              answer: np.ndarray) -> None:
    assert pool.wait_ready(timeout=120)
    useless, wanted = Answer(), Answer()
    ticket = pool.submit(answer[: 20 * SR], 0.0, 0.0, useless)
    assert ticket is not None
    child = ticket.child.proc
    ticket.cancel()
    assert child.wait(timeout=5) is not None  # killed: its CPU is free at once
    t = time.monotonic()
    assert pool.submit(answer[20 * SR: 26 * SR], 20.0, 0.0, wanted) is not None  # no reload to wait for
    assert wanted.event.wait(120) and wanted.words
    assert time.monotonic() - t < 60
    assert not useless.event.is_set()  # nobody hears from a stopped guess
    assert pool.wait_ready(timeout=120)  # and a new child has loaded in its place
    assert len(pool._children) == 2


def test_a_child_that_dies_reports_its_guess_as_failed(pool: GuessPool, answer: np.ndarray) -> None:
    assert pool.wait_ready(timeout=120)
    got = Answer()
    ticket = pool.submit(answer[: 12 * SR], 0.0, 0.0, got)
    assert ticket is not None
    ticket.child.proc.kill()  # a crash, as far as the pool can tell
    assert got.event.wait(30)
    assert got.words is None
    assert pool.wait_ready(timeout=120)


def test_no_free_child_means_no_ticket(answer: np.ndarray) -> None:
    p = GuessPool(SETTINGS, 1)
    try:
        assert p.wait_ready(timeout=120)
        assert p.submit(answer[: 5 * SR], 0.0, 0.0, Answer()) is not None
        assert p.submit(answer[: 5 * SR], 0.0, 0.0, Answer()) is None  # the caller reads it itself
    finally:
        p.close()


def test_a_stream_with_guesses_in_children_says_what_the_whole_file_says(pool: GuessPool, answer: np.ndarray,
                                                                          tmp_path: Path) -> None:
    """Live, with guesses read by children and some of them stopped: the words of the whole file."""
    assert pool.wait_ready(timeout=120)
    x = np.concatenate([answer[: 30 * SR], np.zeros(SR, np.float32)])
    s = StreamSession(tmp_path / "answer.wav", replace(SETTINGS, guess_quiet_s=0.0, guess_kill_remaining_s=0.0),
                      guesses=pool)
    for i in range(0, len(x), SR // 2):
        s.feed(x[i: i + SR // 2], SR)
        time.sleep(0.05)  # faster than real time: children are stopped at pauses they had not finished
        if len(x) - i < 3 * SR:
            s.settle()  # a worker that keeps up at the end: the last guess is made, and kept
    _, words, f0, timings = s.finish()
    whole, whole_f0 = read_whole(x)
    assert [w.text for w in words] == [w.text for w in whole]
    assert np.array_equal(f0, whole_f0)
    kinds = {w.kind for w in s.work}
    assert "guess" in kinds, s.work
    assert timings["guesses_kept"] >= 1 and timings["tail_audio_s"] < 1.5, timings


def test_the_room_starts_its_children_at_warm_up_and_none_once_closed(tmp_path: Path) -> None:
    from mockprep.ui.room import Room

    room = Room(SETTINGS.with_overrides(data_dir=tmp_path / "a"))
    room.warm_up()
    try:
        assert room.guesses is not None and room.guesses.wait_ready(timeout=120)
        room.start_live("t1", None, 120.0)
        assert room.live["t1"].session._pool is room.guesses  # a recording reads its guesses there
        room.live["t1"].session.abandon()
    finally:
        room.close()
    assert room.guesses.closed
    late = Room(SETTINGS.with_overrides(data_dir=tmp_path / "b"))
    late.close()  # the app stopped before its warm-up timer fired
    late.warm_up()
    assert late.guesses is None
