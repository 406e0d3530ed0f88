"""Streaming: transcribed in stretches while it arrives, it must say what the whole-file analysis says."""

from __future__ import annotations

import sys
from itertools import pairwise
from pathlib import Path

import pytest
import soundfile as sf

from mockprep import audio
from mockprep.analysis import analyze_audio
from mockprep.stream import StreamSession
from tests.conftest import FIXTURES, ROOT, analysed, truth

sys.path.insert(0, str(ROOT / "scripts"))
from bench_analyze import normalise, wer


def streamed(fid: str, tmp: Path, piece_s: float = 0.5, keep_up: bool = False):
    """Feed the fixture in pieces. keep_up: the worker finishes each piece's work before the next arrives
    (as in real time on a quick machine), so guesses are made at every pause; otherwise pieces pile up."""
    a = audio.load(FIXTURES / f"{fid}.flac")
    s = StreamSession(tmp / f"{fid}.wav")
    step = int(piece_s * a.sample_rate)
    for i in range(0, len(a.samples), step):
        if keep_up and i:
            s.settle()
        s.feed(a.samples[i: i + step], a.sample_rate, last=i + step >= len(a.samples))
    committed_before_stop = s.committed
    audio_, words, f0, timings = s.finish()
    return analyze_audio(audio_, None, None, words=words, f0=f0, timings=timings), committed_before_stop, a


# The first two with a worker that keeps up (guesses at every pause), the others with pieces piling up.
STREAMED = {"strong_47s": True, "fillers_mistake": True, "rambling_migration": False, "long_128s": False}


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("stream")
    return {fid: (streamed(fid, tmp, keep_up=k), analysed(fid)) for fid, k in STREAMED.items()}


def test_at_stop_only_the_words_after_the_last_guess_are_left(pairs: dict) -> None:
    for fid, keep_up in STREAMED.items():
        (s, committed, a), _ = pairs[fid]
        if keep_up:  # the last guess reached the last pause before Stop: a phrase at most was left
            pending_s = (len(a.samples) - committed) / a.sample_rate
            assert s.timings["tail_audio_s"] < min(4.0, pending_s - 2.0), (fid, pending_s, s.timings)
        words = s.words
        # A guess is used once: no word twice, none overlapping the one before.
        assert all(w2.start >= w1.end - 0.02 for w1, w2 in pairwise(words)), fid
        assert words[-1].end > a.duration_s - 1.5, fid  # the last words are there


def test_streamed_transcripts_are_as_accurate_as_whole_file_ones(pairs: dict) -> None:
    """Over the fixtures, at most one point of WER worse (stretches cut at different pauses vary a little)."""
    edits = {"stream": 0, "batch": 0}
    words = 0
    for fid, ((s, _, _), b) in pairs.items():
        ref = normalise(" ".join(x["text"] for x in truth(fid)["sentences"]))
        words += len(ref)
        edits["stream"] += wer(ref, normalise(s.transcript))[1]
        edits["batch"] += wer(ref, normalise(b.transcript))[1]
    assert edits["stream"] / words <= edits["batch"] / words + 0.01, edits


@pytest.mark.parametrize("fid", list(STREAMED))
def test_streamed_analysis_matches_the_whole_file(pairs: dict, fid: str) -> None:
    (s, committed, a), b = pairs[fid]
    # Most of the answer was handed to the recogniser before Stop.
    assert committed / len(a.samples) > 0.7
    # The audio measures are the same; the words differ a little where the two paths cut the audio
    # into stretches at different pauses, so word-based figures get a small tolerance.
    assert len(s.delivery.pauses) == len(b.delivery.pauses)
    assert s.delivery.first_word_s == pytest.approx(b.delivery.first_word_s, abs=0.05)
    assert abs(s.delivery.wpm - b.delivery.wpm) / b.delivery.wpm < 0.08
    assert abs(s.delivery.filler_count - b.delivery.filler_count) <= 2
    differ = [k for k, c in s.star.checks.items() if c.passed != b.star.checks[k].passed]
    assert len(differ) <= 1, differ
    assert abs(s.star.score - b.star.score) <= 15


def test_the_file_on_disk_is_the_audio_and_survives_without_finish(tmp_path: Path) -> None:
    a = audio.load(FIXTURES / "too_short.flac")
    s = StreamSession(tmp_path / "answer.wav")
    s.feed(a.samples[:48000], a.sample_rate)
    # Nothing closed the file (a crash): it is still a valid WAV with what was said so far.
    x, sr = sf.read(tmp_path / "answer.wav")
    assert sr == 16000 and abs(len(x) - 48000) <= 1
    s.feed(a.samples[48000:], a.sample_rate)
    got, words, _, _ = s.finish()
    assert abs(got.duration_s - a.duration_s) < 0.01 and words
    assert abs(sf.info(str(tmp_path / "answer.wav")).duration - a.duration_s) < 0.01


def test_any_rate_and_channels_are_accepted(tmp_path: Path) -> None:
    import numpy as np

    s = StreamSession(tmp_path / "a.wav")
    stereo = (np.sin(np.linspace(0, 3000, 48000 * 2)) * 8000).astype(np.int16).reshape(-1, 2)
    s.feed(stereo, 48000)
    got, _, _, _ = s.finish()
    assert got.sample_rate == 16000 and abs(got.duration_s - 1.0) < 0.01
