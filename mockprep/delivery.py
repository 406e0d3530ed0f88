"""How the answer was said: pace, pauses, fillers and vocal variety, from the audio and the words."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np

from mockprep import levels
from mockprep.audio import librosa
from mockprep.config import SETTINGS, Settings
from mockprep.hesitation import breath, dropped_hesitations
from mockprep.levels import frame_db, silence_mask
from mockprep.words import Filler, Span, Word


@dataclass(frozen=True)
class Delivery:
    wpm: float
    articulation_wpm: float
    first_word_s: float
    speech_s: float  # phonation time: speaking, not pausing
    speech_start: float
    speech_end: float
    word_count: int
    pauses: tuple[Span, ...]  # silences >= the long-pause threshold, between first and last word
    fillers: tuple[Filler, ...]
    pitch_range_st: float | None
    loudness_std_db: float | None
    monotone: bool | None
    # Longest silence (s) at each boundary between consecutive words, from the audio; splits run-on sentences.
    boundary_gaps: tuple[float, ...] = ()
    # Audio between the first and last word that never arrived (a live answer on a busy machine): left out
    # of every rate, and no pause is read into it.
    missing_s: float = 0.0

    @property
    def filler_count(self) -> int:
        return len(self.fillers)

    @property
    def fillers_per_min(self) -> float:
        span = self.speech_end - self.speech_start - self.missing_s
        return round(self.filler_count / span * 60, 1) if span > 0 else 0.0


# ---------------------------------------------------------------- silences


def silences(silent: np.ndarray, min_s: float, settings: Settings = SETTINGS) -> list[Span]:
    hop = settings.hop_s
    return [Span(round(a * hop, 2), round(b * hop, 2)) for a, b in levels.runs(silent) if (b - a) * hop >= min_s]


def speech_bounds(silent: np.ndarray, words: list[Word], settings: Settings = SETTINGS) -> tuple[float, float]:
    """First and last moment of speech: the sound nearest the first and last transcribed words.

    Whisper's first word often starts at 0.0 whatever the audio holds, so the audio decides, near the words.
    """
    hop = settings.hop_s
    sound = np.flatnonzero(~silent)
    if sound.size == 0 or not words:
        return (words[0].start, words[-1].end) if words else (0.0, 0.0)
    lo = max(0.0, words[0].start - 1.0)
    hi = words[-1].end + 1.0
    near = sound[(sound * hop >= lo) & (sound * hop <= hi)]
    if near.size == 0:
        return words[0].start, words[-1].end
    return round(float(near[0] * hop), 2), round(float((near[-1] + 1) * hop), 2)


def boundary_gaps(silent: np.ndarray, words: list[Word], settings: Settings = SETTINGS) -> tuple[float, ...]:
    """The longest silent run between each word and the next (Whisper often hides it inside a word's span)."""
    hop = settings.hop_s
    out = []
    for a, b in itertools.pairwise(words):
        lo, hi = int((a.start + 0.1) / hop), int((b.end - 0.1) / hop)
        runs = levels.runs(silent[lo:hi]) if hi > lo else []
        out.append(round(max((e - s for s, e in runs), default=0) * hop, 2))
    return tuple(out)


# ---------------------------------------------------------------- fillers

# um, uhm, uh, er, erm, hm, hmm, mm, mhm, ahm; not "am" (a+h*m+ matched "I am" and took it out of the word count).
HESITATION = re.compile(r"^(u+m+|u+h+m*|e+r+m*|h+m+|m+h*m+|a+h+m+)$")

# "like" after these words is a verb or a comparison ("I would like", "it looks like"), not a filler.
LIKE_NOT_FILLER_BEFORE = {
    "i", "you", "we", "they", "he", "she", "people", "who", "would", "'d", "really", "don't", "didn't",
    "do", "does", "did", "doesn't", "to", "not", "look", "looks", "looked", "looking", "seem", "seems",
    "seemed", "feel", "feels", "felt", "sound", "sounds", "sounded", "something", "nothing", "anything",
    "just", "more", "most", "much", "things", "stuff", "exactly", "also", "i'd", "we'd", "you'd", "they'd",
    "would've", "might", "may", "will", "could", "should", "customers", "users", "clients", "managers",
    "everyone", "everybody", "nobody", "someone", "team", "teams", "lot", "what", "is", "was", "be",
}
LIKE_VERB_SUBJECTS = {"i", "you", "we", "they", "would", "'d", "i'd", "we'd", "don't", "didn't", "to", "really"}
# "kind of" / "sort of" after these is a noun phrase ("what kind of tool"), not a hedge.
KIND_NOT_FILLER_BEFORE = {
    "a", "an", "the", "this", "that", "these", "those", "what", "which", "some", "any", "every", "no",
    "one", "same", "different", "right", "wrong", "my", "our", "their", "his", "her", "its", "your",
    "whatever", "each", "other", "another", "new", "all", "many", "various", "first", "only", "of",
}
# "like" + these after a comma introduces an example ("good points, like the memory one"): "such as", no filler.
LIKE_EXAMPLE_NEXT = {
    "the", "our", "my", "his", "her", "their", "your", "its", "this", "these", "those", "in", "on", "at", "for",
    "with", "during", "when", "before", "after", "from", "over", "under",
}
# "like I said", "like we planned": a conjunction.
LIKE_CLAUSE_VERBS = {
    "said", "say", "says", "mentioned", "told", "thought", "think", "did", "do", "does", "expected", "planned",
    "hoped", "wanted", "asked", "promised", "agreed", "described", "explained", "suggested", "used", "had",
}
SUBJECTS = {"i", "we", "you", "they", "he", "she", "it", "people", "everyone"}
# Nouns ending in -ly, which the "like carefully" hedge rule must not take for adverbs.
LY_NOUNS = {"family", "italy", "july", "supply", "reply", "assembly", "anomaly", "monopoly", "ally", "rally",
            "bully", "lily", "emily", "sally", "kelly", "holly", "molly", "polly", "jelly", "belly", "fly"}
YOU_KNOW_NOT_FILLER_BEFORE = {"do", "did", "don't", "didn't", "if", "as", "let", "would", "to", "you'd", "will"}
# "you know the answer", "you know how": "know" with an object is the verb.
KNOW_OBJECT = {
    "the", "a", "an", "that", "this", "these", "those", "how", "what", "why", "when", "where", "who", "whom",
    "which", "whether", "if", "it", "him", "her", "them", "me", "us", "my", "your", "our", "their", "his", "its",
    "about", "more", "less", "nothing", "everything", "something", "anything", "someone", "somebody", "anyone",
    "everyone", "all", "exactly", "enough", "best", "better", "much", "many", "each", "both", "so", "too",
}
# "I mean, we ..." is a filler when a new clause follows; "I mean what I say", "I mean business" are the verb.
MEAN_FILLER_NEXT = {
    "i", "we", "they", "he", "she", "you", "there", "the", "this", "it's", "that's", "we're", "they're", "i'm",
    "you're", "he's", "she's", "there's", "we've", "i've", "like", "yeah", "honestly", "basically", "so", "if",
    "not", "no", "yes", "okay", "well", "our", "my", "a",
}
# "the best kind of", "a similar sort of": adjectives of a noun phrase.
KIND_ADJECTIVES = {"best", "worst", "similar", "particular", "specific", "certain", "usual", "exact", "whole", "own",
                   "general", "strange", "odd", "special", "weird", "good", "bad", "better", "worse", "main",
                   "typical", "common", "rare", "new", "old", "older", "newer", "kinds", "sorts"}
CLAUSE_END = (",", ".", "?", "!", ";", ":", "…", "-", "—")


def detect_fillers(words: list[Word], settings: Settings = SETTINGS) -> list[Filler]:
    """Hesitations and discourse fillers, with context rules so verbs and nouns do not count."""
    out: list[Filler] = []
    norms = [w.norm for w in words]
    n = len(words)

    def gap_before(i: int) -> float:
        return words[i].start - words[i - 1].end if i > 0 else 1.0

    def set_off_before(i: int) -> bool:  # a comma, sentence start or pause just before word i
        return i == 0 or words[i - 1].text.endswith(CLAUSE_END) or gap_before(i) >= 0.25

    def set_off_after(i: int) -> bool:
        return words[i].text.endswith(CLAUSE_END) or i == n - 1 or words[i + 1].start - words[i].end >= 0.25

    i = 0
    while i < n:
        w, norm = words[i], norms[i]
        prev = norms[i - 1] if i > 0 else ""
        nxt = norms[i + 1] if i + 1 < n else ""
        following = norms[i + 2] if i + 2 < n else ""
        if HESITATION.match(norm):
            if not (norm.startswith("m") and prev[-1:].isdigit()) and not echoed(words, i, settings):  # "5 mm"
                out.append(Filler(norm, w.start, w.end, "hesitation"))
        elif norm == "like":
            verb_or_comparison = prev in LIKE_NOT_FILLER_BEFORE and not set_off_before(i)
            # "like 40 people", "like carefully": an approximator or hedge, whatever the punctuation.
            hedge = prev not in LIKE_VERB_SUBJECTS and (
                nxt[:1].isdigit() or (nxt.endswith("ly") and len(nxt) > 4 and nxt not in LY_NOUNS))
            comma_after = w.text.endswith(",")
            # Ordinary senses: "what was it like?", "good ideas, like the cache", "like I said".
            clause = [j for j in range(max(0, i - 6), i) if norms[j] == "what" and not any(
                words[k].text.endswith((".", "?", "!")) for k in range(j, i))]  # "what" in the same sentence
            what_like = bool(clause) and not comma_after and set_off_after(i)
            example = nxt in LIKE_EXAMPLE_NEXT and not comma_after and set_off_before(i)
            conjunction = nxt in SUBJECTS and following in LIKE_CLAUSE_VERBS and not comma_after
            ordinary = what_like or example or conjunction
            if hedge or (not ordinary and not verb_or_comparison and nxt != "to"
                         and (set_off_before(i) or set_off_after(i))):
                out.append(Filler("like", w.start, w.end, "discourse"))
        elif norm == "basically":
            out.append(Filler("basically", w.start, w.end, "discourse"))
        elif norm == "you" and nxt == "know" and prev not in YOU_KNOW_NOT_FILLER_BEFORE:
            # "you know, ..." set off by a comma or pause; not "you know the answer" or "you know how".
            if set_off_after(i + 1) or (set_off_before(i) and following not in KNOW_OBJECT):
                out.append(Filler("you know", w.start, words[i + 1].end, "discourse"))
                i += 2
                continue
        elif norm == "i" and nxt == "mean":
            # "I mean, ..." is a filler; "I mean to ..." / "I mean what I say" said plainly is not.
            # "That's what I mean." is the verb too.
            what = prev in {"what", "which", "whatever"} and not set_off_before(i)
            if not what and (set_off_after(i + 1) or (set_off_before(i) and following in MEAN_FILLER_NEXT)):
                out.append(Filler("I mean", w.start, words[i + 1].end, "discourse"))
                i += 2
                continue
        elif norm in {"kind", "sort"} and nxt == "of" and prev not in KIND_NOT_FILLER_BEFORE | KIND_ADJECTIVES:
            out.append(Filler(f"{norm} of", w.start, words[i + 1].end, "discourse"))
            i += 2
            continue
        i += 1
    return out


def echoed(words: list[Word], i: int, settings: Settings = SETTINGS) -> bool:
    """Word i is a hesitation Whisper wrote twice: the same "uh" right after one, with no time of its own and a
    probability the model itself does not believe (issue 14: a real "Montreal, uh, forced" read as "uh, uh,")."""
    w = words[i]
    return (i > 0 and words[i - 1].norm == w.norm and w.end - w.start < 0.05
            and w.probability < settings.hesitation_echo_max_probability)


def placed_in_gap(fillers: list[Filler], words: list[Word], settings: Settings = SETTINGS) -> list[Filler]:
    """Written hesitations of next to no length spread back over the gap after the word before.

    Whisper gives such an "uh" no time and starts it with the next word: on the real tuning monologues 0.5 s
    after the forced alignment's start (median; 0.0 s once spread over the gap), so its time to play and its
    match against a reference missed the sound. At most hesitation_gap_back_s back.
    """
    out = []
    for f in fillers:
        if f.kind == "hesitation" and not f.heard and f.end - f.start < settings.hesitation_placed_below_s:
            before = max((w.end for w in words if w.end <= f.start + 1e-6 and w.start < f.start), default=None)
            if before is not None:
                f = Filler(f.word, round(max(before, f.start - settings.hesitation_gap_back_s), 3), f.end, f.kind)
        out.append(f)
    return out


def all_fillers(samples: np.ndarray, words: list[Word], silent: np.ndarray,
                settings: Settings = SETTINGS) -> list[Filler]:
    """Fillers in the transcript, plus hesitations Whisper left out but the audio holds (mockprep.hesitation)."""
    written = detect_fillers(words, settings)
    placed = placed_in_gap(written, words, settings)
    # Whisper writes some breaths as "uh": a hesitation with no voice in its sound is not counted, nor taken
    # as an example of how this speaker hesitates.
    said = [p.kind != "hesitation" or not breath(samples, silent, p.start, p.end, words, settings) for p in placed]
    known = [f for f, ok in zip(written, said, strict=True) if ok]
    heard = dropped_hesitations(samples, words, silent, known, settings)  # its examples: the words' own times
    return sorted([p for p, ok in zip(placed, said, strict=True) if ok] + heard, key=lambda f: f.start)


# ---------------------------------------------------------------- pace


def spoken_word_count(token: str) -> int:
    """How many words a token stands for when said aloud: '40%' is 'forty percent' (2)."""
    t = token.strip().strip(".,!?;:\"()")
    if not any(c.isdigit() for c in t):
        return 1 if t and any(c.isalnum() for c in t) else (1 if t == "%" else 0)
    count = 0
    if t.startswith(("$", "€", "£")):
        count += 1  # dollars
        t = t[1:]
    if t.endswith("%"):
        count += 1  # percent
        t = t[:-1]
    m = re.match(r"^([\d,]*\d)(?:\.(\d+))?([kKmMbBxX]|st|nd|rd|th|s)?$", t)
    if not m:
        return max(1, count + len(re.findall(r"\d+", t)))
    whole = int(m.group(1).replace(",", ""))
    count += _number_words(whole)
    if m.group(2):
        count += 1 + len(m.group(2))  # "point five"
    if m.group(3) and m.group(3).lower() in {"k", "m", "b", "x"}:
        count += 1  # thousand / million / times
    return count


def _number_words(n: int) -> int:
    if 1100 <= n <= 2099 and n % 100 != 0 and not 2000 <= n <= 2009:
        return 2  # read as a year: "twenty nineteen"
    if n < 100:
        return 1  # "forty-two" is written as one word
    if n < 1000:
        return 2 + (_number_words(n % 100) if n % 100 else 0)
    for size in (10**9, 10**6, 10**3):
        if n >= size:
            rest = n % size
            return _number_words(n // size) + 1 + (_number_words(rest) if rest else 0)
    return 1


def count_words(words: list[Word]) -> int:
    """Spoken words, not counting hesitations."""
    return sum(spoken_word_count(w.text) for w in words if not HESITATION.match(w.norm))


# ---------------------------------------------------------------- vocal variety


def pitch_track(samples: np.ndarray, settings: Settings = SETTINGS) -> np.ndarray:
    """F0 (Hz) per 10 ms hop with librosa's YIN; computed in pieces while streaming and joined."""
    if samples.size < 1024:
        return np.zeros(1 + samples.size // int(settings.hop_s * settings.sample_rate))
    hop = int(settings.hop_s * settings.sample_rate)
    # In 10 s blocks: YIN's working memory grows with the input (about 2 MB per second of audio at once).
    block = 1000 * hop
    parts = []
    for a in range(0, samples.size, block):
        f0 = librosa().yin(samples[a: a + block], fmin=settings.pitch_fmin_hz, fmax=settings.pitch_fmax_hz,
                         sr=settings.sample_rate, frame_length=1024, hop_length=hop, center=True)
        parts.append(f0[: (min(block, samples.size - a) + hop - 1) // hop])
    return np.concatenate(parts)


def vocal_variety(samples: np.ndarray, silent: np.ndarray, settings: Settings = SETTINGS,
                  f0: np.ndarray | None = None) -> tuple[float | None, float | None, bool | None]:
    """Pitch spread (10th-90th percentile, semitones) and loudness spread (dB std) over voiced speech."""
    voiced_frames = int((~silent).sum())
    if voiced_frames * settings.hop_s < 3.0:
        return None, None, None  # too little speech to judge
    if f0 is None:
        f0 = pitch_track(samples, settings)
    k = min(len(f0), len(silent))
    f0, sound = f0[:k], ~silent[:k]
    # yin answers everywhere; keep sounding frames with a pitch well inside the search range.
    ok = sound & (f0 > settings.pitch_fmin_hz * 1.1) & (f0 < settings.pitch_fmax_hz * 0.9)
    if ok.sum() * settings.hop_s < 2.0:
        return None, None, None
    st = 12 * np.log2(f0[ok] / np.median(f0[ok]))
    pitch_range = float(np.percentile(st, 90) - np.percentile(st, 10))
    db = frame_db(samples, settings)[:k]
    loud_std = float(np.std(db[sound]))
    return round(pitch_range, 1), round(loud_std, 1), bool(pitch_range < settings.monotone_range_st)


# ---------------------------------------------------------------- all together


def _overlap(a: Span, b: Span) -> float:
    return max(0.0, min(a.end, b.end) - max(a.start, b.start))


def measure(samples: np.ndarray, words: list[Word], settings: Settings = SETTINGS,
            f0: np.ndarray | None = None, missing: tuple[Span, ...] = ()) -> Delivery:
    """Everything about how it was said; f0 may come precomputed (streaming) to save time at Stop.

    missing: stretches of the recording that never arrived (silence stands in for them)."""
    db = frame_db(samples, settings)
    silent = silence_mask(db, settings)
    start, end = speech_bounds(silent, words, settings)
    lost = sum(_overlap(m, Span(start, end)) for m in missing)
    span = max(end - start - lost, 1e-6)
    inner = [s for s in silences(silent, 0.25, settings) if s.start >= start and s.end <= end]
    pauses = tuple(s for s in inner if s.duration >= settings.long_pause_s
                   and not any(_overlap(s, m) > 0 for m in missing))
    quiet = sum(s.duration - sum(_overlap(s, m) for m in missing) for s in inner)
    phonation = max(span - quiet, 1e-6)
    n = count_words(words)
    pitch_range, loud_std, monotone = vocal_variety(samples, silent, settings, f0)
    return Delivery(
        wpm=round(n / span * 60, 1) if words else 0.0,
        articulation_wpm=round(n / phonation * 60, 1) if words else 0.0,
        first_word_s=round(start, 2),
        speech_s=round(phonation, 2) if words else 0.0,
        speech_start=start,
        speech_end=end,
        word_count=n,
        pauses=pauses,
        fillers=tuple(all_fillers(samples, words, silent, settings)),
        pitch_range_st=pitch_range,
        loudness_std_db=loud_std,
        monotone=monotone,
        boundary_gaps=boundary_gaps(silent, words, settings),
        missing_s=round(lost, 2),
    )
