"""Dropped hesitations: a synthetic answer with known sounds, then the spoken fixtures and real speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mockprep import audio, delivery, hesitation, levels
from mockprep.config import SETTINGS
from mockprep.hesitation import Run, dropped_hesitations, periodicity
from mockprep.transcribe import transcribe
from mockprep.words import Filler, Word
from tests.conftest import FIXTURES, analysed, truth

SR = 16_000
TOL = 0.4  # as scripts/eval_fixtures.py: a found filler matches a true one within 0.4 s


# ---------------------------------------------------------------- a synthetic answer


def voiced(seconds: float, f0: float, formants: tuple[float, ...], glide: float = 1.0) -> np.ndarray:
    """A vowel-like sound: harmonics of f0 (gliding to f0 * glide), loudest near the given formants."""
    t = np.arange(int(seconds * SR)) / SR
    phase = 2 * np.pi * np.cumsum(f0 * glide ** (t / seconds)) / SR
    x = np.zeros_like(t)
    for k in range(1, int(3500 / f0)):
        gain = sum(np.exp(-(((k * f0 - f) / 150.0) ** 2)) for f in formants) + 0.05
        x += gain / k * np.sin(k * phase)
    return _faded(0.3 * x / np.abs(x).max())


def breath(seconds: float) -> np.ndarray:
    """White noise as loud as the voice: a breath or a rustle, not a hesitation."""
    return _faded(np.random.default_rng(7).normal(0, 0.1, int(seconds * SR)))


def _faded(x: np.ndarray) -> np.ndarray:
    ramp = np.minimum(1.0, np.minimum(np.arange(len(x)), np.arange(len(x))[::-1]) / (0.01 * SR))
    return x * ramp


def uh(seconds: float = 0.4) -> np.ndarray:
    return voiced(seconds, 150.0, (600.0, 1200.0))  # a steady schwa, the same each time


def word(seconds: float = 0.4) -> np.ndarray:
    return voiced(seconds, 120.0, (300.0, 2300.0), glide=1.4)  # another vowel, with a rising pitch


def compose(parts: list[tuple[float, np.ndarray]], total_s: float) -> np.ndarray:
    """Sounds placed at their start times over a faint noise floor."""
    x = np.random.default_rng(1).normal(0, 3e-4, int(total_s * SR))
    for start, sound in parts:
        i = int(start * SR)
        x[i: i + len(sound)] += sound
    return x.astype(np.float32)


def find(samples: np.ndarray, words: list[Word]) -> list[Filler]:
    silent = levels.silence_mask(levels.frame_db(samples))
    return dropped_hesitations(samples, words, silent, delivery.detect_fillers(words))


def w(text: str, start: float, end: float) -> Word:
    return Word(text, start, end, 0.9)


def hesitant_start() -> tuple[list[tuple[float, np.ndarray]], list[Word]]:
    """Two hesitations Whisper did write down, between words: how this speaker says "uh"."""
    parts = [(0.5, word()), (1.2, uh()), (1.9, word()), (2.6, uh()), (3.3, word())]
    words = [w("So,", 0.5, 0.9), w("uh,", 1.2, 1.6), w("we", 1.9, 2.3), w("uh,", 2.6, 3.0), w("went.", 3.3, 3.7)]
    return parts, words


def test_a_voiced_burst_in_a_gap_is_a_dropped_hesitation() -> None:
    parts, words = hesitant_start()
    parts += [(4.4, word()), (5.1, uh()), (5.8, word())]  # the "uh" at 5.1 has no word
    words += [w("Then", 4.4, 4.8), w("we", 5.8, 6.2)]
    found = find(compose(parts, 7.0), words)
    assert [(f.word, f.kind) for f in found] == [("uh", "hesitation")]
    assert abs(found[0].start - 5.1) < 0.05 and abs(found[0].end - 5.5) < 0.05


def test_a_hesitation_inside_a_stretched_function_word_is_found_once() -> None:
    parts, words = hesitant_start()
    # "the[4.4-5.9]": Whisper stretched the article over its own sound and the "uh" after it.
    parts += [(4.4, word(0.25)), (5.0, uh()), (6.0, word())]
    words += [w("the", 4.4, 5.9), w("source", 6.0, 6.4)]
    found = find(compose(parts, 7.0), words)
    assert len(found) == 1 and abs(found[0].start - 5.0) < 0.05


def test_a_breath_in_a_gap_is_not_a_hesitation() -> None:
    parts, words = hesitant_start()
    parts += [(4.4, word()), (5.1, breath(0.4)), (5.8, word())]
    words += [w("Then", 4.4, 4.8), w("we", 5.8, 6.2)]
    samples = compose(parts, 7.0)
    assert find(samples, words) == []
    voicing, _ = periodicity(samples, Run(510, 550))
    assert voicing < 0.35  # rejected as unvoiced, not only as unlike the speaker's "uh"


def test_nothing_is_added_for_a_speaker_never_heard_hesitating() -> None:
    parts = [(0.5, word()), (1.2, uh()), (1.9, word()), (2.6, uh()), (3.3, word())]
    words = [w("So,", 0.5, 0.9), w("we", 1.9, 2.3), w("went.", 3.3, 3.7)]
    assert find(compose(parts, 4.5), words) == []


def test_a_hesitation_already_in_the_words_is_not_reported_again() -> None:
    parts, words = hesitant_start()
    parts += [(4.4, word()), (5.1, uh()), (5.8, word())]
    words += [w("Then", 4.4, 4.8), w("um,", 5.6, 5.7), w("we", 5.8, 6.2)]  # Whisper's time is 0.1 s late
    assert find(compose(parts, 7.0), words) == []


def test_an_uh_written_over_a_breath_is_not_counted() -> None:
    """Whisper writes some breaths as "uh" (issue 14): the written word stays, the filler does not count."""
    parts = [(0.5, word()), (1.2, breath(0.4)), (1.9, word()), (2.6, uh()), (3.3, word())]
    words = [w("So,", 0.5, 0.9), w("uh,", 1.6, 1.62), w("we", 1.9, 2.3), w("uh,", 2.6, 3.0), w("went.", 3.3, 3.7)]
    samples = compose(parts, 4.5)
    silent = levels.silence_mask(levels.frame_db(samples))
    found = delivery.all_fillers(samples, words, silent)
    assert [(f.word, f.start) for f in found] == [("uh", 2.6)]  # the breath went, the voiced "uh" stayed
    assert hesitation.breath(samples, silent, 0.9, 1.62, words)  # its span, spread back over the gap
    assert not hesitation.breath(samples, silent, 0.9, 1.62)  # ...but not with the voice of "So," in it
    assert not hesitation.breath(samples, silent, 2.6, 3.0, words)


def test_a_written_uh_over_no_sound_at_all_stands() -> None:
    """Nothing to judge: a soft hesitation under the floor, or a time Whisper got wrong."""
    samples = compose([(0.5, word()), (2.0, word())], 3.0)
    silent = levels.silence_mask(levels.frame_db(samples))
    assert not hesitation.breath(samples, silent, 1.2, 1.5)


def test_pitch_of_a_steady_vowel_is_flat_and_voiced() -> None:
    voicing, spread = periodicity(compose([(0.2, uh())], 1.0), Run(25, 55))
    assert voicing > 0.9 and spread < 1.0


def test_frame_peaks_are_the_plain_autocorrelation_of_each_frame() -> None:
    """All frames at once through the FFT: the same peaks and lags as one frame at a time, the direct way."""
    rng = np.random.default_rng(3)
    x = compose([(0.1, uh()), (0.6, uh())], 1.2) + rng.normal(0, 0.01, int(1.2 * SR)).astype(np.float32)
    x[int(0.9 * SR):] = 0.0  # digital silence too
    peaks, lags = hesitation.frame_peaks(x, 5, 110)
    hop, win = SR // 100, int(hesitation.PITCH_WINDOW_S * SR)
    lo, hi = int(SR / SETTINGS.pitch_fmax_hz), int(SR / SETTINGS.pitch_fmin_hz)
    seg = x[5 * hop: 110 * hop + win + hi].astype(np.float64)
    want_p, want_l = [], []
    for i in range(0, len(seg) - win - hi, hop):
        frame = seg[i: i + win]
        r = [frame @ seg[i + k: i + k + win] / (np.sqrt(frame @ frame * (seg[i + k: i + k + win] @
                                                                        seg[i + k: i + k + win])) + 1e-12)
             for k in range(lo, hi + 1)]
        want_p.append(max(r))
        want_l.append(lo + int(np.argmax(r)))
    assert len(peaks) == len(want_p) > 50
    assert np.allclose(peaks, want_p, atol=1e-9)
    assert np.array_equal(lags, want_l)
    assert hesitation.frame_peaks(x, 200, 200)[0].size == 0  # past the end: no frame


# ---------------------------------------------------------------- on the spoken fixtures and real speech (real model)


def matched(true: list[dict], found: list[Filler]) -> int:
    """True fillers matched one-to-one, in time order, by a found filler within TOL."""
    used: set[int] = set()
    for t in true:
        for j, f in enumerate(found):
            if j not in used and t["start"] - TOL <= f.end and f.start <= t["end"] + TOL:
                used.add(j)
                break
    return len(used)


def fixture_case(fid: str) -> tuple[np.ndarray, list[Word]]:
    return audio.load(FIXTURES / f"{fid}.flac").samples, list(analysed(fid).words)


@pytest.mark.slow
@pytest.mark.parametrize("fid", ["fillers_mistake", "fillers_deadline"])
def test_dropped_hesitations_raise_recall_without_false_ones(fid: str) -> None:
    samples, words = fixture_case(fid)
    true = truth(fid)["fillers"]
    lexical = delivery.detect_fillers(words)
    added = find(samples, words)
    assert matched(true, lexical + added) > matched(true, lexical), added
    assert matched(true, added) == len(added), added  # every added one is a real filler


@pytest.mark.slow
@pytest.mark.parametrize("fid", ["strong_cache", "strong_leadership", "long_128s"])
def test_no_hesitation_added_to_fluent_answers(fid: str) -> None:
    assert find(*fixture_case(fid)) == []


@pytest.mark.slow
@pytest.mark.parametrize("fid", ["strong_cache", "strong_leadership", "long_128s"])
def test_no_hesitation_added_to_a_fluent_answer_after_a_hesitant_one(fid: str) -> None:
    """The hard case: the same voice has hesitated plenty, then answers fluently; nothing there is an "uh"."""
    head, head_words = fixture_case("fillers_mistake")
    tail, tail_words = fixture_case(fid)
    join = len(head) / SR + 0.6
    samples = np.concatenate([head, np.zeros(int(0.6 * SR), np.float32), tail])
    words = head_words + [Word(x.text, x.start + join, x.end + join, x.probability) for x in tail_words]
    assert [f for f in find(samples, words) if f.start >= join] == []


@pytest.mark.slow
def test_no_hesitation_added_to_real_speech(shared_data: Path) -> None:
    samples = audio.load(shared_data / "jfk.flac").samples
    assert find(samples, transcribe(samples)) == []


@pytest.mark.slow
def test_real_breaths_written_uh_are_not_counted_and_real_hesitations_are(shared_data: Path) -> None:
    """A real speaker (../shared/data/real): "align, uh, uh." is tiny.en's reading of the breath after the last
    word; the voiced "uh"s and "um"s of a spontaneous monologue are all still counted."""
    from mockprep.analysis import analyze

    breathed = analyze(shared_data / "real" / "mfa" / "mfa_internalsil.flac")
    assert any(w.norm == "uh" for w in breathed.words), breathed.transcript  # still written...
    assert not [f for f in breathed.delivery.fillers if f.kind == "hesitation"]  # ...not counted
    said = analyze(shared_data / "real" / "mfa" / "cold_corpus.wav")
    assert sum(f.kind == "hesitation" for f in said.delivery.fillers) >= 3, said.transcript
