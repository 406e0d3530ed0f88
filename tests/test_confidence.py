"""Transcript confidence: word probabilities over time, notes on the recording, and what a doubtful transcript
changes (fillers not counted in its doubtful stretches, the JSON contract)."""

from __future__ import annotations

import numpy as np
import pytest

from mockprep import confidence
from mockprep.analysis import Analysis
from mockprep.confidence import Confidence
from mockprep.words import Filler, Word

SR = 16000


def speechlike(seconds: float = 6.0, level: float = 0.2, seed: int = 0) -> np.ndarray:
    """Bursts of a harmonic sound with short silences, like words."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    f0 = 140 * (1 + 0.05 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(f0) / SR
    x = sum(np.sin(k * phase) / k for k in range(1, 6))
    gate = (np.sin(2 * np.pi * 1.5 * t) > -0.3).astype(float)
    env = np.convolve(rng.random(t.size), np.ones(800) / 800, "same")  # a loudness that wanders, like a voice
    noise = rng.normal(0, 1e-4, t.size)
    return (level * x * gate * env + noise).astype(np.float32)


def words(probs: list[float]) -> list[Word]:
    return [Word(f"w{i}", 0.2 + i * 0.5, 0.6 + i * 0.5, p) for i, p in enumerate(probs)]


def test_clear_words_are_trusted_and_unsure_ones_are_not() -> None:
    x = speechlike()
    sure = confidence.assess(x, words([0.95] * 10))
    assert not sure.doubtful and sure.doubtful_words == () and sure.note() is None
    unsure = confidence.assess(x, words([0.95, 0.3, 0.6, 0.2, 0.95, 0.4, 0.65, 0.95, 0.1, 0.95]))
    assert unsure.doubtful and unsure.doubt_share > 0.5
    assert unsure.doubtful_words == (1, 3, 5, 8)
    assert "may be wrong" in (unsure.note() or "")


def test_hesitations_do_not_count_towards_doubt() -> None:
    ws = [*words([0.95] * 6), Word("uh,", 3.5, 3.9, 0.1), Word("um,", 4.0, 4.4, 0.2)]
    c = confidence.assess(speechlike(), ws)
    assert not c.doubtful and c.doubtful_words == ()


def test_no_words_is_no_confidence() -> None:
    assert confidence.assess(speechlike(), []).doubtful


def test_quiet_noisy_and_clipped_recordings_are_noted() -> None:
    ws = words([0.95] * 10)
    assert confidence.assess(speechlike(), ws).recording_issues == ()
    assert "quiet" in confidence.assess(speechlike() * 10 ** (-40 / 20), ws).recording_issues
    assert "clipped" in confidence.assess(np.clip(speechlike() * 20, -1, 1), ws).recording_issues
    hiss = np.random.default_rng(1).normal(0, 0.1, 6 * SR).astype(np.float32)
    assert "noisy" in confidence.assess(speechlike() + hiss, ws).recording_issues
    unsure = confidence.assess(speechlike() * 10 ** (-40 / 20), words([0.3] * 10))
    assert "very quiet" in (unsure.note() or "")


def test_fillers_in_doubtful_stretches_are_not_counted() -> None:
    ws = words([0.95, 0.3, 0.2, 0.95, 0.95, 0.95, 0.95, 0.95])  # w1, w2 doubtful: 0.7-1.6 s
    in_doubt = Filler("uh", 1.2, 1.3, "hesitation")
    clear = Filler("like", 3.2, 3.6, "discourse")
    heard = Filler("um", 1.8, 2.0, "hesitation", heard=True)  # within the margin after w2
    doubtful = Confidence(0.5, True, (1, 2))
    assert doubtful.stretches(ws) == [(pytest.approx(0.4), pytest.approx(1.9))]
    assert doubtful.trusted_fillers((in_doubt, heard, clear), ws) == (clear,)
    trusted = Confidence(0.1, False, (1, 2))  # a few doubtful words in a sound transcript: all fillers count
    assert trusted.trusted_fillers((in_doubt, heard, clear), ws) == (in_doubt, heard, clear)


def test_the_contract_round_trips_and_tolerates_old_data() -> None:
    c = confidence.assess(speechlike(), words([0.95, 0.3, 0.6, 0.2, 0.95]))
    assert Confidence.from_dict(c.to_dict()) == c
    old = Confidence.from_dict({"doubt_share": 0.5})
    assert old.doubtful and old.doubtful_words == ()


def stored(confidence: dict | None, heard: bool = False) -> dict:
    """An analysis as stored, with three words of which the middle one is doubtful."""
    words = [{"word": "We", "start": 0.5, "end": 0.8, "probability": 0.9},
             {"word": "shipped", "start": 0.9, "end": 1.4, "probability": 0.2},
             {"word": "it.", "start": 1.5, "end": 1.8, "probability": 0.9}]
    part = {"seconds": 1.0, "share": 0.25, "sentences": 1}
    d = {
        "status": "ok", "message": None, "question": None, "limit_s": 120.0, "duration_s": 5.0, "speech_s": 1.3,
        "over_limit_s": 0.0, "words": words,
        "delivery": {"wpm": 140.0, "articulation_wpm": 150.0, "first_word_s": 0.5, "word_count": 3, "pauses": [],
                     "fillers": [{"word": "uh", "start": 2.5, "end": 2.9, "kind": "hesitation", "heard": heard}],
                     "pitch_range_st": None, "loudness_std_db": None, "monotone": None},
        "star": {"sentences": [{"text": "We shipped it.", "start": 0.5, "end": 1.8, "label": "action"}],
                 "parts": {p: dict(part) for p in ("situation", "task", "action", "result")},
                 "checks": {}, "score": 50},
        "notes": [], "timings": {},
    }
    if confidence is not None:
        d["confidence"] = confidence
    return d


def test_old_stored_attempts_have_no_confidence_and_render_as_before() -> None:
    from mockprep.analysis import Analysis
    from mockprep.render import feedback_html

    a = Analysis.from_dict(stored(None))
    assert a.confidence is None and a.to_dict()["confidence"] is None
    assert "mp-doubtful" not in feedback_html(a)


def test_doubtful_words_are_marked_and_read_back() -> None:
    from mockprep.analysis import Analysis
    from mockprep.render import feedback_html

    a = Analysis.from_dict(stored({"doubt_share": 0.6, "doubtful": True, "doubtful_words": [1]}))
    assert a.confidence is not None and a.confidence.doubtful_words == (1,)
    assert Analysis.from_dict(a.to_dict()).to_dict() == a.to_dict()
    html = feedback_html(a)
    assert '<span class="mp-doubtful" title="may be misheard">shipped</span>' in html
    assert html.count("mp-doubtful") == 1
    sound = Analysis.from_dict(stored({"doubt_share": 0.1, "doubtful": False, "doubtful_words": [1]}))
    assert "mp-doubtful" not in feedback_html(sound)  # a few unsure words in a sound transcript are not marked


def test_the_delivery_view_says_which_fillers_were_heard_in_the_audio() -> None:
    from mockprep.analysis import Analysis
    from mockprep.render import feedback_html

    assert "heard in the audio" not in feedback_html(Analysis.from_dict(stored(None)))
    html = feedback_html(Analysis.from_dict(stored(None, heard=True)))
    assert "heard in the audio, not written in the transcript: uh at" in html
    assert 'data-t="2.50"' in html


@pytest.mark.slow
def test_noisy_quiet_and_clipped_recordings_through_the_analysis() -> None:
    """The first 20 s of a fixture: clipped or 30 dB too quiet it is still trusted (the quiet one is brought up
    before the recogniser); under white noise at 5 dB SNR the transcript is doubtful, says so, and counts no
    filler in its doubtful stretches."""
    from mockprep import audio
    from mockprep.analysis import analyze_audio
    from tests.conftest import FIXTURES

    x = audio.load(FIXTURES / "strong_47s.flac").samples[: 20 * SR]
    power = float(np.mean(x[np.abs(x) > 0.01] ** 2))
    hiss = np.random.default_rng(0).normal(0, np.sqrt(power / 10 ** 0.5), x.size)

    def run(y: np.ndarray) -> Analysis:
        return analyze_audio(audio.from_array(y.astype(np.float32), SR, SR))

    for y, issue in ((x, None), (x * 10 ** (-30 / 20), "quiet"), (np.clip(x * 10, -1, 1), "clipped")):
        a = run(y)
        assert a.ok and a.confidence is not None and not a.confidence.doubtful, issue
        assert not any("may be wrong" in n for n in a.notes)
        assert (issue in a.confidence.recording_issues) if issue else a.confidence.recording_issues == ()
    noisy = run(x + hiss)
    assert noisy.ok and noisy.confidence is not None and noisy.confidence.doubtful
    assert any("may be wrong" in n for n in noisy.notes)
    assert noisy.to_dict()["confidence"]["doubtful"] is True
    spans = noisy.confidence.stretches(noisy.words)
    assert noisy.delivery is not None
    assert not [f for f in noisy.delivery.fillers if any(a <= (f.start + f.end) / 2 <= b for a, b in spans)]


# ---------------------------------------------------------------- no evidence from doubtful words


def _quiet(x: np.ndarray, db: float) -> np.ndarray:
    """A recording made far too quietly: scaled down over a microphone's hiss, then stored as 16-bit."""
    hiss = np.random.default_rng(2).normal(0, 10 ** (-75 / 20), x.size)
    return np.round((x * 10 ** (db / 20) + hiss) * 32767) / 32767


def _noisy(x: np.ndarray, snr_db: float) -> np.ndarray:
    power = float(np.mean(x[np.abs(x) > 0.01] ** 2))
    return x + np.random.default_rng(0).normal(0, np.sqrt(power / 10 ** (snr_db / 10)), x.size)


def _heard_only(a: Analysis) -> None:
    """Nothing the feedback or the checks show as said comes from a doubtful stretch, and no unsure check
    passes or gives a tip."""
    import re

    from mockprep.text import analysis_text

    spans = a.confidence.doubtful_spans(a.words)
    trusted = [w for w in a.words if not any(s <= (w.start + w.end) / 2 <= e for s, e in spans)]
    fillers = {f.word for f in a.delivery.fillers}
    heard = " ".join(w.text for w in trusted)
    everywhere = set(heard.split()) | set(analysis_text(heard).split()) | fillers | {"…"}  # "three" is "3" too
    evidence = [t.evidence for t in a.gaps] + [c.evidence for c in a.assessment.checks.values() if c.evidence]
    for ev in evidence:
        window = {w.text for w in trusted if ev.start - 1e-6 <= w.start <= ev.end + 1e-6} | {"…"}
        assert set(ev.quote.rstrip("…").split()) <= window, ev
    texts = [t.message for t in a.gaps] + [c.detail for c in a.assessment.checks.values()]
    only_in_doubt = {w.text for w in a.words} - everywhere  # (tips also suggest wordings: “My job was to…”)
    for q in (q for text in texts for q in re.findall(r"“([^”]*)”", text)):
        assert not set(q.rstrip("…").split()) & only_in_doubt, q
    assert all(t.evidence.said for t in a.gaps)
    unsure = {cid.value for cid, c in a.assessment.checks.items() if c.unsure}
    assert not any(c.passed for c in a.assessment.checks.values() if c.unsure)
    assert not unsure & {t.id.value for t in a.gaps}


@pytest.mark.slow
@pytest.mark.parametrize(("fixture", "qtype", "spoil"), [
    ("audio/strong_47s", "story", "noisy"), ("audio/strong_47s", "story", "quiet"),
    ("audio/strong_47s", "story", "clipped"), ("rubric_audio/motivation_good_role", "motivation", "noisy")])
def test_doubtful_recordings_quote_and_judge_only_what_was_heard_with_confidence(fixture: str, qtype: str,
                                                                                 spoil: str) -> None:
    """White noise at 5 dB SNR, 44 dB too quiet (16-bit, over a microphone's hiss), clipped at 60 dB of
    overdrive: each through the real recogniser gives a doubtful transcript; the feedback says so, and no tip,
    quote or check rests on its doubtful stretches. The clean recording is judged with nothing hidden."""
    from mockprep import audio
    from mockprep.analysis import analyze_audio
    from mockprep.assessment import QuestionType
    from tests.conftest import FIXTURES

    x = audio.load(FIXTURES.parent / f"{fixture}.flac").samples
    y = {"noisy": lambda: _noisy(x, 5.0), "quiet": lambda: _quiet(x, -44.0),
         "clipped": lambda: np.clip(x * 1000, -1, 1)}[spoil]()
    a = analyze_audio(audio.from_array(y.astype(np.float32), SR, SR), "Q?", question_type=QuestionType(qtype))
    assert a.ok and a.confidence is not None and a.confidence.doubtful, a.confidence
    assert any("may be wrong" in n and "nor quotes or judges them" in n for n in a.notes)
    spans = a.confidence.doubtful_spans(a.words)
    assert any(any(s <= (w.start + w.end) / 2 <= e for s, e in spans) for w in a.words)
    _heard_only(a)
    said = " ".join(s.text for s in a.assessment.sentences)
    assert said == " ".join(w.text for w in a.words)  # the transcript view keeps every word, to mark them
    assert Analysis.from_dict(a.to_dict()).to_dict() == a.to_dict()
    if spoil == "noisy" and qtype == "story":
        clean = analyze_audio(audio.from_array(x, SR, SR), "Q?", question_type=QuestionType(qtype))
        assert clean.confidence is not None and not clean.confidence.doubtful
        assert clean.confidence.doubtful_spans(clean.words) == []
        assert not any(c.unsure for c in clean.assessment.checks.values())
