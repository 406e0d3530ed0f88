"""analyze(audio, question, limit) -> Analysis: the whole core, and the JSON contract of DESIGN.md."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mockprep import audio as audio_mod
from mockprep import delivery as delivery_mod
from mockprep import feedback as feedback_mod
from mockprep import star as star_mod
from mockprep.config import SETTINGS, Settings
from mockprep.stream import read_whole
from mockprep.words import Word


@dataclass(frozen=True)
class Analysis:
    status: str  # "ok" | "no_speech"
    message: str | None
    question: str | None
    limit_s: float
    duration_s: float
    words: tuple[Word, ...]
    delivery: delivery_mod.Delivery | None
    star: star_mod.Star | None
    feedback: tuple[feedback_mod.Tip, ...]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def over_limit_s(self) -> float:
        return round(max(0.0, self.duration_s - self.limit_s), 2)

    @property
    def transcript(self) -> str:
        return " ".join(w.text for w in self.words).strip()

    def to_dict(self) -> dict[str, Any]:
        d = self.delivery
        return {
            "status": self.status,
            "message": self.message,
            "question": self.question,
            "limit_s": self.limit_s,
            "duration_s": round(self.duration_s, 2),
            "speech_s": d.speech_s if d else 0.0,
            "over_limit_s": self.over_limit_s,
            "transcript": self.transcript,
            "words": [{"word": w.text, "start": w.start, "end": w.end, "probability": w.probability}
                      for w in self.words],
            "delivery": _delivery_dict(d) if d else None,
            "star": _star_dict(self.star) if self.star else None,
            "feedback": [asdict(t) for t in self.feedback],
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _delivery_dict(d: delivery_mod.Delivery) -> dict[str, Any]:
    return {
        "wpm": d.wpm,
        "articulation_wpm": d.articulation_wpm,
        "first_word_s": d.first_word_s,
        "word_count": d.word_count,
        "pauses": [{"start": p.start, "end": p.end} for p in d.pauses],
        "fillers": [{"word": f.word, "start": f.start, "end": f.end, "kind": f.kind} for f in d.fillers],
        "filler_count": d.filler_count,
        "fillers_per_min": d.fillers_per_min,
        "pitch_range_st": d.pitch_range_st,
        "loudness_std_db": d.loudness_std_db,
        "monotone": d.monotone,
    }


def _star_dict(s: star_mod.Star) -> dict[str, Any]:
    return {
        "sentences": [{"text": x.text, "start": x.start, "end": x.end, "label": x.label} for x in s.sentences],
        "parts": {k: asdict(v) for k, v in s.parts.items()},
        "checks": {k: {"passed": c.passed, "detail": c.detail} for k, c in s.checks.items()},
        "score": s.score,
    }


def speech_found(words: list[Word], settings: Settings = SETTINGS) -> bool:
    """Enough confidently heard words to be an answer (Whisper invents a few words on noise and music)."""
    sure = [w for w in words if w.probability >= settings.min_word_probability]
    if len(sure) < settings.min_words:
        return False
    spoken = sum(w.end - w.start for w in sure)
    return spoken >= settings.min_speech_s and len(sure) >= 0.4 * len(words)


def analyze_audio(a: audio_mod.Audio, question: str | None = None, limit_s: float | None = None,
                  settings: Settings = SETTINGS, words: list[Word] | None = None,
                  timings: dict[str, float] | None = None, f0: np.ndarray | None = None) -> Analysis:
    """Analyse decoded audio; pass `words` (and the pitch track `f0`) when streaming computed them already."""
    limit = settings.limit_s if limit_s is None else float(limit_s)
    timings = dict(timings or {})
    t = time.perf_counter()
    if words is None:
        words, f0 = read_whole(a.samples, settings)
        timings["transcribe_s"] = time.perf_counter() - t
    duration = a.duration_s
    t = time.perf_counter()
    if not speech_found(words, settings):
        timings["analyze_s"] = time.perf_counter() - t
        return Analysis("no_speech", "No speech was found in this recording; check the microphone and try again.",
                        question, limit, duration, tuple(words), None, None, (), timings)
    d = delivery_mod.measure(a.samples, words, settings, f0)
    timings["delivery_s"] = time.perf_counter() - t
    t = time.perf_counter()
    star = star_mod.analyze(words, duration, limit, settings, d.boundary_gaps)
    timings["star_s"] = time.perf_counter() - t
    tips = feedback_mod.tips(star, d, words, duration, limit, settings)
    timings["analyze_s"] = timings["delivery_s"] + timings["star_s"]
    return Analysis("ok", None, question, limit, duration, tuple(words), d, star, tuple(tips), timings)


def analyze(path: str | Path, question: str | None = None, limit_s: float | None = None,
            settings: Settings = SETTINGS) -> Analysis:
    """Decode, transcribe and analyse an audio file. Raises audio.AudioError for unusable input."""
    t = time.perf_counter()
    a = audio_mod.load(path, settings.sample_rate, settings.max_upload_mb)
    decode_s = time.perf_counter() - t
    return analyze_audio(a, question, limit_s, settings, timings={"decode_s": decode_s})
