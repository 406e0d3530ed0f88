"""Hesitations Whisper left out: lone "uh"/"um" sounds found in the audio and matched to the speaker's own.

Whisper tiny.en keeps most "um"/"uh" with the filler prompt but drops some: the neighbouring word's span
stretches over them, or they sit in a gap between words. In the audio such a hesitation is a lone sound,
set off by short silences, of filler length. Plenty of real words look like that too ("and,", "I,", "so"),
so a lone sound only counts when it is voiced, holds its pitch, and its timbre is close to the hesitations
this same speaker made where Whisper did write them down. A speaker with no transcribed hesitation gets no
acoustic ones either: Whisper keeps most, so a speaker it never heard hesitate rarely does.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from mockprep import levels
from mockprep.audio import librosa
from mockprep.config import SETTINGS, Settings
from mockprep.words import Filler, Word

# Short words Whisper stretches over a following (or preceding) hesitation, or writes instead of one.
FUNCTION_WORDS = frozenset({
    "a", "an", "the", "to", "of", "and", "that", "their", "there", "they", "i", "i'll", "i'm", "i've", "it",
    "in", "on", "for", "with", "so", "but", "my", "our", "your", "at", "as", "or", "is", "was", "be", "by",
    "we", "this", "then", "than", "just", "about", "what", "when", "which", "because",
})
WORD_OWN_SOUND_S = 0.05  # a word must overlap another sound run this long: that run is the word itself
GAP_MAX_COVER = 0.3  # a run less covered than this by words is in a gap between them
WORD_MIN_COVER = 0.5  # ...and a run covered at least this much by one word is inside that word's span
NEAREST_EXAMPLES = 2  # timbre distance: mean over this many nearest examples, so one odd example cannot decide
PITCH_WINDOW_S = 0.04  # autocorrelation window: three periods of a low (75 Hz) voice


@dataclass(frozen=True)
class Run:
    """A stretch of non-silent 10 ms frames, [start, end) in frames."""

    start: int
    end: int

    def seconds(self, hop: float) -> tuple[float, float]:
        return self.start * hop, self.end * hop


def dropped_hesitations(samples: np.ndarray, words: list[Word], silent: np.ndarray, known: list[Filler],
                        settings: Settings = SETTINGS) -> list[Filler]:
    """Probable "uh"/"um" the transcript left out, as Filler(word="uh", kind="hesitation"), in time order.

    samples: 16 kHz mono float32; words: Whisper's words; silent: delivery.silence_mask per 10 ms frame;
    known: the fillers already found in the words (none is reported twice).
    """
    runs = sound_runs(silent)
    lone = lone_runs(runs, len(silent), settings)
    if not lone:
        return []
    timbre = _normalised_mfcc(samples, silent, settings)
    examples = _speaker_examples(samples, lone, known, settings)
    if len(examples) < settings.hesitation_min_examples:
        return []
    templates = np.array([_timbre_shape(timbre, r) for r in examples])
    best: dict[Hashable, tuple[float, Run]] = {}
    for key, run in candidates(runs, lone, words, known, settings):
        distance = _distance(_timbre_shape(timbre, run), templates)
        if distance > settings.hesitation_max_distance or not _sounds_like_hesitation(samples, run, settings):
            continue
        if key not in best or distance < best[key][0]:  # one hesitation per stretched word: the closest
            best[key] = (distance, run)
    hop = settings.hop_s
    found = sorted((run for _, run in best.values()), key=lambda r: r.start)
    return [Filler("uh", round(r.start * hop, 2), round(r.end * hop, 2), "hesitation", heard=True) for r in found]


# ---------------------------------------------------------------- where a dropped hesitation can be


def sound_runs(silent: np.ndarray) -> list[Run]:
    """The runs of non-silent frames, in order."""
    return [Run(a, b) for a, b in levels.runs(~silent)]


def lone_runs(runs: list[Run], n_frames: int, settings: Settings = SETTINGS) -> list[Run]:
    """Sound runs of filler length with a short silence on both sides: how a hesitation set off by commas sounds."""
    hop = settings.hop_s
    lo, hi = settings.hesitation_min_s / hop - 1e-6, settings.hesitation_max_s / hop + 1e-6
    pause = settings.hesitation_silence_s / hop - 1e-6
    out = []
    for i, r in enumerate(runs):
        before = r.start - (runs[i - 1].end if i > 0 else 0)
        after = (runs[i + 1].start if i + 1 < len(runs) else n_frames) - r.end
        if lo <= r.end - r.start <= hi and before >= pause and after >= pause:
            out.append(r)
    return out


def candidates(runs: list[Run], lone: list[Run], words: list[Word], known: list[Filler],
               settings: Settings = SETTINGS) -> list[tuple[Hashable, Run]]:
    """(group, run) for lone runs in a gap between words, or inside a function word that has its own sound too.

    The group is the word whose span holds the run ("gap" runs are each their own group), so that a word
    stretched over two lone runs gives at most one hesitation: the other run is the word.
    """
    hop = settings.hop_s
    out: list[tuple[Hashable, Run]] = []
    for run in lone:
        start, end = run.seconds(hop)
        if any(f.start - settings.hesitation_known_gap_s <= end and start <= f.end + settings.hesitation_known_gap_s
               for f in known):
            continue  # already counted from the words (Whisper's filler times can be a few tenths off)
        overlaps = [(i, min(end, w.end) - max(start, w.start)) for i, w in enumerate(words)]
        overlaps = [(i, o) for i, o in overlaps if o > 0]
        covered = sum(o for _, o in overlaps)
        if covered < GAP_MAX_COVER * (end - start):
            out.append((("gap", run.start), run))
            continue
        i, o = max(overlaps, key=lambda t: t[1])
        if o >= WORD_MIN_COVER * (end - start) and words[i].norm in FUNCTION_WORDS and \
                _has_other_sound(words[i], run, runs, hop):
            out.append((i, run))
    return out


def _has_other_sound(word: Word, run: Run, runs: list[Run], hop: float) -> bool:
    """The word's span also overlaps another sound run, which can be the word itself."""
    return any(r != run and min(word.end, r.end * hop) - max(word.start, r.start * hop) >= WORD_OWN_SOUND_S
               for r in runs)


# ---------------------------------------------------------------- what a hesitation sounds like


def _speaker_examples(samples: np.ndarray, lone: list[Run], known: list[Filler], settings: Settings) -> list[Run]:
    """The lone, voiced run nearest each transcribed "um"/"uh": how this speaker hesitates."""
    hop = settings.hop_s
    out: list[Run] = []
    for f in known:
        if f.kind != "hesitation":
            continue
        mid = (f.start + f.end) / 2
        near = [r for r in lone
                if r.start * hop - settings.hesitation_known_gap_s <= f.end
                and f.start <= r.end * hop + settings.hesitation_known_gap_s]
        if not near:
            continue
        run = min(near, key=lambda r: abs((r.start + r.end) * hop / 2 - mid))
        if run not in out and _sounds_like_hesitation(samples, run, settings):
            out.append(run)
    return out


def _normalised_mfcc(samples: np.ndarray, silent: np.ndarray, settings: Settings) -> np.ndarray:
    """MFCC 1-12 per 10 ms frame, standardised over this recording's speech frames.

    Standardising removes the microphone and room, so one distance threshold fits every recording.
    """
    hop = int(settings.hop_s * settings.sample_rate)
    mfcc = librosa().feature.mfcc(y=samples.astype(np.float32), sr=settings.sample_rate, n_mfcc=13, n_fft=512,
                                hop_length=hop, n_mels=40)[1:].T
    speech = mfcc[: len(silent)][~silent[: len(mfcc)]]
    if len(speech) < 2:
        return mfcc
    return (mfcc - speech.mean(axis=0)) / (speech.std(axis=0) + 1e-6)


def _timbre_shape(timbre: np.ndarray, run: Run) -> np.ndarray:
    """Mean MFCCs of the run's first, middle and last third, end to end.

    The shape over time separates what a single mean blurs: "um" is a vowel closing to a nasal and "uh" one
    steady vowel, while short words glide ("I", "they") or start or end on a consonant ("of", "so").
    """
    thirds = np.array_split(timbre[run.start: max(run.end, run.start + 3)], 3)
    return np.concatenate([part.mean(axis=0) for part in thirds])


def _distance(vector: np.ndarray, templates: np.ndarray) -> float:
    """RMS difference per coefficient to the speaker's hesitations, averaged over the nearest few."""
    d = np.sort(np.sqrt(np.mean(np.square(templates - vector), axis=1)))
    return float(d[:NEAREST_EXAMPLES].mean())


def _sounds_like_hesitation(samples: np.ndarray, run: Run, settings: Settings) -> bool:
    """Voiced (breaths and clicks are not) and holding its pitch (a filler is one sustained vowel)."""
    voicing, pitch_range = periodicity(samples, run, settings)
    return voicing >= settings.hesitation_min_voicing and pitch_range <= settings.hesitation_max_pitch_range_st


def frame_peaks(samples: np.ndarray, start: int, end: int,
                settings: Settings = SETTINGS) -> tuple[np.ndarray, np.ndarray]:
    """Per 10 ms frame in [start, end): the normalised autocorrelation peak and its lag (samples).

    pyin marks many frames of a low, breathy voice unvoiced; the plain autocorrelation peak keeps them,
    while noise (breath) stays far below a voice's. All frames at once, correlated through the FFT: this runs
    after Stop, and a frame at a time cost 0.3 s of a 52 s answer's analysis here (1 s on a busy machine).
    """
    sr = settings.sample_rate
    hop = int(settings.hop_s * sr)
    win = int(PITCH_WINDOW_S * sr)
    lo, hi = int(sr / settings.pitch_fmax_hz), int(sr / settings.pitch_fmin_hz)
    x = samples[start * hop: end * hop + win + hi].astype(np.float64)
    starts = np.arange(0, len(x) - win - hi, hop)
    if not len(starts):
        return np.zeros(0), np.zeros(0)
    lags, span = hi - lo + 1, hi - lo + win  # lags lo..hi; each frame against the audio those lags reach
    view = np.lib.stride_tricks.sliding_window_view(x, span)
    frames, reach = view[starts][:, :win], view[starts + lo]
    n = 1 << (span - 1).bit_length()  # no wrap-around: every product needed lies inside `span`
    corr = np.fft.irfft(np.fft.rfft(reach, n) * np.conj(np.fft.rfft(frames, n)), n)[:, :lags]
    energy = np.concatenate([np.zeros((len(starts), 1)), np.cumsum(reach * reach, axis=1)], axis=1)
    shifted = np.maximum(energy[:, win: win + lags] - energy[:, :lags], 0.0)
    r = corr / (np.sqrt(np.einsum("ij,ij->i", frames, frames)[:, None] * shifted) + 1e-12)
    k = np.argmax(r, axis=1)
    return r[np.arange(len(k)), k], (lo + k).astype(np.float64)


def periodicity(samples: np.ndarray, run: Run, settings: Settings = SETTINGS) -> tuple[float, float]:
    """(median normalised autocorrelation peak, 10th-90th percentile pitch spread in semitones) over a run."""
    peaks_a, lags_a = frame_peaks(samples, run.start, run.end, settings)
    if not len(peaks_a):
        return 0.0, float("inf")
    voiced = peaks_a >= settings.hesitation_min_voicing
    if voiced.sum() < 3:
        return float(np.median(peaks_a)), float("inf")
    semitones = 12 * np.log2(lags_a[voiced] / np.median(lags_a[voiced]))
    semitones = (semitones + 6) % 12 - 6  # octave slips of the peak picker are not pitch movement
    return float(np.median(peaks_a)), float(np.percentile(semitones, 90) - np.percentile(semitones, 10))


def breath(samples: np.ndarray, silent: np.ndarray, start_s: float, end_s: float,
           words: Sequence[Word] = (), settings: Settings = SETTINGS) -> bool:
    """Sound in [start_s, end_s] (with a few frames' margin, but none of the other words' own time) and no
    voice held for hesitation_min_voiced_s in it: a breath or a click Whisper wrote as "uh".

    An "uh" or "um" is a voiced vowel or nasal. Where nothing sounds at all (a soft hesitation under the
    floor, or a time Whisper got wrong) there is nothing to judge, and the written word stands."""
    hop = settings.hop_s
    margin = 5  # frames: Whisper's word edges are a few hundredths off
    a, b = max(0, int(start_s / hop) - margin), min(len(silent), int(np.ceil(end_s / hop)) + margin)
    sounding = ~silent[a:b]
    for w in words:  # a neighbour's voice is not this hesitation's
        if w.end > a * hop and w.start < b * hop and not (w.start >= start_s and w.end <= end_s):
            sounding[max(0, int(w.start / hop) - a): max(0, int(np.ceil(w.end / hop)) - a)] = False
    if not sounding.any():
        return False
    peaks, _ = frame_peaks(samples, a, b, settings)
    peaks = peaks[: len(sounding)]
    voiced = (peaks >= settings.hesitation_min_voicing) & sounding[: len(peaks)]
    longest = max((e - s for s, e in levels.runs(voiced)), default=0)
    return longest * hop < settings.hesitation_min_voiced_s
