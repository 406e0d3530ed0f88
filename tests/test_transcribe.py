"""Speech to words: the bundled model, offline, on real audio; and the small guards around it."""

from __future__ import annotations

import numpy as np
import pytest

from mockprep import audio, transcribe
from mockprep.segment import Segmenter
from mockprep.transcribe import Loudness, invented, looks_broken, merge_number_pieces
from mockprep.words import Word
from tests.conftest import FIXTURES, truth


def _tone(seconds: float, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (amp * np.sin(2 * np.pi * 200 * t)).astype(np.float32)


def test_loudness_tells_sound_from_silence() -> None:
    x = np.concatenate([_tone(1.0), np.zeros(16000, np.float32)])
    level = Loudness.of(x)
    assert level.heard(0.2, 0.5)
    assert not level.heard(1.3, 1.8)
    assert level.quiet_after(1.0) and not level.quiet_after(0.5)
    assert level.quiet_after(2.5)  # past the end: nothing can be left


def test_a_window_ending_near_the_end_of_a_stretch_is_not_decoded_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """faster-whisper opens a fresh 30 s window for the sliver after the last timestamp; we stop before it."""
    from faster_whisper.transcribe import WhisperModel

    a = audio.load(FIXTURES / "strong_47s.flac")
    windows = []
    original = WhisperModel.encode
    monkeypatch.setattr(WhisperModel, "encode", lambda self, f: windows.append(1) or original(self, f))
    stretches = Segmenter().split(a.samples)
    chunks = [c for s, e in stretches for c in transcribe.speech_chunks(a.samples[s:e])]
    words = [w for s, e in stretches for w in transcribe.transcribe(a.samples[s:e], offset_s=s / 16000)]
    assert len(windows) == len(chunks)  # one 30 s window per piece of speech (at most 25 s)
    assert words[-1].end > a.duration_s - 2.0  # and nothing at the end was lost
    text = " ".join(w.norm for w in words)
    assert "payroll" in text and "yeah" not in text.split()[-3:]


@pytest.mark.parametrize("fid", ["we_only_outage", "fast_pace"])
def test_a_sliver_left_after_a_window_is_not_read_in_a_new_one(fid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whisper closed a window 0.3-0.5 s before the end of these stretches; a new window for that sliver
    costs a whole read and only invents words in it ("This is the first one.", "again again again")."""
    from faster_whisper.transcribe import WhisperModel

    a = audio.load(FIXTURES / f"{fid}.flac")
    windows = []
    original = WhisperModel.encode
    monkeypatch.setattr(WhisperModel, "encode", lambda self, f: windows.append(1) or original(self, f))
    stretches = Segmenter().split(a.samples)
    chunks = [c for s, e in stretches for c in transcribe.speech_chunks(a.samples[s:e])]
    text = " ".join(w.norm for s, e in stretches for w in transcribe.transcribe(a.samples[s:e], offset_s=s / 16000))
    assert len(windows) == len(chunks)
    assert "first one" not in text and "again again" not in text
    assert text.split()[-1] == truth(fid)["sentences"][-1]["text"].lower().strip(" .!?").split()[-1]


def test_bundled_model_is_used_offline() -> None:
    path = transcribe.resolve_model_path(transcribe.BUNDLED)
    assert (transcribe.Path(path) / "model.bin").exists()


def test_short_or_silent_input_gives_no_words() -> None:
    assert transcribe.transcribe(np.zeros(800, np.float32)) == []
    assert transcribe.transcribe(np.zeros(16000 * 3, np.float32)) == []


def test_number_pieces_are_one_word() -> None:
    ws = [Word("saved", 0, 0.3, 0.9), Word("2", 0.3, 0.5, 0.9), Word(",300", 0.5, 0.8, 0.8),
          Word("hours,", 0.8, 1.1, 0.9), Word("10", 1.2, 1.4, 0.9), Word("%", 1.4, 1.5, 0.7)]
    assert [w.text for w in merge_number_pieces(ws)] == ["saved", "2,300", "hours,", "10%"]
    assert merge_number_pieces(ws)[1].probability == 0.8


class _W:
    def __init__(self, word: str, start: float, end: float) -> None:
        self.word, self.start, self.end = word, start, end


def test_broken_output_is_recognised() -> None:
    said = ["we", "did", "it"] * 4
    loop = [_W(w, i * 0.3, i * 0.3 + 0.2) for i, w in enumerate(said)]
    assert looks_broken(loop, 20.0)  # a phrase on repeat
    dropped = [_W("hello", 0.0, 0.5), _W("there", 0.5, 1.0)]
    assert looks_broken(dropped, 20.0)  # 19 s of the stretch left untranscribed
    fine = [_W(f"w{i}", i * 0.4, i * 0.4 + 0.3) for i in range(40)]
    assert not looks_broken(fine, 16.5)


def test_a_loop_in_a_short_stretch_is_recognised() -> None:
    said = [_W("Thanks.", 0.1, 0.5)] + [_W(w, 0.6, 0.6) for w in ["just", "a", "little", "bit", "of"] * 20]
    assert looks_broken(said, 0.9)
    assert not looks_broken([_W("Thanks.", 0.1, 0.5)], 0.9)
    assert [w.word for w in transcribe.cut_loop(said)] == ["Thanks.", "just", "a", "little", "bit", "of"]


def test_a_hesitation_loop_collapses_but_said_repeats_stay() -> None:
    said = [_W("Montreal,", 0.0, 0.5), _W("uh,", 1.5, 1.8), _W("uh,", 2.5, 2.8)]
    loop = [_W("uh,", 2.8 + i * 0.01, 2.8 + i * 0.01) for i in range(100)]
    kept = transcribe.collapse_repeats(said + loop)
    assert [(w.word, w.start) for w in kept] == [("Montreal,", 0.0), ("uh,", 1.5), ("uh,", 2.5)]
    repeat = [_W("that", 0.0, 0.2), _W("that", 0.25, 0.45), _W("worked", 0.5, 0.9)]
    assert transcribe.collapse_repeats(repeat) == repeat
    uhs = [_W("uh,", i * 0.6, i * 0.6 + 0.3) for i in range(6)]
    assert not looks_broken(uhs, 4.0)


def test_words_piled_up_at_one_instant_are_dropped_but_said_ones_stay() -> None:
    made_up = [_W(w, 0.0, 0.0) for w in ["So,", "uh,", "I", "think", "that's", "the", "first", "time"]]
    said = [_W("that", 0.26, 0.26), _W("I", 0.26, 0.38), _W("did", 0.38, 0.5), _W("not", 0.5, 0.7)]
    assert [w.word for w in transcribe.drop_piled(made_up + said)] == ["that", "I", "did", "not"]
    two = [_W("in", 1.0, 1.0), _W("the", 1.0, 1.0), _W("end", 1.0, 1.3)]  # a word or two without time: kept
    assert transcribe.drop_piled(two) == two


def test_only_a_very_quiet_recording_is_brought_up_and_by_its_start() -> None:
    t = np.arange(20 * 16000) / 16000
    usual = (0.1 * np.sin(2 * np.pi * 200 * t) * (np.sin(2 * np.pi * 0.5 * t) > 0)).astype(np.float32)
    assert transcribe.quiet_gain_db(usual) == 0.0  # speech at -23 dBFS
    quiet = usual * np.float32(10 ** (-30 / 20))
    assert 25.0 < transcribe.quiet_gain_db(quiet) < 35.0
    hiss = np.random.default_rng(0).normal(0, 10 ** (-55 / 20), 16000).astype(np.float32)
    assert transcribe.quiet_gain_db(hiss) == 0.0  # steady room noise is not made loud
    # A quiet last stretch of a usual recording is not lifted on its own: the recording's start decides.
    late_quiet = np.concatenate([usual[: 12 * 16000], quiet[12 * 16000:]])
    assert transcribe.recording_gain_db(late_quiet, len(late_quiet)) == 0.0
    assert transcribe.recording_gain_db(quiet, len(quiet)) == transcribe.recording_gain_db(quiet, 13 * 16000)


def test_sign_off_invented_after_the_last_word_is_dropped() -> None:
    ws = [_W("It", 0, 0.2), _W("worked.", 0.2, 0.6), _W("Thank", 1.0, 1.2), _W("you.", 1.2, 1.4)]
    for w, p in zip(ws, (0.9, 0.9, 0.3, 0.2), strict=True):
        w.probability = p
    assert [w.word for w in transcribe._drop_sign_off(ws)] == ["It", "worked."]
    ws[2].probability = ws[3].probability = 0.9  # said clearly: it stays
    assert len(transcribe._drop_sign_off(ws)) == 4


class _Seg:
    def __init__(self, words: list[_W], no_speech: float = 0.1, logprob: float = -0.2, compression: float = 1.4):
        self.words, self.no_speech_prob = words, no_speech
        self.avg_logprob, self.compression_ratio = logprob, compression


def test_invented_segments_are_recognised() -> None:
    said = [_W("It", 0.0, 0.2), _W("worked", 0.2, 0.6), _W("well.", 0.6, 0.9)]
    assert not invented(_Seg(said), said)
    # Nine words in 0.16 s at the end of a stretch: what tiny.en writes over a trailing silence.
    text = ["This", "is", "the", "first", "time", "I've", "ever", "seen", "this."]
    crammed = [_W(w, 16.82 + i * 0.018, 16.84 + i * 0.018) for i, w in enumerate(text)]
    assert invented(_Seg(crammed, logprob=-1.5), crammed)
    assert invented(_Seg(said, compression=32.0), said)  # "again again again ..."
    assert invented(_Seg(said, no_speech=0.9, logprob=-1.2), said)
