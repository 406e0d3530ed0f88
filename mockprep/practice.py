"""One attempt, start to finish: keep the audio, record the attempt, analyse, schedule the next drill.

Shared by the browser app and the terminal so both keep attempts the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockprep import drill
from mockprep.config import SETTINGS, Settings
from mockprep.store import Store
from mockprep.stream import StreamSession


@dataclass(frozen=True)
class Outcome:
    attempt_id: int
    audio_path: Path
    analysis: dict[str, Any] | None  # None when the analysis failed
    error: str | None


def attempt(store: Store, recording: Path | str, question: dict[str, Any] | None, limit_s: float | None = None,
            settings: Settings = SETTINGS, parent_id: int | None = None, mock_id: int | None = None,
            already_kept: bool = False) -> Outcome:
    """Keep the recording, then analyse it; a failure leaves the audio and an 'error' attempt."""
    limit = float(limit_s or settings.limit_s)
    path = Path(recording) if already_kept else store.keep(recording, (question or {}).get("id"))
    aid = store.add_attempt(path, question, limit, parent_id=parent_id, mock_id=mock_id)
    return _analyse(store, aid, path, question, limit, settings)


def finish_streamed(store: Store, aid: int, session: StreamSession, question: dict[str, Any] | None,
                    limit_s: float | None = None, settings: Settings = SETTINGS) -> Outcome:
    """Stop: the words are mostly transcribed already; only the last stretch and the analysis remain."""
    from mockprep.analysis import analyze_audio

    limit = float(limit_s or settings.limit_s)
    path = session.path or Path(store.get(aid).audio_path)
    try:
        audio, words, f0, timings = session.finish()
    except Exception:  # the worker failed: the file is complete, so analyse it the usual way
        return _analyse(store, aid, path, question, limit, settings)
    return _analyse(store, aid, path, question, limit, settings,
                    run=lambda: analyze_audio(audio, (question or {}).get("text"), limit, settings, words=words,
                                              f0=f0, timings=timings))


def _analyse(store: Store, aid: int, path: Path, question: dict[str, Any] | None, limit: float,
             settings: Settings, run: Callable[[], Any] | None = None) -> Outcome:
    from mockprep.analysis import analyze
    from mockprep.audio import AudioError

    try:
        result = run() if run else analyze(path, (question or {}).get("text"), limit, settings)
        d = result.to_dict()
    except AudioError as e:
        store.fail_attempt(aid, str(e))
        return Outcome(aid, path, None, str(e))
    except Exception as e:  # keep the attempt; `mockprep reanalyze` can redo it
        msg = f"The analysis failed ({type(e).__name__}); the recording is kept and can be reanalysed."
        store.fail_attempt(aid, f"{msg} {e}")
        return Outcome(aid, path, None, msg)
    d["attempt_id"] = aid
    d["audio_path"] = str(path)
    store.finish_attempt(aid, d)
    if question and question.get("id"):
        drill.review(store, question["id"], d)
    return Outcome(aid, path, d, None)


def reanalyze(store: Store, attempt_id: int, settings: Settings = SETTINGS) -> Outcome:
    a = store.get(attempt_id)
    if a is None:
        raise KeyError(attempt_id)
    q = {"id": a.question_id, "text": a.question_text, "competency": a.competency} if a.question_id else None
    return _analyse(store, a.id, Path(a.audio_path), q, a.limit_s or settings.limit_s, settings)
