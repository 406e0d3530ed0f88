"""analyze(audio, question, limit) -> Analysis: the whole core, and the JSON contract (docs/contract.md).

`Analysis.to_dict()` is what `mockprep analyze --json` prints and what is stored with each attempt;
`Analysis.from_dict()` reads it back (older stored versions included), so every adapter works on the
dataclasses rather than on nested dicts.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mockprep import audio as audio_mod
from mockprep import delivery as delivery_mod
from mockprep import feedback as feedback_mod
from mockprep import levels
from mockprep import rubrics as rubrics_mod
from mockprep.assessment import RUBRIC_OF, Assessment, Check, CheckId, Part, QuestionType, Rubric
from mockprep.confidence import Confidence
from mockprep.confidence import assess as assess_confidence
from mockprep.config import SETTINGS, Settings
from mockprep.delivery import Delivery
from mockprep.feedback import GapId, Severity, Tip
from mockprep.levels import Envelope
from mockprep.sentences import Sentence, split_sentences
from mockprep.stream import StreamSession, read_whole
from mockprep.words import Evidence, Filler, Span, Word, clock, hide

CONTRACT_VERSION = 3


@dataclass(frozen=True)
class Capture:
    """How a live recording reached mockprep: what ran on the page against what arrived."""

    ran_s: float  # how long the page recorded
    captured_s: float  # audio that arrived (the recording's length without the gaps)
    gaps: tuple[Span, ...] = ()  # audio that never arrived, kept in place as silence
    cut_at_limit: bool = False  # the page stopped the recording at the time limit

    @property
    def missing_s(self) -> float:
        return round(max(0.0, self.ran_s - self.captured_s), 2)

    def missing_share(self) -> float:
        return self.missing_s / self.ran_s if self.ran_s > 0 else 0.0


@dataclass(frozen=True)
class Analysis:
    status: str  # "ok" | "no_speech"
    message: str | None
    question: str | None
    question_type: QuestionType
    limit_s: float
    duration_s: float
    words: tuple[Word, ...]
    delivery: Delivery | None
    assessment: Assessment | None
    gaps: tuple[Tip, ...]  # everything weak, most important first (feedback shows the first few)
    capture: Capture | None = None
    notes: tuple[str, ...] = ()  # plain sentences about the recording itself (missing audio, a damaged file)
    timings: dict[str, float] = field(default_factory=dict)
    # How far the transcript can be trusted (None when no speech was found, or stored before it existed).
    confidence: Confidence | None = None
    # The recording's loudness, for the shape of the answer (None when no speech was found, or stored before it).
    envelope: Envelope | None = None

    @property
    def rubric(self) -> Rubric:
        return RUBRIC_OF[self.question_type]

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def over_limit_s(self) -> float:
        return round(max(0.0, self.duration_s - self.limit_s), 2)

    @property
    def transcript(self) -> str:
        return " ".join(w.text for w in self.words).strip()

    @property
    def score(self) -> int | None:
        return self.assessment.score if self.assessment else None

    @property
    def star(self) -> Assessment | None:
        """The STAR assessment of a story answer (None for other kinds of question)."""
        return self.assessment if self.assessment and self.assessment.rubric == Rubric.STAR else None

    def feedback(self, settings: Settings = SETTINGS) -> tuple[Tip, ...]:
        return tuple(feedback_mod.tips(list(self.gaps), settings))

    # ------------------------------------------------------------ the JSON contract

    def to_dict(self) -> dict[str, Any]:
        d, a = self.delivery, self.assessment
        assessed = _assessment_dict(a) if a else None
        return {
            "contract": CONTRACT_VERSION,
            "status": self.status,
            "message": self.message,
            "question": self.question,
            "question_type": self.question_type.value,
            "rubric": self.rubric.value,
            "limit_s": self.limit_s,
            "duration_s": round(self.duration_s, 2),
            "speech_s": d.speech_s if d else 0.0,
            "over_limit_s": self.over_limit_s,
            "transcript": self.transcript,
            "words": [{"word": w.text, "start": w.start, "end": w.end, "probability": w.probability}
                      for w in self.words],
            "delivery": _delivery_dict(d) if d else None,
            "score": self.score,
            "assessment": assessed,
            "star": assessed if self.star else None,
            "feedback": [_tip_dict(t) for t in self.feedback()],
            "gaps": [_tip_dict(t) for t in self.gaps],
            "capture": _capture_dict(self.capture) if self.capture else None,
            "notes": list(self.notes),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "confidence": self.confidence.to_dict() if self.confidence else None,
            "loudness": {"step_s": self.envelope.step_s, "db": list(self.envelope.db)} if self.envelope else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        """Read a stored analysis back, whichever contract version wrote it."""
        words = tuple(Word(w["word"], float(w["start"]), float(w["end"]), float(w.get("probability", 1.0)))
                      for w in d.get("words") or [])
        qtype = QuestionType(d.get("question_type") or QuestionType.STORY)
        assessed = d.get("assessment") or d.get("star")  # version 1 had only "star"
        assessment = _assessment_from(assessed, words, RUBRIC_OF[qtype]) if assessed else None
        delivery = _delivery_from({"speech_s": d.get("speech_s", 0.0), **d["delivery"]}, words) \
            if d.get("delivery") else None
        # Version 1 kept only the tips shown: they are the first gaps, in the same order.
        all_gaps = tuple(_tip_from(t) for t in (d.get("gaps") if "gaps" in d else d.get("feedback")) or [])
        return cls(d["status"], d.get("message"), d.get("question"), qtype, float(d.get("limit_s") or 120.0),
                   float(d.get("duration_s") or 0.0), words, delivery, assessment, all_gaps,
                   _capture_from(d["capture"]) if d.get("capture") else None, tuple(d.get("notes") or ()),
                   {k: float(v) for k, v in (d.get("timings") or {}).items()},
                   Confidence.from_dict(d["confidence"]) if d.get("confidence") else None,
                   Envelope(float(d["loudness"]["step_s"]), tuple(int(v) for v in d["loudness"]["db"]))
                   if d.get("loudness") else None)


# ---------------------------------------------------------------- to and from plain data


def _ev_dict(e: Evidence | None) -> dict[str, Any] | None:
    return {"quote": e.quote, "start": e.start, "end": e.end} if e else None


def _ev_from(d: dict[str, Any] | None) -> Evidence | None:
    return Evidence(str(d["quote"]), float(d["start"]), float(d["end"])) if d else None


def _delivery_dict(d: Delivery) -> dict[str, Any]:
    return {
        "wpm": d.wpm,
        "articulation_wpm": d.articulation_wpm,
        "first_word_s": d.first_word_s,
        "speech_start": d.speech_start,
        "speech_end": d.speech_end,
        "word_count": d.word_count,
        "pauses": [{"start": p.start, "end": p.end} for p in d.pauses],
        "fillers": [{"word": f.word, "start": f.start, "end": f.end, "kind": f.kind, "heard": f.heard}
                    for f in d.fillers],
        "filler_count": d.filler_count,
        "fillers_per_min": d.fillers_per_min,
        "pitch_range_st": d.pitch_range_st,
        "loudness_std_db": d.loudness_std_db,
        "monotone": d.monotone,
        "missing_s": d.missing_s,
    }


def _delivery_from(d: dict[str, Any], words: tuple[Word, ...]) -> Delivery:
    start = float(d.get("speech_start", d.get("first_word_s", 0.0)))
    end = float(d.get("speech_end", words[-1].end if words else start))
    return Delivery(
        wpm=float(d["wpm"]), articulation_wpm=float(d["articulation_wpm"]), first_word_s=float(d["first_word_s"]),
        speech_s=float(d.get("speech_s", 0.0)), speech_start=start, speech_end=end,
        word_count=int(d.get("word_count", 0)),
        pauses=tuple(Span(float(p["start"]), float(p["end"])) for p in d.get("pauses") or []),
        fillers=tuple(Filler(f["word"], float(f["start"]), float(f["end"]), f.get("kind", "hesitation"),
                             bool(f.get("heard", False))) for f in d.get("fillers") or []),
        pitch_range_st=d.get("pitch_range_st"), loudness_std_db=d.get("loudness_std_db"), monotone=d.get("monotone"),
        missing_s=float(d.get("missing_s", 0.0)))


def _assessment_dict(a: Assessment) -> dict[str, Any]:
    return {
        "rubric": a.rubric.value,
        "sentences": [{"text": x.text, "start": x.start, "end": x.end, "label": x.label} for x in a.sentences],
        "parts": {k: {"seconds": p.seconds, "share": p.share, "sentences": p.sentences} for k, p in a.parts.items()},
        "checks": {k.value: {"passed": c.passed, "detail": c.detail, "evidence": _ev_dict(c.evidence),
                             "unsure": c.unsure}
                   for k, c in a.checks.items()},
        "score": a.score,
    }


def _assessment_from(d: dict[str, Any], words: tuple[Word, ...], rubric: Rubric) -> Assessment:
    sents = tuple(Sentence(s["text"], float(s["start"]), float(s["end"]), s["label"],
                           tuple(w for w in words if s["start"] - 1e-6 <= w.start < s["end"] + 1e-6))
                  for s in d.get("sentences") or [])
    parts = {k: Part(float(p["seconds"]), float(p["share"]), int(p["sentences"])) for k, p in d["parts"].items()}
    checks = {CheckId(k): Check(bool(c["passed"]), str(c["detail"]), _ev_from(c.get("evidence")),
                                bool(c.get("unsure", False)))
              for k, c in d["checks"].items()}
    return Assessment(Rubric(d.get("rubric") or rubric), sents, parts, checks, d.get("score"))


def _tip_dict(t: Tip) -> dict[str, Any]:
    return {"id": t.id.value, "severity": t.severity.value, "message": t.message, "evidence": _ev_dict(t.evidence)}


def _tip_from(d: dict[str, Any]) -> Tip:
    ev = _ev_from(d.get("evidence")) or Evidence("", 0.0, 0.0)
    return Tip(GapId(d["id"]), Severity(d["severity"]), str(d["message"]), ev)


def _capture_dict(c: Capture) -> dict[str, Any]:
    return {"ran_s": round(c.ran_s, 2), "captured_s": round(c.captured_s, 2), "missing_s": c.missing_s,
            "gaps": [{"start": g.start, "end": g.end} for g in c.gaps], "cut_at_limit": c.cut_at_limit}


def _capture_from(d: dict[str, Any]) -> Capture:
    return Capture(float(d["ran_s"]), float(d["captured_s"]),
                   tuple(Span(float(g["start"]), float(g["end"])) for g in d.get("gaps") or []),
                   bool(d.get("cut_at_limit", False)))


# ---------------------------------------------------------------- analysis


def speech_found(words: list[Word], settings: Settings = SETTINGS) -> bool:
    """Enough confidently heard words to be an answer (Whisper invents a few words on noise and music).

    The time spoken is from the first confident word to the last, not the sum of their lengths: Whisper gives
    a hesitation next to no time and squeezes the words around it, so a real speaker's "Montreal, uh, uh, uh,
    forced aligner" over 5 s summed to 0.74 s of words and was refused as no speech (issue 14)."""
    sure = [w for w in words if w.probability >= settings.min_word_probability]
    if len(sure) < settings.min_words:
        return False
    spoken = sure[-1].end - sure[0].start
    return spoken >= settings.min_speech_s and len(sure) >= 0.4 * len(words)


def recording_notes(a: audio_mod.Audio, capture: Capture | None, settings: Settings = SETTINGS) -> tuple[str, ...]:
    """What the candidate should know about the recording before trusting its figures."""
    notes = []
    if capture is not None and capture.missing_share() > settings.missing_audio_note_share:
        lost = clock(capture.missing_s) if capture.missing_s >= 10 else f"{capture.missing_s:.1f} s"
        notes.append(f"{lost} of your answer did not reach mockprep: the computer was busy. "
                     "Pace and pauses leave that time out.")
    if a.damaged_at_s is not None:
        notes.append(f"The file is damaged after {clock(a.damaged_at_s)}; the answer was analysed up to there.")
    return tuple(notes)


def analyze_audio(a: audio_mod.Audio, question: str | None = None, limit_s: float | None = None,
                  settings: Settings = SETTINGS, words: list[Word] | None = None,
                  timings: dict[str, float] | None = None, f0: np.ndarray | None = None,
                  question_type: QuestionType = QuestionType.STORY, capture: Capture | None = None) -> Analysis:
    """Analyse decoded audio; pass `words` (and the pitch track `f0`) when streaming computed them already."""
    limit = settings.limit_s if limit_s is None else float(limit_s)
    timings = dict(timings or {})
    notes = recording_notes(a, capture, settings)
    t = time.perf_counter()
    if words is None:
        words, f0 = read_whole(a.samples, settings)
        timings["transcribe_s"] = time.perf_counter() - t
    duration = a.duration_s
    t = time.perf_counter()
    if not speech_found(words, settings):
        timings["analyze_s"] = time.perf_counter() - t
        return Analysis("no_speech", "No speech was found in this recording; check the microphone and try again.",
                        question, question_type, limit, duration, tuple(words), None, None, (), capture, notes,
                        timings)
    missing = capture.gaps if capture else ()
    d = delivery_mod.measure(a.samples, words, settings, f0, missing)
    trust = assess_confidence(a.samples, words, settings)
    if trust.doubtful:  # fillers are not counted where the words themselves are in doubt
        d = dataclasses.replace(d, fillers=trust.trusted_fillers(d.fillers, words))
        notes = (*notes, trust.note() or "")
    timings["delivery_s"] = time.perf_counter() - t
    t = time.perf_counter()
    chunks = split_sentences(words, settings, d.boundary_gaps)
    spans = trust.doubtful_spans(words)  # none in a trusted transcript
    assessment = rubrics_mod.assess_in_doubt(RUBRIC_OF[question_type], chunks, spans, duration, limit, settings,
                                             question)
    timings["assess_s"] = time.perf_counter() - t
    gaps = feedback_mod.gaps(assessment, d, hide(words, spans), duration, limit, settings)
    if spans:  # tips were drawn from the words heard with confidence; the transcript shows every word
        assessment = rubrics_mod.as_said(assessment, chunks)
    t = time.perf_counter()
    # From the samples both paths hold (a stream's buffer is the file's decode), so they draw the same shape.
    envelope = levels.envelope(a.samples, settings)
    timings["envelope_s"] = time.perf_counter() - t
    timings["analyze_s"] = timings["delivery_s"] + timings["assess_s"] + timings["envelope_s"]
    return Analysis("ok", None, question, question_type, limit, duration, tuple(words), d, assessment, tuple(gaps),
                    capture, notes, timings, trust, envelope)


def analyze(path: str | Path, question: str | None = None, limit_s: float | None = None,
            settings: Settings = SETTINGS, question_type: QuestionType = QuestionType.STORY) -> Analysis:
    """Decode, transcribe and analyse an audio file. Raises audio.AudioError for unusable input."""
    t = time.perf_counter()
    a = audio_mod.load(path, settings.sample_rate, settings.max_upload_mb)
    decode_s = time.perf_counter() - t
    return analyze_audio(a, question, limit_s, settings, timings={"decode_s": decode_s}, question_type=question_type)


def analyze_live(path: str | Path, question: str | None = None, limit_s: float | None = None,
                 settings: Settings = SETTINGS, question_type: QuestionType = QuestionType.STORY) -> Analysis:
    """Analyse a file the way the practice room analyses a live answer: fed in pieces through the same
    streaming session, as fast as its worker takes them. Gives the same result as `analyze`."""
    a = audio_mod.load(path, settings.sample_rate, settings.max_upload_mb)
    session = StreamSession(None, settings)
    step = int(settings.segment_step_s * settings.sample_rate)
    for i in range(0, len(a.samples), step):
        session.feed(a.samples[i: i + step], a.sample_rate)
        while session.backlog:  # the worker takes what is cut before more arrives, as in real time
            time.sleep(0.01)
    _, words, f0, timings = session.finish()
    return analyze_audio(a, question, limit_s, settings, words=words, f0=f0, timings=timings,
                         question_type=question_type)
