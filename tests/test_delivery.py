"""Delivery: fillers in context, spoken word counts, pauses from the audio, vocal variety; then the fixtures."""

from __future__ import annotations

import numpy as np
import pytest

from mockprep import delivery
from mockprep.words import Word
from tests.conftest import analysed, fixture_ids, truth


def ws(text: str, gap_after: dict[int, float] | None = None) -> list[Word]:
    """Words 0.3 s apart; gap_after adds silence after word i."""
    out, t = [], 0.0
    for i, tok in enumerate(text.split()):
        out.append(Word(tok, round(t, 2), round(t + 0.25, 2), 0.9))
        t += 0.3 + (gap_after or {}).get(i, 0.0)
    return out


def fillers(text: str, **kw) -> list[str]:
    return [f.word for f in delivery.detect_fillers(ws(text, **kw))]


@pytest.mark.parametrize(("text", "expected"), [
    ("So, um, I decided to, uh, rewrite it.", ["um", "uh"]),
    ("Umm, well, Uhh, hmm, I think er it worked.", ["umm", "uhh", "hmm", "er"]),
    ("It was, like, really slow.", ["like"]),
    ("We had like 40 tickets a day.", ["like"]),
    ("And, you know, nobody owned it.", ["you know"]),
    ("I mean, it was basically broken.", ["I mean", "basically"]),
    ("It was kind of slow and I sort of took over.", ["kind of", "sort of"]),
    # not fillers: verbs, comparisons, nouns
    ("I would like to talk about a project I like.", []),
    ("It looks like the cache was the problem.", []),
    ("What kind of tool did you use? That sort of thing.", []),
    ("Do you know the answer? I mean to finish it.", []),
    ("I like working with data and people like that.", []),
])
def test_filler_rules(text: str, expected: list[str]) -> None:
    assert fillers(text) == expected


def test_filler_times_come_from_the_words() -> None:
    f = delivery.detect_fillers(ws("So, um, I decided"))
    assert (f[0].start, f[0].end, f[0].kind) == (0.3, 0.55, "hesitation")


def test_an_echoed_hesitation_is_not_counted_twice() -> None:
    # mfa_uh as tiny.en reads it: the second "uh," has no time of its own and a probability of 0.015
    words = [Word("Montreal,", 1.58, 1.94, 0.98), Word("uh,", 2.92, 2.92, 0.61), Word("uh,", 3.82, 3.82, 0.015),
             Word("forced", 4.0, 4.08, 0.48)]
    assert [(f.word, f.start) for f in delivery.detect_fillers(words)] == [("uh", 2.92)]
    said_twice = [*words[:2], Word("uh,", 3.4, 3.7, 0.015), words[3]]  # its own sound and time: said
    assert len(delivery.detect_fillers(said_twice)) == 2
    believed = [*words[:2], Word("uh,", 3.82, 3.82, 0.6), words[3]]
    assert len(delivery.detect_fillers(believed)) == 2


def test_a_timeless_hesitation_spans_the_gap_after_the_word_before() -> None:
    # cold_corpus: "purpose." ends at 3.63, Whisper's "Uh," sits at 4.21 with no length; the speaker said it at 3.69
    words = [Word("purpose.", 3.2, 3.63, 0.7), Word("Uh,", 4.21, 4.21, 0.0), Word("I", 4.25, 4.3, 0.98),
             Word("so,", 5.0, 5.2, 0.9), Word("um,", 7.5, 7.52, 0.8), Word("it", 7.6, 7.7, 0.9),
             Word("uh,", 7.7, 8.1, 0.9)]
    placed = delivery.placed_in_gap(delivery.detect_fillers(words), words)
    assert [(f.start, f.end) for f in placed] == [(3.63, 4.21), (6.5, 7.52), (7.7, 8.1)]  # 1 s back at most; a
    # hesitation with a length of its own keeps it


@pytest.mark.parametrize(("token", "n"), [
    ("forty", 1), ("40%", 2), ("$300,000", 4), ("2019", 2), ("1.5", 3), ("10", 1), ("%", 1),
    ("3,400", 4), ("two-thirds", 1), ("$2.5k", 5),
])
def test_spoken_word_count(token: str, n: int) -> None:
    assert delivery.spoken_word_count(token) == n


def test_hesitations_do_not_count_as_words() -> None:
    assert delivery.count_words(ws("So, um, I fixed it, uh, quickly.")) == 5


def tone(seconds: float, f0: float = 140.0, glide: float = 0.0, sr: int = 16000) -> np.ndarray:
    """A voiced harmonic sound with a pitch glide of `glide` semitones over its length."""
    t = np.arange(int(seconds * sr)) / sr
    f = f0 * 2 ** (glide * np.sin(2 * np.pi * 0.4 * t) / 12)
    phase = 2 * np.pi * np.cumsum(f) / sr
    x = sum(np.sin(k * phase) / k for k in range(1, 6))
    env = 0.6 + 0.4 * np.sin(2 * np.pi * 3 * t) ** 2  # syllable-like loudness changes
    return (0.2 * x * env).astype(np.float32)


def test_long_pauses_found_in_the_audio_with_their_times() -> None:
    sr = 16000
    rng = np.random.default_rng(0)
    parts = [np.zeros(sr // 2), tone(3), np.zeros(int(2.0 * sr)), tone(2), np.zeros(int(1.0 * sr)), tone(2),
             np.zeros(int(1.6 * sr)), tone(2), np.zeros(sr // 2)]
    x = np.concatenate(parts).astype(np.float32) + rng.normal(0, 1e-4, sum(len(p) for p in parts)).astype(np.float32)
    words = [Word("one", 0.5, 3.4, 0.9), Word("two", 5.5, 7.4, 0.9), Word("three", 8.5, 10.4, 0.9),
             Word("four", 12.1, 14.0, 0.9)]
    d = delivery.measure(x, words)
    assert len(d.pauses) == 2  # 2.0 s and 1.6 s; the 1.0 s pause is not long
    (a, b), (c, e) = [(p.start, p.end) for p in d.pauses]
    assert abs(a - 3.5) < 0.1 and abs(b - 5.5) < 0.1
    assert abs(c - 10.5) < 0.1 and abs(e - 12.1) < 0.1
    assert abs(d.first_word_s - 0.5) < 0.05


def test_leading_and_trailing_silence_are_not_pauses() -> None:
    sr = 16000
    x = np.concatenate([np.zeros(3 * sr), tone(4), np.zeros(3 * sr)]).astype(np.float32)
    d = delivery.measure(x, [Word("hello", 3.0, 5.0, 0.9), Word("there", 5.0, 7.0, 0.9)])
    assert d.pauses == ()
    assert abs(d.first_word_s - 3.0) < 0.05


def test_monotone_flagged_only_for_flat_pitch() -> None:
    sr = 16000
    silent_gaps = np.zeros(sr // 4, np.float32)
    flat = np.concatenate([tone(2.0, glide=0.3), silent_gaps] * 4)
    lively = np.concatenate([tone(2.0, glide=5.0), silent_gaps] * 4)
    w = [Word("x", 0.0, 8.0, 0.9)]
    assert delivery.measure(flat, w).monotone is True
    d = delivery.measure(lively, w)
    assert d.monotone is False and d.pitch_range_st > 4


# ---------------------------------------------------------------- on the spoken fixtures (real model)


@pytest.mark.slow
@pytest.mark.parametrize("fid", fixture_ids())
def test_pace_within_ten_percent(fid: str) -> None:
    d = analysed(fid).delivery
    assert abs(d.wpm - truth(fid)["wpm"]) / truth(fid)["wpm"] <= 0.10


@pytest.mark.slow
@pytest.mark.parametrize("fid", fixture_ids())
def test_every_long_pause_found_and_no_false_ones(fid: str) -> None:
    found = analysed(fid).delivery.pauses
    want = truth(fid)["pauses"]
    assert len(found) == len(want), (found, want)
    for p, t in zip(found, want, strict=True):
        assert abs(p.start - t["start"]) < 0.3 and abs(p.end - t["end"]) < 0.3


@pytest.mark.slow
def test_fillers_recall_and_precision_over_all_fixtures() -> None:
    import sys

    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    from eval_fixtures import match

    hit = miss = false = 0
    for fid in fixture_ids():
        d = analysed(fid).to_dict()["delivery"]
        h, m, f = match(truth(fid)["fillers"], d["fillers"])
        hit, miss, false = hit + h, miss + m, false + f
    assert hit / (hit + miss) >= 0.8, (hit, miss, false)
    assert false <= 2, (hit, miss, false)
