"""One attempt, start to finish: keep the audio, record the attempt, analyse, schedule the next drill.

Shared by the browser app and the terminal so both keep attempts the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mockprep import drill
from mockprep.analysis import Analysis, Capture, analyze, analyze_audio
from mockprep.assessment import QuestionType
from mockprep.audio import AudioError
from mockprep.banks import Question
from mockprep.config import SETTINGS, Settings
from mockprep.store import Store
from mockprep.stream import StreamSession


@dataclass(frozen=True)
class Outcome:
    attempt_id: int
    audio_path: Path
    analysis: Analysis | None  # None when the analysis failed
    error: str | None


def _qtype(question: Question | None) -> QuestionType:
    return question.type if question else QuestionType.STORY


def attempt(store: Store, recording: Path | str, question: Question | None, limit_s: float | None = None,
            settings: Settings = SETTINGS, parent_id: int | None = None, mock_id: int | None = None,
            already_kept: bool = False) -> Outcome:
    """Keep the recording, then analyse it; a failure leaves the audio and an 'error' attempt."""
    limit = float(limit_s or settings.limit_s)
    path = Path(recording) if already_kept else store.keep(recording, question and question.id)
    aid = store.add_attempt(path, question, limit, parent_id=parent_id, mock_id=mock_id)
    return _analyse(store, aid, path, question, lambda: analyze(path, question and question.text, limit, settings,
                                                                _qtype(question)))


def finish_streamed(store: Store, aid: int, session: StreamSession, question: Question | None,
                    limit_s: float | None = None, settings: Settings = SETTINGS, ran_s: float | None = None,
                    cut_at_limit: bool = False, schedule: bool = True) -> Outcome:
    """Stop: the words are mostly transcribed already; only the last stretch and the analysis remain.

    ran_s: how long the recording ran on the page, to tell audio that never arrived; schedule: the answer
    reschedules its question's drill."""
    limit = float(limit_s or settings.limit_s)
    path = session.path or Path(store.get(aid).audio_path)
    text, qtype = question and question.text, _qtype(question)
    try:
        audio, words, f0, timings = session.finish()
    except Exception:  # the worker failed: the file is complete, so analyse it the usual way
        return _analyse(store, aid, path, question, lambda: analyze(path, text, limit, settings, qtype), schedule)
    gap_s = sum(g.duration for g in session.gaps)
    capture = Capture(max(ran_s or 0.0, audio.duration_s), audio.duration_s - gap_s, tuple(session.gaps),
                      cut_at_limit)
    return _analyse(store, aid, path, question,
                    lambda: analyze_audio(audio, text, limit, settings, words=words, f0=f0, timings=timings,
                                          question_type=qtype, capture=capture), schedule)


def _analyse(store: Store, aid: int, path: Path, question: Question | None, run: Callable[[], Analysis],
             schedule: bool = True) -> Outcome:
    try:
        result = run()
    except AudioError as e:
        store.fail_attempt(aid, str(e))
        return Outcome(aid, path, None, str(e))
    except Exception as e:  # keep the attempt; `mockprep reanalyze` can redo it
        msg = f"The analysis failed ({type(e).__name__}); the recording is kept and can be reanalysed."
        store.fail_attempt(aid, f"{msg} {e}")
        return Outcome(aid, path, None, msg)
    store.finish_attempt(aid, result)
    if question is not None and schedule:
        drill.review(store, question.id, result)
    return Outcome(aid, path, result, None)


def reanalyze(store: Store, attempt_id: int, settings: Settings = SETTINGS) -> Outcome:
    a = store.get(attempt_id)
    if a is None:
        raise KeyError(attempt_id)
    q = Question(a.question_id, a.question_text or "", a.competency or "general", "", "", "", (),
                 QuestionType(a.question_type)) if a.question_id else None
    limit = a.limit_s or settings.limit_s
    capture = a.analysis.capture if a.analysis else None
    if capture is None and a.ran_s:
        capture = Capture(a.ran_s, a.captured_s or 0.0)

    def run() -> Analysis:
        from mockprep.audio import load

        audio = load(a.audio_path, settings.sample_rate, settings.max_upload_mb)
        return analyze_audio(audio, a.question_text, limit, settings, question_type=QuestionType(a.question_type),
                             capture=capture)

    return _analyse(store, a.id, Path(a.audio_path), q, run)
