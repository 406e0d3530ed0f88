"""Streaming: transcribed in stretches while it arrives, it must say exactly what the whole-file analysis says."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockprep import audio, levels
from mockprep.analysis import analyze_audio
from mockprep.config import SETTINGS
from mockprep.segment import Segmenter
from mockprep.stream import StreamSession
from tests.conftest import FIXTURES, analysed, truth

pytestmark = pytest.mark.slow  # streams whole answers through the real model


REACH_FOR_STOP_S = 1.0  # the quiet between the last word and the click on Stop (the page's own tests wait 1 s)


def streamed(fid: str, tmp: Path, pieces: str):
    """Feed the fixture in pieces: 'keep_up' half-second pieces with a worker that catches up every 4 s and
    at each piece near the end (a guess at the last pause), then the second of quiet before Stop; 'pile_up'
    pieces arriving faster than it reads; 'ragged' pieces of random length (a browser on a busy machine)."""
    a = audio.load(FIXTURES / f"{fid}.flac")
    if pieces == "keep_up":
        a = audio.Audio(np.concatenate([a.samples, np.zeros(int(REACH_FOR_STOP_S * a.sample_rate), np.float32)]),
                        a.sample_rate)
    # A worker that keeps up has the time for any guess, however slow the machine running the suite is.
    s = StreamSession(tmp / f"{fid}-{pieces}.wav", replace(SETTINGS, guess_max_wall_s=1e3) if pieces == "keep_up"
                      else SETTINGS)
    rng = random.Random(7)
    i = 0
    while i < len(a.samples):
        step = int((rng.uniform(0.02, 2.5) if pieces == "ragged" else 0.5) * a.sample_rate)
        # Settled every 4 s, and at every piece of the last 4 s: guesses mid-answer are redone at the next
        # pause anyway, and settling at each of them made this the suite's slowest setup.
        if pieces == "keep_up" and i and (i % (8 * step) == 0 or len(a.samples) - i < 4 * a.sample_rate):
            s.settle()
        s.feed(a.samples[i: i + step], a.sample_rate)
        i += step
    committed_before_stop = s.committed
    audio_, words, f0, timings = s.finish()
    question = truth(fid).get("question")
    result = analyze_audio(audio_, question, None, words=words, f0=f0, timings=timings)
    whole = analyze_audio(a, question, None) if pieces == "keep_up" else analysed(fid)
    return result, committed_before_stop, a, whole


CASES = [("strong_47s", "keep_up"), ("fillers_mistake", "keep_up"), ("fillers_mistake", "pile_up"),
         ("rambling_migration", "ragged")]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("stream")
    return {case: streamed(case[0], tmp, case[1]) for case in CASES}


def _contract(a) -> str:
    d = a.to_dict()
    d.pop("timings")
    return json.dumps(d, sort_keys=True)


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_streamed_analysis_is_the_whole_file_analysis(runs: dict, case: tuple[str, str]) -> None:
    """The same words, figures, checks, tips and score, however the pieces came."""
    s, committed, a, whole = runs[case]
    assert committed / len(a.samples) > 0.7  # most of it was handed to the recogniser before Stop
    assert _contract(s) == _contract(whole)


def test_at_stop_only_the_words_after_the_last_guess_are_left(runs: dict) -> None:
    for (fid, pieces), (s, committed, a, _) in runs.items():
        if pieces == "keep_up":  # a guess reached the last pause before Stop: a phrase at most was left
            pending_s = (len(a.samples) - committed) / a.sample_rate
            assert s.timings["tail_audio_s"] < min(4.0, pending_s - 2.0), (fid, pending_s, s.timings)
        words = s.words
        assert all(w2.start >= w1.end - 0.02 for w1, w2 in pairwise(words)), fid  # no word twice
        assert words[-1].end > a.duration_s - 1.5, fid  # the last words are there


def test_stretches_tile_the_recording_and_start_on_frame_boundaries() -> None:
    a = audio.load(FIXTURES / "long_128s.flac")
    cuts = Segmenter().split(a.samples)
    assert cuts[0][0] == 0 and cuts[-1][1] == len(a.samples)
    assert all(b == c for (_, b), (c, _) in pairwise(cuts))
    assert all(start % 160 == 0 for start, _ in cuts)  # pitch tracks of stretches join frame for frame
    assert all((b - a_) / 16000 <= 25.6 for a_, b in cuts)


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


def test_pieces_sent_twice_are_kept_once_and_missing_audio_is_silence_on_record(tmp_path: Path) -> None:
    pcm = (np.sin(np.arange(48000) / 8) * 8000).astype("<i2")
    s = StreamSession(tmp_path / "a.wav")
    assert s.put(0, pcm[:8000].tobytes()) == 8000
    assert s.put(0, pcm[:8000].tobytes()) == 8000  # a retry of a piece that did arrive
    assert s.put(4000, pcm[4000:16000].tobytes()) == 16000  # overlapping: only the new half is taken
    assert s.put(24000, pcm[24000:32000].tobytes()) == 32000  # 16000-24000 never came
    got, _, _, _ = s.finish()
    assert [(g.start, g.end) for g in s.gaps] == [(1.0, 1.5)]
    x, _ = sf.read(tmp_path / "a.wav", dtype="int16")
    assert np.array_equal(x[:16000], pcm[:16000]) and not x[16000:24000].any()
    assert np.array_equal(x[24000:], pcm[24000:32000])
    assert got.duration_s == 2.0


def test_any_rate_and_channels_are_accepted(tmp_path: Path) -> None:
    s = StreamSession(tmp_path / "a.wav")
    stereo = (np.sin(np.linspace(0, 3000, 48000 * 2)) * 8000).astype(np.int16).reshape(-1, 2)
    s.feed(stereo, 48000)
    got, _, _, _ = s.finish()
    assert got.sample_rate == 16000 and abs(got.duration_s - 1.0) < 0.01


def test_quiet_is_measured_up_to_the_last_sample_without_cutting() -> None:
    a = audio.load(FIXTURES / "strong_47s.flac")
    db = levels.frame_db(a.samples[: 5 * a.sample_rate])
    loudest = (2 * 100 + int(np.argmax(db[200:400]))) * 160  # in the middle of a word, 2-4 s in
    speaking = a.samples[:loudest]
    x = np.concatenate([speaking, np.zeros(int(0.8 * a.sample_rate), np.float32)])
    seg = Segmenter()
    seg.push(x)
    assert abs(seg.quiet_s(x) - 0.8) < 0.1
    assert seg.quiet_s(speaking) < 0.05
    assert seg.committed == 0 and seg.stretches == []  # measuring decided nothing


def _guesses(samples: np.ndarray, sr: int, tmp: Path, **changes) -> tuple[list, dict]:
    s = StreamSession(tmp, replace(SETTINGS, **changes))
    for i in range(0, len(samples), sr // 2):
        s.feed(samples[i: i + sr // 2], sr)
        s.settle()
    s.finish()
    return [w for w in s.work if w.kind == "guess"], s.timings


def test_where_guesses_are_dear_they_wait_for_a_longer_quiet(tmp_path: Path) -> None:
    """A busy machine: a guess at every breath is mostly redone; waiting for a longer quiet still leaves only
    the quiet before Stop to read."""
    a = audio.load(FIXTURES / "strong_47s.flac")
    x = np.concatenate([a.samples[: 20 * a.sample_rate], np.zeros(a.sample_rate, np.float32)])
    eager, _ = _guesses(x, a.sample_rate, tmp_path / "eager.wav", guess_free_wall_s=1e3, guess_max_wall_s=1e3)
    patient, timings = _guesses(x, a.sample_rate, tmp_path / "patient.wav", guess_free_wall_s=0, guess_max_wall_s=1e3)
    assert len(patient) < len(eager), (len(patient), len(eager))
    assert timings["guesses_kept"] >= 1 and timings["tail_audio_s"] < 1.5, timings
